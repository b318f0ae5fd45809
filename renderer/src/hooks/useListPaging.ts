import { useState } from 'react';

/**
 * The offset of a server-side paged list, back to 0 whenever the filters (search, sort…)
 * change, without an extra fetch at the old offset.
 */
export function useListPaging(filterKey: string): [number, (offset: number) => void] {
  const [state, setState] = useState({ key: filterKey, offset: 0 });
  // Filters changed: forget the old offset now (so it cannot come back with the same filters).
  if (state.key !== filterKey) setState({ key: filterKey, offset: 0 });
  const offset = state.key === filterKey ? state.offset : 0;
  return [offset, (next: number) => setState({ key: filterKey, offset: next })];
}
