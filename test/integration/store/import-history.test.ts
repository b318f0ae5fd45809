/**
 * After an import of 100 000 users, every user's history still starts with its Create — the
 * audit trail is not the request log, so no amount of traffic evicts it — and an early user's
 * later changes are listed after it, in the panel and in `history`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oktaDeactivate, oktaUser } from '../../../tools/idp/okta';
import { HISTORY_LIMIT } from '../../../server/controller/panel-queries';
import { type TestController, startController } from '../../support/controller';
import { ScimClient } from '../../../tools/scim-client';

const USERS = 100_000;
let t: TestController;

beforeAll(async () => {
  t = await startController();
  const { directory } = t.controller.core;
  // The import goes through the same group commit as the IdP's POSTs (64 writes a transaction).
  for (let start = 0; start < USERS; start += 1000) {
    await Promise.all(Array.from({ length: 1000 }, (_, i) => directory.commit(() => directory.create('User', oktaUser(`import.${start + i}@example.com`), 'okta'))));
  }
}, 300_000);
afterAll(async () => t?.stop());

describe(`history after importing ${USERS.toLocaleString('en-US')} users`, () => {
  it("every user's first audit entry is its Create", () => {
    const db = t.controller.core.db;
    expect(db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(USERS);
    const withoutCreate = db
      .prepare("SELECT count(*) FROM users u WHERE (SELECT a.action FROM audit a WHERE a.resource_type = 'User' AND a.resource_seq = u.seq AND a.resource_id = u.id ORDER BY a.seq LIMIT 1) IS NOT 'create'")
      .pluck()
      .get();
    expect(withoutCreate).toBe(0);
  });

  it('an early user changed many times after the import: the panel shows its Create, then the newest changes', async () => {
    const { token } = await t.controller.core.connections.setEnabled('okta', true);
    const okta = new ScimClient(t.controller.status().scimUrl!, `Bearer ${token!}`);
    const id = t.controller.core.browser.userIdByName('import.0@example.com')!;
    for (let i = 0; i < 60; i++) expect((await okta.patch(`/Users/${id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { title: `T${i}` } }] })).status).toBe(200);
    expect((await okta.patch(`/Users/${id}`, oktaDeactivate)).status).toBe(200);
    const history = t.controller.panel.getUser(id).history;
    expect(history.entries).toHaveLength(HISTORY_LIMIT);
    expect(history.entries[0]).toMatchObject({ action: 'create', target: 'import.0@example.com' });
    expect(history.entries.at(-1)).toMatchObject({ action: 'deactivate', summary: 'active: true → false' });
    expect(history.omitted).toBe(62 - HISTORY_LIMIT);
    const middle = t.controller.panel.getUser(t.controller.core.browser.userIdByName(`import.${USERS / 2}@example.com`)!).history;
    expect(middle.entries.map((e) => e.action)).toEqual(['create']);
  });
});
