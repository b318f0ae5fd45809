/** Hash routes: #/scim, #/scim/okta, #/users/<id>, #/groups/<id>, #/activity/<seq>. */
import { type ConnectionName, isConnectionName } from '../../contract/connections';

export type Route =
  | { readonly screen: 'scim' }
  | { readonly screen: 'connection'; readonly connection: ConnectionName }
  | { readonly screen: 'users'; readonly id: string | null }
  | { readonly screen: 'groups'; readonly id: string | null }
  | { readonly screen: 'activity'; readonly seq: number | null }
  | { readonly screen: 'not-found'; readonly path: string };

export const DEFAULT_PATH = '/scim';

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || DEFAULT_PATH;
  const [, first = '', second, ...rest] = path.split('/');
  const id = second === undefined || second === '' ? null : decode(second);
  if (rest.length === 0 || (rest.length === 1 && rest[0] === '')) {
    if (first === 'scim' && second === undefined) return { screen: 'scim' };
    if (first === 'scim' && isConnectionName(second)) return { screen: 'connection', connection: second };
    if (first === 'users' && (second === undefined || id !== null)) return { screen: 'users', id };
    if (first === 'groups' && (second === undefined || id !== null)) return { screen: 'groups', id };
    if (first === 'activity' && second === undefined) return { screen: 'activity', seq: null };
    if (first === 'activity' && second && /^[1-9]\d{0,15}$/.test(second)) return { screen: 'activity', seq: Number(second) };
  }
  return { screen: 'not-found', path };
}

export const href = {
  scim: () => '#/scim',
  connection: (name: ConnectionName) => `#/scim/${name}`,
  users: (id?: string) => (id === undefined ? '#/users' : `#/users/${encodeURIComponent(id)}`),
  groups: (id?: string) => (id === undefined ? '#/groups' : `#/groups/${encodeURIComponent(id)}`),
  activity: (seq?: number) => (seq === undefined ? '#/activity' : `#/activity/${seq}`),
};

export function navigate(to: string): void {
  if (window.location.hash !== to) window.location.hash = to;
}
