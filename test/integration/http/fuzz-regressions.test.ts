/**
 * The minimal inputs fuzzing found 500s with, kept as plain regression tests: each must be a
 * clear 4xx SCIM error (or work), never a 500, and must leave the data queryable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oktaUser } from '../../../tools/idp/okta';
import { type ScimClient, patchOp } from '../../../tools/scim-client';
import { type TestServer, startTestServer } from '../../support/scim-server';

let t: TestServer;
let okta: ScimClient;
let userId: string;

beforeAll(async () => {
  t = await startTestServer({ secrets: 'file' });
  okta = t.client('okta');
  userId = (await okta.post('/Users', oktaUser('fuzz.regression@example.com', { addresses: [{ type: 'work', locality: 'Oslo' }] }))).body.id;
});
afterAll(async () => t?.stop());

describe('fuzz regressions', () => {
  it('deeply nested unknown data is a 400 invalidValue, at create, PUT and PATCH', async () => {
    const deep = JSON.parse(`${'['.repeat(1000)}${']'.repeat(1000)}`);
    for (const res of [
      await okta.post('/Users', { ...oktaUser('deep@example.com'), x: deep }),
      await okta.put(`/Users/${userId}`, { ...oktaUser('fuzz.regression@example.com'), x: deep }),
      await okta.patch(`/Users/${userId}`, patchOp({ op: 'add', path: 'x', value: deep })),
    ]) {
      expect(res.status).toBe(400);
      expect(res.body.scimType).toBe('invalidValue');
    }
  });

  it('replacing a value-path entry with an empty value removes the entry', async () => {
    const res = await okta.patch(`/Users/${userId}`, patchOp({ op: 'replace', path: 'addresses[type eq "work"]', value: {} }));
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('addresses');
    const emails = await okta.patch(`/Users/${userId}`, patchOp({ op: 'replace', path: 'emails[type eq "work"]', value: { value: null } }));
    expect(emails.status).toBe(200);
    expect(emails.body).not.toHaveProperty('emails');
  });

  it('a PATCH path with an unknown sub-attribute of a known attribute is 400 invalidPath and changes nothing', async () => {
    const before = (await okta.get(`/Users/${userId}`)).body;
    for (const path of ['emails.nosuch', 'active.x', 'title.x']) {
      const res = await okta.patch(`/Users/${userId}`, patchOp({ op: 'add', path, value: 'v' }));
      expect(res.status).toBe(400);
      expect(res.body.scimType).toBe('invalidPath');
    }
    expect((await okta.get(`/Users/${userId}`)).body).toEqual(before);
  });

  it('sortBy=meta.resourceType is answered (it orders nothing)', async () => {
    for (const path of ['/Users?sortBy=meta.resourceType', '/Groups?sortBy=meta.resourceType&sortOrder=descending']) {
      expect((await okta.get(path)).status).toBe(200);
    }
  });

  it('filters over multi-valued attributes holding non-object entries do not fail', async () => {
    const odd = await okta.post('/Users', { ...oktaUser('odd.entries@example.com'), emails: undefined, ims: [{ value: 'x', type: 'skype' }] });
    expect(odd.status).toBe(201);
    await okta.patch(`/Users/${odd.body.id}`, patchOp({ op: 'add', path: 'urn:example:ext:1.0:User:list', value: ['plain', 1, true] }));
    for (const filter of ['emails[type eq "work"]', 'emails.value eq "x"', 'ims[type eq "skype"]']) {
      expect((await okta.get(`/Users?filter=${encodeURIComponent(filter)}`)).status).toBe(200);
    }
  });
});

describe('fuzz regressions (paging)', () => {
  it('a startIndex far past the end (beyond 2^64) is an empty page, not a 500', async () => {
    const res = await okta.get('/Users?filter=meta.lastModified%20gt%20%222011-05-13T04:42:34Z%22&startIndex=99999999999999999999&count=140');
    expect(res.status).toBe(200);
    expect(res.body.Resources).toEqual([]);
    expect(res.body.totalResults).toBeGreaterThan(0);
  });
});
