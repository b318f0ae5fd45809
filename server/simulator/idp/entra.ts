/**
 * Microsoft Entra ID provisioning requests, as documented by Microsoft (see
 * server/scim/IDP-REQUESTS.md): capitalised ops, string booleans, the enterprise extension, the
 * manager as a bare id, value-path email updates, and the aadOptscim062020 forms.
 */
import { ENTERPRISE, USER_SCHEMA, patchOp } from './shapes';

export function entraUser(userName: string, externalId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE],
    externalId,
    userName,
    active: true,
    addresses: [{ primary: true, type: 'work', country: 'US', locality: 'Seattle' }],
    displayName: 'Jo Smith',
    emails: [{ primary: true, type: 'work', value: userName }],
    meta: { resourceType: 'User' },
    name: { familyName: 'Smith', givenName: 'Jo', formatted: 'Jo Smith' },
    roles: [],
    title: 'Engineer',
    [ENTERPRISE]: { employeeNumber: '1001', department: 'Research' },
    ...overrides,
  };
}

export const entraDisable = patchOp({ op: 'Replace', path: 'active', value: 'False' });
export const entraEnable = patchOp({ op: 'Replace', path: 'active', value: 'True' });
export const entraSetManager = (managerId: string) => patchOp({ op: 'Add', path: `${ENTERPRISE}:manager`, value: managerId });
export const entraClearManager = patchOp({ op: 'Replace', path: `${ENTERPRISE}:manager`, value: '' });
export const entraReplaceWorkEmail = (email: string) => patchOp({ op: 'Replace', path: 'emails[type eq "work"].value', value: email });
export const entraPathlessDotted = patchOp({ op: 'replace', value: { 'name.givenName': 'Joanna', 'name.familyName': 'Smythe', active: false } });
export const entraAddMembers = (...ids: string[]) => patchOp({ op: 'Add', path: 'members', value: ids.map((value) => ({ value })) });
export const entraRemoveMembers = (...ids: string[]) => patchOp({ op: 'Remove', path: 'members', value: ids.map((value) => ({ value })) });
