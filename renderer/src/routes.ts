/**
 * Hash routes: #/scim, #/scim/public-url, #/scim/okta, #/scim/okta/token, #/users/<id>, #/groups/<id>,
 * #/activity/<seq>, #/activity/refused. The activity screen keeps its filters in the hash's
 * query (#/activity/12?connection=okta&status=client-error&search=ada), so a reload or Back
 * shows the same list. The users and groups lists keep theirs the same way
 * (#/users/<id>?search=ada&status=active&sort=userName&order=asc&page=2).
 */
import { type ConnectionName, isConnectionName } from '../../contract/connections';
import { GROUP_SORT_KEYS, SORT_ORDERS, STATUS_CLASSES, USER_SORT_KEYS, type GroupSortKey, type SortOrder, type StatusClass, type UserSortKey } from '../../contract/choices';

/** The activity filters the URL carries (each absent when "all"). */
export interface ActivityUrlFilters {
  readonly connection?: ConnectionName;
  readonly action?: string;
  readonly status?: StatusClass;
  readonly search?: string;
}

/** A users or groups list's state the URL carries (each absent when the list's default). */
export interface ListUrlState<Sort extends string = string> {
  readonly search?: string;
  /** Users only. */
  readonly status?: 'active' | 'inactive';
  readonly sort?: Sort;
  readonly order?: SortOrder;
  /** 1-based. */
  readonly page?: number;
}

const includes = <T extends string>(list: readonly T[], value: string | null): value is T => value !== null && (list as readonly string[]).includes(value);

/** A list's state from a query string; unknown keys and values outside the contract's lists are dropped. */
function parseListState<Sort extends string>(query: string, sortKeys: readonly Sort[]): ListUrlState<Sort> {
  const params = new URLSearchParams(query);
  const search = params.get('search')?.slice(0, 256);
  const status = params.get('status');
  const sort = params.get('sort');
  const order = params.get('order');
  const page = params.get('page');
  return {
    ...(search && search.trim() ? { search } : {}),
    ...(status === 'active' || status === 'inactive' ? { status } : {}),
    ...(includes(sortKeys, sort) ? { sort } : {}),
    ...(includes(SORT_ORDERS, order) ? { order } : {}),
    ...(page !== null && /^[1-9]\d{0,6}$/.test(page) && page !== '1' ? { page: Number(page) } : {}),
  };
}

function listQuery(state: ListUrlState | undefined): string {
  return state ? queryOf({ search: state.search, status: state.status, sort: state.sort, order: state.order, page: state.page && state.page > 1 ? String(state.page) : undefined }) : '';
}

export type ActivityTab = 'requests' | 'refused';

export type Route =
  | { readonly screen: 'scim' }
  /** The public URL both IdPs reach ScimDesk at: tunnel or own URL, its state, the check from outside. */
  | { readonly screen: 'public-url' }
  | { readonly screen: 'connection'; readonly connection: ConnectionName; readonly section: 'token' | null }
  | { readonly screen: 'users'; readonly id: string | null; readonly list: ListUrlState<UserSortKey> }
  | { readonly screen: 'groups'; readonly id: string | null; readonly list: ListUrlState<GroupSortKey> }
  | { readonly screen: 'activity'; readonly seq: number | null; readonly tab: ActivityTab; readonly filters: ActivityUrlFilters }
  | { readonly screen: 'not-found'; readonly path: string };

export const DEFAULT_PATH = '/scim';

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/** The filters in a query string; unknown keys and values outside the contract's lists are dropped. */
export function parseActivityFilters(query: string): ActivityUrlFilters {
  const params = new URLSearchParams(query);
  const connection = params.get('connection');
  const status = params.get('status');
  const action = params.get('action')?.slice(0, 100);
  const search = params.get('search')?.slice(0, 256);
  return {
    ...(isConnectionName(connection) ? { connection } : {}),
    ...(action ? { action } : {}),
    ...(status !== null && (STATUS_CLASSES as readonly string[]).includes(status) ? { status: status as StatusClass } : {}),
    ...(search && search.trim() ? { search } : {}),
  };
}

function activityQuery(filters: ActivityUrlFilters | undefined): string {
  return filters ? queryOf({ connection: filters.connection, action: filters.action, status: filters.status, search: filters.search }) : '';
}

/** "?key=value&…" of the values set, in the order given (a blank one is left out); '' when none is. */
function queryOf(values: Readonly<Record<string, string | undefined>>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value.trim() !== '') params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function parseRoute(hash: string): Route {
  const full = hash.replace(/^#/, '') || DEFAULT_PATH;
  const q = full.indexOf('?');
  const path = q === -1 ? full : full.slice(0, q);
  const query = q === -1 ? '' : full.slice(q + 1);
  const [, first = '', second, ...rest] = path.split('/');
  const id = second === undefined || second === '' ? null : decode(second);
  const end = rest.length === 0 || (rest.length === 1 && rest[0] === '');
  if (first === 'scim' && isConnectionName(second) && rest.length === 1 && rest[0] === 'token') return { screen: 'connection', connection: second, section: 'token' };
  if (end) {
    if (first === 'scim' && second === undefined) return { screen: 'scim' };
    if (first === 'scim' && second === 'public-url') return { screen: 'public-url' };
    if (first === 'scim' && isConnectionName(second)) return { screen: 'connection', connection: second, section: null };
    if (first === 'users' && (second === undefined || id !== null)) return { screen: 'users', id, list: parseListState(query, USER_SORT_KEYS) };
    if (first === 'groups' && (second === undefined || id !== null)) return { screen: 'groups', id, list: parseListState(query, GROUP_SORT_KEYS) };
    if (first === 'activity') {
      const filters = parseActivityFilters(query);
      if (second === undefined || second === '') return { screen: 'activity', seq: null, tab: 'requests', filters };
      if (second === 'refused') return { screen: 'activity', seq: null, tab: 'refused', filters };
      if (/^[1-9]\d{0,15}$/.test(second)) return { screen: 'activity', seq: Number(second), tab: 'requests', filters };
    }
  }
  return { screen: 'not-found', path: full };
}

export const href = {
  scim: () => '#/scim',
  publicUrl: () => '#/scim/public-url',
  connection: (name: ConnectionName, section?: 'token') => `#/scim/${name}${section ? `/${section}` : ''}`,
  /** The users list (with its state), or one user beside it. */
  users: (id?: string, list?: ListUrlState<UserSortKey>) => `${id === undefined ? '#/users' : `#/users/${encodeURIComponent(id)}`}${listQuery(list)}`,
  groups: (id?: string, list?: ListUrlState<GroupSortKey>) => `${id === undefined ? '#/groups' : `#/groups/${encodeURIComponent(id)}`}${listQuery(list)}`,
  /** The request log (with its filters), or one entry of it. */
  activity: (seq?: number, filters?: ActivityUrlFilters) => `${seq === undefined ? '#/activity' : `#/activity/${seq}`}${activityQuery(filters)}`,
  refused: (filters?: ActivityUrlFilters) => `#/activity/refused${activityQuery(filters)}`,
};

// Navigation goes through the hash router, which asks first while a screen blocks leaving.
export { navigate, replaceRoute } from './router';
