/**
 * Names the IdP action a SCIM request represents ("Create user", "Deactivate user", "Push
 * group members"…), from what any request has: method, path, query and body. Used by the
 * activity log; it never throws, whatever the request.
 */
import { type PatchOperation, activeChange, parsePatchRequest } from './patch';
import { isObject } from './resource';

export interface RequestShape {
  readonly method: string;
  /** The path below the SCIM base, e.g. "/Users/123" (no query string). */
  readonly path: string;
  readonly query: Readonly<Record<string, unknown>>;
  readonly body: unknown;
}

export interface ActionInfo {
  readonly action: string;
  readonly resourceType: 'User' | 'Group' | null;
  readonly resourceId: string | null;
}

function filterOf(query: Readonly<Record<string, unknown>>): string | undefined {
  const key = Object.keys(query).find((k) => k.toLowerCase() === 'filter');
  const v = key === undefined ? undefined : query[key];
  return typeof v === 'string' ? v : undefined;
}

function lookupAction(noun: 'user' | 'group', filter: string | undefined): string {
  if (filter === undefined) return noun === 'user' ? 'List users' : 'List groups';
  const attr = /^\s*\(?\s*([A-Za-z0-9_.:$-]+?)(?:\[|\s)/.exec(filter)?.[1]?.toLowerCase() ?? '';
  if (attr.endsWith('username')) return 'Look up user by userName';
  if (attr.endsWith('externalid')) return `Look up ${noun} by externalId`;
  if (attr.endsWith('displayname')) return `Look up ${noun} by name`;
  if (attr.startsWith('emails')) return 'Look up user by email';
  return noun === 'user' ? 'Search users' : 'Search groups';
}

function safeOps(body: unknown): PatchOperation[] | undefined {
  try {
    return parsePatchRequest(body, []);
  } catch {
    return undefined;
  }
}

function touchesMembers(op: PatchOperation): boolean {
  if (op.path) return op.path.path.attr.toLowerCase() === 'members';
  return isObject(op.value) && Object.keys(op.value).some((k) => k.toLowerCase() === 'members');
}

function touchesOnly(op: PatchOperation, names: readonly string[]): boolean {
  if (op.path) return names.includes(op.path.path.attr.toLowerCase());
  return isObject(op.value) && Object.keys(op.value).every((k) => names.includes(k.toLowerCase()));
}

function userPatchAction(body: unknown): string {
  const ops = safeOps(body);
  if (!ops) return 'Update user';
  const active = activeChange(ops);
  if (active === false) return 'Deactivate user';
  if (active === true) return ops.every((op) => touchesOnly(op, ['active'])) ? 'Reactivate user' : 'Reactivate and update user';
  if (ops.every((op) => touchesOnly(op, ['password']))) return 'Set password';
  return 'Update user attributes';
}

function groupPatchAction(body: unknown): string {
  const ops = safeOps(body);
  if (!ops) return 'Update group';
  if (ops.some(touchesMembers)) return 'Push group members';
  if (ops.every((op) => touchesOnly(op, ['displayname', 'id']))) return 'Rename group';
  return 'Update group';
}

const DISCOVERY: Readonly<Record<string, string>> = {
  serviceproviderconfig: 'Read service provider config',
  resourcetypes: 'Read resource types',
  schemas: 'Read schemas',
};

export function describeRequest(req: RequestShape): ActionInfo {
  const segments = req.path.split('/').filter(Boolean).map(decodeSegment);
  const [first, second] = segments;
  const method = req.method.toUpperCase();
  const kind = first?.toLowerCase();
  if (kind === 'users' || kind === 'groups') {
    const noun = kind === 'users' ? 'user' : 'group';
    const resourceType = kind === 'users' ? 'User' : 'Group';
    const Noun = noun === 'user' ? 'User' : 'Group';
    if (second === undefined || second === '.search') {
      const action = method === 'POST' && second === undefined ? `Create ${noun}` : lookupAction(noun, second === '.search' && isObject(req.body) ? (typeof req.body['filter'] === 'string' ? req.body['filter'] : undefined) : filterOf(req.query));
      return { action, resourceType, resourceId: null };
    }
    const base = { resourceType, resourceId: second } as const;
    switch (method) {
      case 'GET':
        return { ...base, action: `Get ${noun}` };
      case 'PUT':
        return { ...base, action: `Replace ${noun}` };
      case 'PATCH':
        return { ...base, action: noun === 'user' ? userPatchAction(req.body) : groupPatchAction(req.body) };
      case 'DELETE':
        return { ...base, action: `Delete ${noun}` };
      default:
        return { ...base, action: `${method} ${Noun}` };
    }
  }
  const discovery = kind === undefined ? undefined : DISCOVERY[kind];
  return { action: discovery ?? 'Unknown request', resourceType: null, resourceId: null };
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
