import type { SortingState } from '@tanstack/react-table';
import { useEffect, useRef, useState } from 'react';
import { type ListUrlState, navigate, replaceRoute } from '../routes';
import { useDebouncedValue } from './useDebouncedValue';

export interface UrlList<Sort extends string> {
  /** The search box's text (what is typed; the URL gets it once typing pauses). */
  readonly search: string;
  readonly setSearch: (text: string) => void;
  readonly sorting: SortingState;
  readonly onSortingChange: (sorting: SortingState) => void;
  readonly offset: number;
  readonly setOffset: (offset: number) => void;
  /** Changes the URL's state (status, search…), back to the first page. */
  readonly update: (change: Partial<ListUrlState<Sort>>) => void;
}

/**
 * A server-paged list whose state (search, filters, sort, page) lives in the URL, so a reload,
 * Back or a copied link shows the same list. Typed text reaches the URL once typing pauses,
 * without a new history entry; a URL that changes (Back, a link) puts its search in the box.
 * Any change but the page's goes back to the first page.
 */
export function useUrlList<Sort extends string>(
  state: ListUrlState<Sort>,
  defaults: { readonly sort: Sort; readonly desc: boolean },
  hrefOf: (state: ListUrlState<Sort>) => string,
  pageSize: number,
): UrlList<Sort> {
  // The route object is new on every render: effects read the current one through a ref.
  const latest = useRef({ state, hrefOf });
  latest.current = { state, hrefOf };

  const urlSearch = state.search ?? '';
  const [search, setSearch] = useState(urlSearch);
  const debounced = useDebouncedValue(search.trim(), 250);
  useEffect(() => {
    setSearch((s) => (s.trim() === urlSearch.trim() ? s : urlSearch));
  }, [urlSearch]);
  useEffect(() => {
    const { state: now, hrefOf: to } = latest.current;
    if (debounced === (now.search ?? '').trim()) return;
    const { search: _search, page: _page, ...rest } = now;
    replaceRoute(to(debounced ? { ...rest, search: debounced } : rest));
  }, [debounced]);

  const update = (change: Partial<ListUrlState<Sort>>): void => {
    const next = Object.entries({ ...state, ...change }).filter(([key, value]) => key !== 'page' && value !== undefined);
    navigate(hrefOf(Object.fromEntries(next) as ListUrlState<Sort>));
  };

  const sort = state.sort ?? defaults.sort;
  const desc = state.order ? state.order === 'desc' : state.sort === undefined && defaults.desc;
  return {
    search,
    setSearch,
    sorting: [{ id: sort, desc }],
    onSortingChange: (next) => {
      const first = next[0];
      update(first ? { sort: first.id as Sort, order: first.desc ? 'desc' : 'asc' } : { sort: undefined, order: undefined });
    },
    offset: ((state.page ?? 1) - 1) * pageSize,
    setOffset: (offset) => {
      const page = Math.floor(offset / pageSize) + 1;
      const { page: _page, ...rest } = state;
      navigate(hrefOf(page > 1 ? { ...rest, page } : rest));
    },
    update,
  };
}
