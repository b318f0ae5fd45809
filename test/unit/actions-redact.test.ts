/**
 * The activity log: the IdP action each request represents, and what is kept of its body
 * (never a password, never an unbounded text).
 */
import { describe, expect, it } from 'vitest';
import { type RequestShape, describeRequest } from '../../server/scim/actions';
import { REDACTED, redact, redactedText } from '../../server/scim/redact';
import { entraDisable, entraEnable, entraPathlessDotted, entraRemoveMembers, entraUser } from '../../tools/idp/entra';
import { oktaAddMembers, oktaDeactivate, oktaGroup, oktaReactivate, oktaRemoveMember, oktaRename, oktaReplaceMembers, oktaUser } from '../../tools/idp/okta';
import { patchOp } from '../../tools/scim-client';

const req = (method: string, path: string, body: unknown = undefined, query: Record<string, unknown> = {}): RequestShape => ({ method, path, query, body });

describe('describeRequest', () => {
  it.each([
    ['List users', req('GET', '/Users', undefined, { startIndex: '1', count: '2' })],
    ['List groups', req('GET', '/Groups', undefined, { startIndex: '1', count: '100' })],
    ['Look up user by userName', req('GET', '/Users', undefined, { filter: 'userName eq "jo@x.com"', startIndex: '1', count: '100' })],
    ['Look up user by userName', req('GET', '/Users', undefined, { Filter: '(USERNAME eq "jo@x.com")' })],
    ['Look up user by externalId', req('GET', '/Users', undefined, { filter: 'externalId eq "00u1"' })],
    ['Look up user by email', req('GET', '/Users', undefined, { filter: 'emails[type eq "work"].value eq "jo@x.com"' })],
    ['Look up group by name', req('GET', '/Groups', undefined, { filter: 'displayName eq "Sales"', excludedAttributes: 'members' })],
    ['Search users', req('GET', '/Users', undefined, { filter: 'active eq true' })],
    ['Look up user by userName', req('POST', '/Users/.search', { filter: 'userName eq "jo"' })],
    ['Create user', req('POST', '/Users', oktaUser())],
    ['Create user', req('POST', '/Users', entraUser('jo@contoso.com', 'e1'))],
    ['Create group', req('POST', '/Groups', oktaGroup('Sales'))],
    ['Get user', req('GET', '/Users/u-1')],
    ['Get group', req('GET', '/Groups/g-1')],
    ['Replace user', req('PUT', '/Users/u-1', oktaUser())],
    ['Deactivate user', req('PATCH', '/Users/u-1', oktaDeactivate)],
    ['Deactivate user', req('PATCH', '/Users/u-1', entraDisable)],
    ['Deactivate user', req('PATCH', '/Users/u-1', entraPathlessDotted)],
    ['Reactivate user', req('PATCH', '/Users/u-1', oktaReactivate)],
    ['Reactivate user', req('PATCH', '/Users/u-1', entraEnable)],
    ['Reactivate and update user', req('PATCH', '/Users/u-1', patchOp({ op: 'replace', value: { active: true, title: 'Eng' } }))],
    ['Set password', req('PATCH', '/Users/u-1', patchOp({ op: 'replace', value: { password: 'x' } }))],
    ['Update user attributes', req('PATCH', '/Users/u-1', patchOp({ op: 'Replace', path: 'name.familyName', value: 'Smythe' }))],
    ['Push group members', req('PATCH', '/Groups/g-1', patchOp(oktaRename('g-1', 'Sales'), oktaRemoveMember('u-1'), oktaAddMembers([{ value: 'u-2', display: 'b' }])))],
    ['Push group members', req('PATCH', '/Groups/g-1', patchOp(oktaReplaceMembers([])))],
    ['Push group members', req('PATCH', '/Groups/g-1', entraRemoveMembers('u-1'))],
    ['Push group members', req('PATCH', '/Groups/g-1', patchOp({ op: 'replace', value: { members: [] } }))],
    ['Rename group', req('PATCH', '/Groups/g-1', patchOp(oktaRename('g-1', 'Sales EMEA')))],
    ['Rename group', req('PATCH', '/Groups/g-1', patchOp({ op: 'Replace', path: 'displayName', value: 'Sales EMEA' }))],
    ['Delete group', req('DELETE', '/Groups/g-1')],
    ['Delete user', req('DELETE', '/Users/u-1')],
    ['Read service provider config', req('GET', '/ServiceProviderConfig')],
    ['Read resource types', req('GET', '/ResourceTypes')],
    ['Read resource types', req('GET', '/ResourceTypes/User')],
    ['Read schemas', req('GET', '/Schemas')],
    ['Read schemas', req('GET', '/schemas/urn:ietf:params:scim:schemas:core:2.0:User')],
    ['Unknown request', req('GET', '/Me')],
    ['Unknown request', req('GET', '/')],
  ])('names %j', (action, request) => {
    expect(describeRequest(request).action).toBe(action);
  });

  it('reports the resource type and id', () => {
    expect(describeRequest(req('PATCH', '/Users/u-1', oktaDeactivate))).toEqual({ action: 'Deactivate user', resourceType: 'User', resourceId: 'u-1' });
    expect(describeRequest(req('GET', '/Groups'))).toEqual({ action: 'List groups', resourceType: 'Group', resourceId: null });
    expect(describeRequest(req('GET', '/Users/a%20b'))).toMatchObject({ resourceId: 'a b' });
    expect(describeRequest(req('GET', '/Schemas'))).toEqual({ action: 'Read schemas', resourceType: null, resourceId: null });
  });

  it('reads the method in any case', () => {
    expect(describeRequest(req('patch', '/Users/u-1', oktaDeactivate)).action).toBe('Deactivate user');
  });

  it.each([
    ['a string body', req('PATCH', '/Users/u-1', '{"Operations": [')],
    ['a null body', req('PATCH', '/Users/u-1', null)],
    ['a number body', req('PATCH', '/Groups/g-1', 42)],
    ['Operations not a list', req('PATCH', '/Users/u-1', { Operations: 'x' })],
    ['an op that is not an object', req('PATCH', '/Groups/g-1', { Operations: [null, 1] })],
    ['a bad path', req('PATCH', '/Users/u-1', patchOp({ op: 'replace', path: 'emails[', value: 1 }))],
    ['a bad percent-encoding', req('GET', '/Users/%E0%A4%A')],
    ['a search body that is not an object', req('POST', '/Users/.search', 'filter=x')],
    ['a non-string filter', req('GET', '/Users', undefined, { filter: ['a', 'b'] })],
    ['an unknown method', req('BREW', '/Users/u-1', {})],
  ])('never throws on garbage: %s', (_what, request) => {
    const info = describeRequest(request);
    expect(typeof info.action).toBe('string');
    expect(info.action).not.toBe('');
  });

  it('names malformed PATCH bodies generically', () => {
    expect(describeRequest(req('PATCH', '/Users/u-1', 'garbage')).action).toBe('Update user');
    expect(describeRequest(req('PATCH', '/Groups/g-1', { Operations: [] })).action).toBe('Update group');
  });
});

