import { useEffect, useRef, useState } from 'react';
import { useDebouncedValue } from './useDebouncedValue';

/**
 * A search box whose text lives in the URL: what is typed reaches the URL through `commit`
 * (given the trimmed text) once typing pauses; a URL that changes (Back, a link) puts its
 * search in the box. Answers the box's text and its setter.
 */
export function useUrlSearch(urlSearch: string, commit: (search: string) => void, delayMs: number): [string, (text: string) => void] {
  const [search, setSearch] = useState(urlSearch);
  const debounced = useDebouncedValue(search.trim(), delayMs);
  // The effect below runs on the typed text only: it reads the current URL and commit here.
  const latest = useRef({ urlSearch, commit });
  latest.current = { urlSearch, commit };
  useEffect(() => {
    setSearch((s) => (s.trim() === urlSearch.trim() ? s : urlSearch));
  }, [urlSearch]);
  useEffect(() => {
    if (debounced !== latest.current.urlSearch.trim()) latest.current.commit(debounced);
  }, [debounced]);
  return [search, setSearch];
}
