/**
 * Okta's "SCIM 2.0 Test App (Header Auth)" requests, as documented in Okta's SCIM 2.0
 * reference and its SPEC test (see server/scim/IDP-REQUESTS.md).
 */
import { GROUP_SCHEMA, USER_SCHEMA, patchOp } from './shapes';

export function oktaUser(userName = 'test.user@okta.local', overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA],
    userName,
    name: { givenName: 'Test', familyName: 'User' },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: 'Test User',
    locale: 'en-US',
    externalId: '00ujl29u0le5T6Aj10h7',
    groups: [],
    password: '1mz050nq',
    active: true,
    ...overrides,
  };
}

export const oktaExistsQuery = (userName: string): string =>
  `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}&startIndex=1&count=100`;

export const oktaDeactivate = patchOp({ op: 'replace', value: { active: false } });
export const oktaReactivate = patchOp({ op: 'replace', value: { active: true } });

export function oktaGroup(displayName: string): Record<string, unknown> {
  return { schemas: [GROUP_SCHEMA], displayName, members: [] };
}

/** Okta sends the rename with every membership update: path-less, id inside the value. */
export const oktaRename = (id: string, displayName: string) => ({ op: 'replace', value: { id, displayName } });
export const oktaRemoveMember = (userId: string) => ({ op: 'remove', path: `members[value eq "${userId}"]` });
export const oktaAddMembers = (members: { value: string; display: string }[]) => ({ op: 'add', path: 'members', value: members });
export const oktaReplaceMembers = (members: { value: string; display: string }[]) => ({ op: 'replace', path: 'members', value: members });