describe('redact', () => {
  it('replaces a top-level password and leaves everything else', () => {
    expect(redact(oktaUser())).toEqual({ ...oktaUser(), password: REDACTED });
    expect(REDACTED).toBe('[redacted]');
  });

  it('replaces passwords nested in objects and lists, keys in any case', () => {
    const body = { a: { Password: 'p1', keep: 'k' }, list: [{ PASSWORD: 'p2' }, 'plain'], n: 1, t: true, z: null };
    expect(redact(body)).toEqual({ a: { Password: REDACTED, keep: 'k' }, list: [{ PASSWORD: REDACTED }, 'plain'], n: 1, t: true, z: null });
  });

  it.each([
    ['path "password"', { op: 'replace', path: 'password', value: 'p1' }],
    ['path in another case', { OP: 'Replace', Path: 'PASSWORD', Value: 'p1' }],
    ['a URN-qualified path', { op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:password', value: 'p1' }],
    ['a path-less value', { op: 'replace', value: { password: 'p1', active: true } }],
  ])('replaces the password in a PATCH operation with %s', (_what, operation) => {
    const text = JSON.stringify(redact(patchOp({ op: 'replace', path: 'title', value: 'Eng' }, operation)));
    expect(text).not.toContain('p1');
    expect(text).toContain(REDACTED);
    expect(text).toContain('"Eng"');
  });

  it('leaves operations on other paths alone', () => {
    const body = patchOp({ op: 'replace', path: 'displayName', value: 'Jo' }, { op: 'replace', path: 'passwordHint', value: 'hint' });
    expect(redact(body)).toEqual(body);
  });

  it('replaces other secrets named like one', () => {
    expect(redact({ token: 't', client_secret: 's', apiKey: 'k', name: 'n' })).toEqual({ token: REDACTED, client_secret: REDACTED, apiKey: REDACTED, name: 'n' });
  });

  it('does not change its input', () => {
    const body = oktaUser();
    redact(body);
    expect(body.password).toBe('1mz050nq');
  });

  it('passes non-objects through', () => {
    expect(redact('text')).toBe('text');
    expect(redact(null)).toBe(null);
    expect(redact(3)).toBe(3);
  });
});

describe('redactedText', () => {
  it('returns the redacted JSON text of a body', () => {
    const text = redactedText(oktaUser(), 10_000)!;
    expect(JSON.parse(text)).toEqual({ ...oktaUser(), password: REDACTED });
    expect(text).not.toContain('1mz050nq');
  });

  it('redacts passwords in PATCH bodies', () => {
    expect(redactedText(patchOp({ op: 'replace', value: { password: 'n3w-Secret!' } }), 10_000)).not.toContain('n3w-Secret!');
  });

  it.each([undefined, null, ''])('returns null for an empty body (%j)', (body) => {
    expect(redactedText(body, 100)).toBeNull();
  });

  it('cuts long text and says how much was cut', () => {
    const text = redactedText('x'.repeat(250), 100)!;
    expect(text.startsWith('x'.repeat(100))).toBe(true);
    expect(text).not.toContain('x'.repeat(101));
    expect(text).toContain('150 more characters');
  });

  it('keeps text at the limit whole', () => {
    expect(redactedText('x'.repeat(100), 100)).toBe('x'.repeat(100));
  });

  it('cuts after redacting, so a cut never reveals a password', () => {
    const text = redactedText({ password: 'hunter2hunter2', userName: 'jo' }, 20)!;
    expect(text).not.toContain('hunter2');
    expect(text.startsWith('{"password":"[redac')).toBe(true);
  });
});
