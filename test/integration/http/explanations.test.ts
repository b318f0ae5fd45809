/**
 * Every failed request explains itself in one sentence, with the fix and an action where one
 * exists — each status produced for real over HTTP and read back from the request log as the
 * panel and `log --json` show it; and a connection's health says what is going on.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivitySummary, RefusedSummary } from '../../../contract/model';
import { clock } from '../../../server/core/explain';
import { oktaUser } from '../../../tools/idp/okta';
import { ScimClient } from '../../../tools/scim-client';
import { type TestServer, startTestServer } from '../../support/scim-server';

let t: TestServer;
let okta: ScimClient;

beforeAll(async () => {
  t = await startTestServer({ secrets: 'file', bodyLimit: 4096, authLimits: { maxFailures: 3, windowMs: 60_000, maxClients: 100 } });
  okta = t.client('okta');
});
afterAll(async () => t?.stop());

/** The newest entry the request log holds for this status. */
async function entry(status: number): Promise<ActivitySummary> {
  const [e] = await t.core.activity.list({ limit: 1, search: String(status) });
  expect(e, `an entry with status ${status}`).toBeDefined();
  return e!;
}

async function refused(status: number): Promise<RefusedSummary> {
  const r = (await t.core.activity.refused()).find((x) => x.status === status);
  expect(r, `a refused aggregate with status ${status}`).toBeDefined();
  return r!;
}

describe('one sentence per failure, with the fix', () => {
  it('409: the userName is taken — open the user who holds it', async () => {
    const first = await okta.post('/Users', oktaUser('taken@example.com'));
    expect((await okta.post('/Users', oktaUser('TAKEN@example.com'))).status).toBe(409);
    const e = await entry(409);
    expect(e.target).toBe('TAKEN@example.com');
    expect(e.explanation).toBe('A user "TAKEN@example.com" already exists (userName is unique, compared case-insensitively) — open it; the IdP should match it instead of creating it (in Okta: import users first, or remove the stale one)');
    expect(e.remedy).toEqual({ kind: 'open-user', id: first.body.id, userName: 'TAKEN@example.com' });
  });

  it('400: which attribute or filter, and why', async () => {
    expect((await okta.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], name: { givenName: 'No' } })).status).toBe(400);
    let e = await entry(400);
    expect(e.explanation).toMatch(/^Okta's request was refused: .*userName.* — fix the attribute mapping or the value in Okta$/);
    expect((await okta.get(`/Users?filter=${encodeURIComponent('userName zz "a"')}`)).status).toBe(400);
    e = await entry(400);
    expect(e.explanation).toMatch(/^Okta's request was refused: .*\(invalidFilter\) — /);
  });

  it('403: the connection is disabled — Enable', async () => {
    await t.core.connections.setEnabled('entra', false);
    expect((await t.client('entra').get('/Users')).status).toBe(403);
    await t.core.connections.setEnabled('entra', true);
    const e = await entry(403);
    expect(e.connection).toBe('entra');
    expect(e.explanation).toBe('Microsoft Entra ID is disabled in ScimDesk, so its requests are refused — enable it to accept them');
    expect(e.remedy).toEqual({ kind: 'enable', connection: 'entra' });
  });

  it('413 and 415: too large, not JSON', async () => {
    expect((await okta.post('/Users', oktaUser('big@example.com', { title: 'x'.repeat(5000) }))).status).toBe(413);
    expect((await entry(413)).explanation).toBe('The request body is larger than the 4096 bytes this server accepts — push fewer members per request or smaller groups');
    expect((await okta.post('/Users', undefined, { raw: '{}', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await entry(415)).explanation).toBe('The request body was not sent as JSON — the IdP app must send application/scim+json (or application/json)');
  });

  it('404: the user does not exist here', async () => {
    expect((await okta.get('/Users/00000000-0000-0000-0000-000000000404')).status).toBe(404);
    expect((await entry(404)).explanation).toBe('The user 00000000-0000-0000-0000-000000000404 does not exist in ScimDesk (deleted here, or never created here) — Okta creates it again on its next push, or unassign and reassign it');
  });

  it('503: the directory is busy (another program holds the database)', async () => {
    const other = new Database(join(t.dataDir, 'scimdesk.db'));
    other.exec('BEGIN EXCLUSIVE');
    try {
      expect((await okta.post('/Users', oktaUser('busy@example.com'))).status).toBe(503);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect((await entry(503)).explanation).toBe('The directory is busy; retry in a moment — the IdP retries');
  }, 20_000);

  it('401: no token; a token never issued', async () => {
    expect((await new ScimClient(t.base, undefined).get('/Users')).status).toBe(401);
    const none = (await t.core.activity.refused()).find((r) => r.status === 401 && r.explanation.includes('no SCIM token'));
    expect(none?.explanation).toBe('The request carried no SCIM token — set the IdP app\'s Authorization header to "Bearer " followed by the token ScimDesk showed');
    expect((await new ScimClient(t.base, 'Bearer scimdesk_made-up-made-up-made-up-made-up-made-up-made').get('/Users')).status).toBe(401);
    const unknown = (await t.core.activity.refused()).find((r) => r.status === 401 && r.explanation.includes('never issued'));
    expect(unknown?.explanation).toBe('The request carried a token ScimDesk never issued — copy the token from ScimDesk into the IdP again (all of it), or make a new one');
  });

  it("401 with a token that was once valid: Okta's replaced token, since when — and Okta's health says so", async () => {
    const old = t.tokens.okta;
    const rotated = await t.core.connections.rotateToken('okta');
    const replacedAt = rotated.connection.tokenCreatedAt!;
    const stale = new ScimClient(t.base, `Bearer ${old}`);
    // 3 wrong tokens per address are answered 401, then 429: both count as Okta's refused requests.
    for (let i = 0; i < 12; i++) expect([401, 429]).toContain((await stale.get('/Users')).status);
    const replaced = (await t.core.activity.refused()).find((x) => x.status === 401 && x.claimedConnection === 'okta')!;
    expect(replaced.explanation).toBe(`Okta is sending a token that has been replaced since ${clock(replacedAt)} — paste the current token in Okta, or make a new one`);
    expect(replaced.remedy).toEqual({ kind: 'new-token', connection: 'okta' });
    // 429 after too many wrong tokens from one address.
    const throttled = await refused(429);
    expect(throttled.explanation).toMatch(/^Throttled: too many requests with a wrong token came from 127\.0\.0\.1 \(\d+ requests refused\), so ScimDesk refuses its wrong tokens for a minute — fix the token in the IdP; a valid token is never throttled$/);
    // The health of Okta: an old token, since the first refusal, 12 refused.
    const health = t.core.connections.status('okta').health;
    expect(health.state).toBe('old-token');
    expect(health.sentence).toMatch(/^Okta is using an old token since \d\d:\d\d — \d+ requests refused$/);
    const counted = (await t.core.activity.refused()).filter((x) => x.claimedConnection === 'okta').reduce((n, x) => n + x.count, 0);
    expect(counted).toBe(12);
    expect(health.sentence).toContain(`— ${counted} requests refused`);
    // The new token works, and Okta is healthy again.
    const fresh = new ScimClient(t.base, `Bearer ${rotated.token}`);
    expect((await fresh.get('/Users?count=1')).status).toBe(200);
    await t.core.activity.settled();
    expect(t.core.connections.status('okta').health.state).toBe('ok');
  });

  it('a success has no explanation', async () => {
    const [e] = await t.core.activity.list({ limit: 1, statusClass: 2 });
    expect(e!.explanation).toBeNull();
    expect(e!.remedy).toBeNull();
  });
});
