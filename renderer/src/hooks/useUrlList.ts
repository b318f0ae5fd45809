import type { SortingState } from '@tanstack/react-table';
import { type ListUrlState, navigate, replaceRoute } from '../routes';
import { useUrlSearch } from './useUrlSearch';

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
  const [search, setSearch] = useUrlSearch(
    state.search ?? '',
    (text) => {
      const { search: _search, page: _page, ...rest } = state;
      replaceRoute(hrefOf(text ? { ...rest, search: text } : rest));
    },
    250,
  );

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
