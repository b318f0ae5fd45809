/**
 * New SCIM Token with a rotation overlap, as Stripe's key roll does: with "1 hour" or "24 hours"
 * the replaced token keeps working until then, with "no time" (the default) it is refused at
 * once. Driven through the real controller the desktop app runs (real SQLite, the real OS
 * keychain or the opt-in secrets file, real HTTP on loopback), with the requests an IdP sends.
 * Time passes through the controller's clock (`now`), not by sleeping an hour.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../../contract/model';
import { Controller } from '../../../server/controller/controller';
import { ServiceError } from '../../../server/core/errors';
import { clock } from '../../../server/core/explain';
import { FileSecretStore, SECRETS_FILE } from '../../../server/secrets/file-store';
import type { SecretStore } from '../../../server/secrets/secret-store';
import { hashToken } from '../../../server/secrets/tokens';
import { REQUEST_LOG_DDL, REQUEST_LOG_MIGRATIONS, requestLogPath } from '../../../server/store/request-log-schema';
import { ScimClient } from '../../../tools/scim-client';
import { forgetTokens, tempDir, testKeychain } from '../../support/scim-server';

const HOUR_MS = 3_600_000;

type StoreKind = 'keychain' | 'file';

/** The controller's clock: real time plus what the test made pass. */
class TestClock {
  private offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.offsetMs);
  pass(ms: number): void {
    this.offsetMs += ms;
  }
}

interface Running {
  readonly controller: Controller;
  /** GET /Users with `Bearer <token>`: the status the IdP gets. */
  users(token: string): Promise<number>;
  okta(): ConnectionStatus;
  stop(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function newStore(kind: StoreKind, dataDir: string): SecretStore {
  const store = kind === 'file' ? new FileSecretStore(dataDir) : testKeychain().store;
  cleanups.push(() => forgetTokens(store));
  return store;
}

async function run(dataDir: string, secretStore: SecretStore, clock: TestClock): Promise<Running> {
  const controller = await Controller.start({ dataDir, secretStore, port: 0, tunnel: { mode: 'none' }, eventIntervalMs: 20, now: clock.now });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await controller.stop();
  };
  cleanups.push(stop);
  const base = controller.status().scimUrl!;
  return {
    controller,
    users: async (token) => (await new ScimClient(base, `Bearer ${token}`).get('/Users')).status,
    okta: () => controller.status().connections.find((c) => c.name === 'okta')!,
    stop,
  };
}

async function start(kind: StoreKind): Promise<{ app: Running; dataDir: string; store: SecretStore; clock: TestClock; first: string }> {
  const dataDir = tempDir('scimdesk-overlap-');
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const store = newStore(kind, dataDir);
  const clock = new TestClock();
  const app = await run(dataDir, store, clock);
  const { token } = await app.controller.core.connections.setEnabled('okta', true);
  return { app, dataDir, store, clock, first: token! };
}

/** The tokens the request log says authenticated okta's requests, oldest first. */
async function loggedTokens(app: Running): Promise<(string | null)[]> {
  const entries = await app.controller.core.activity.list({ connection: 'okta', limit: 50 });
  return entries.map((e) => e.token).reverse();
}

describe.each<StoreKind>(['keychain', 'file'])('rotation overlap with the %s store', (kind) => {
  it('overlap 1h: the replaced token and the new one both work, the log says which one each request used, and the status shows the previous token', async () => {
    const { app, store, dataDir, first } = await start(kind);
    expect(await app.users(first)).toBe(200);
    const issuedBefore = app.okta().tokenCreatedAt;

    const rotatedAt = Date.now();
    const { token: second, connection } = await app.controller.core.connections.rotateToken('okta', '1h');
    expect(second).not.toBe(first);
    expect(connection.previousToken).not.toBeNull();
    expect(Math.abs(Date.parse(connection.previousToken!.expiresAt) - (rotatedAt + HOUR_MS))).toBeLessThan(60_000);
    expect(connection.previousToken!.createdAt).toBe(issuedBefore);
    expect(connection.previousToken!.lastUsedAt).toBeNull();

    expect(await app.users(first)).toBe(200);
    await app.controller.core.activity.settled();
    const whileOld = app.okta();
    expect(whileOld.previousToken!.lastUsedAt).not.toBeNull();
    // Okta still sends the old token: the health says so, and until when it works.
    expect(whileOld.health.state).toBe('ok');
    expect(whileOld.health.sentence).toBe(`Okta still uses the previous token, which stops working at ${clock(whileOld.previousToken!.expiresAt)}`);

    expect(await app.users(second)).toBe(200);
    await app.controller.core.activity.settled();
    expect(await loggedTokens(app)).toEqual(['current', 'previous', 'current']);
    const [newest] = await app.controller.core.activity.list({ connection: 'okta', limit: 2 });
    const older = await app.controller.core.activity.get(newest!.seq - 1);
    expect(older).toMatchObject({ token: 'previous', status: 200 });
    // Once Okta sends the new token, the health no longer speaks of the previous one.
    expect(app.okta().health.sentence).not.toContain('previous token');

    // Only hashes were stored: neither token, the previous token's hash beside the current one.
    const stored = kind === 'file' ? readFileSync(join(dataDir, SECRETS_FILE), 'utf8') : `${await store.get('okta-token-sha256')} ${await store.get('okta-previous-token-sha256')}`;
    expect(stored).not.toContain(first);
    expect(stored).not.toContain(second);
    expect(stored).toContain(hashToken(second).toString('hex'));
    expect(stored).toContain(hashToken(first).toString('hex'));
  });

  it('overlap none (the default): the replaced token is refused at once, as before', async () => {
    const { app, first } = await start(kind);
    const { token: second, connection } = await app.controller.core.connections.rotateToken('okta');
    expect(connection.previousToken).toBeNull();
    expect(await app.users(first)).toBe(401);
    expect(await app.users(second)).toBe(200);
    const { token: third } = await app.controller.core.connections.rotateToken('okta', 'none');
    expect(await app.users(second)).toBe(401);
    expect(await app.users(third)).toBe(200);
  });

  it('when the overlap ends, the previous token is refused as an old token: 401, health "old-token", the refused requests claim the connection', async () => {
    const { app, clock, first } = await start(kind);
    const { token: second } = await app.controller.core.connections.rotateToken('okta', '1h');
    expect(await app.users(first)).toBe(200);
    expect(await app.users(second)).toBe(200);

    clock.pass(HOUR_MS + 1_000);
    expect(await app.users(first)).toBe(401);
    expect(await app.users(second)).toBe(200);
    expect(await app.users(first)).toBe(401);
    await app.controller.core.activity.settled();
    const okta = app.okta();
    expect(okta.previousToken).toBeNull();
    expect(okta.health.state).toBe('old-token');
    const refused = await app.controller.core.activity.refused();
    expect(refused).toEqual([expect.objectContaining({ status: 401, count: 2, claimedConnection: 'okta' })]);
  });

  it('endTokenOverlap: the previous token is refused right after; with no overlap running it is not allowed', async () => {
    const { app, first } = await start(kind);
    const { token: second } = await app.controller.core.connections.rotateToken('okta', '24h');
    expect(await app.users(first)).toBe(200);
    const ended = await app.controller.core.connections.endTokenOverlap('okta');
    expect(ended.previousToken).toBeNull();
    expect(await app.users(first)).toBe(401);
    expect(await app.users(second)).toBe(200);
    const again = app.controller.core.connections.endTokenOverlap('okta');
    await expect(again).rejects.toBeInstanceOf(ServiceError);
    await expect(again).rejects.toMatchObject({ code: 'not-allowed' });
  });

  it('a restart keeps the overlap; a rotation during it keeps only the token just replaced; disabling refuses both', async () => {
    const { app, dataDir, store, clock, first } = await start(kind);
    const { token: second, connection } = await app.controller.core.connections.rotateToken('okta', '1h');
    await app.stop();

    const again = await run(dataDir, store, clock);
    expect(again.okta().previousToken?.expiresAt).toBe(connection.previousToken!.expiresAt);
    expect(await again.users(first)).toBe(200);
    expect(await again.users(second)).toBe(200);

    const { token: third, connection: after } = await again.controller.core.connections.rotateToken('okta', '24h');
    expect(Date.parse(after.previousToken!.expiresAt)).toBeGreaterThan(Date.parse(connection.previousToken!.expiresAt));
    expect(await again.users(first)).toBe(401);
    expect(await again.users(second)).toBe(200);
    expect(await again.users(third)).toBe(200);

    await again.controller.core.connections.setEnabled('okta', false);
    expect(await again.users(second)).toBe(403);
    expect(await again.users(third)).toBe(403);
    // Disabled, the connection still shows its tokens' details.
    expect(again.okta().previousToken).not.toBeNull();
  });
});

describe('a request log written before rotation overlaps', () => {
  /** A data folder whose requests.db is as the previous version wrote it: the first shape, no token column, user_version 0, one okta request. */
  function oldLogDir(): string {
    const dataDir = tempDir('scimdesk-overlap-log-');
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const old = new Database(requestLogPath(dataDir));
    old.exec(REQUEST_LOG_DDL);
    old
      .prepare(
        `INSERT INTO requests (at, connection, failed, method, path, status, duration_ms, action, resource_type, resource_id, target, summary, client_ip, user_agent, request_body, response_body, notes, changes, members, scim_type, detail)
         VALUES (?, 'okta', 0, 'GET', '/scim/v2/Users', 200, 1, 'List users', 'User', NULL, NULL, 'no match', '127.0.0.1', 'Okta SCIM Client 1.0.0', NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
      )
      .run(new Date(Date.now() - 60_000).toISOString());
    old.close();
    return dataDir;
  }

  it('is brought up to date when the server starts: its entries read as the current token, new ones say which token', async () => {
    const dataDir = oldLogDir();
    const app = await run(dataDir, newStore('file', dataDir), new TestClock());
    const { token: first } = await app.controller.core.connections.setEnabled('okta', true);
    expect(await loggedTokens(app)).toEqual(['current']);
    const { token: second } = await app.controller.core.connections.rotateToken('okta', '1h');
    expect(await app.users(first!)).toBe(200);
    expect(await app.users(second)).toBe(200);
    await app.controller.core.activity.settled();
    expect(await loggedTokens(app)).toEqual(['current', 'previous', 'current']);
    await app.stop();
    const migrated = new Database(requestLogPath(dataDir), { readonly: true });
    expect(migrated.pragma('user_version', { simple: true })).toBe(REQUEST_LOG_MIGRATIONS.length);
    migrated.close();
  });

  it("the simulator's failures do not count against the IdP's health, though the status read the file before it was brought up to date", async () => {
    const dataDir = oldLogDir();
    const app = await run(dataDir, newStore('file', dataDir), new TestClock());
    await app.controller.core.connections.setEnabled('okta', true);
    // The status reads the request log before any request has been written (and the file migrated).
    expect(app.okta().health.failuresLastHour).toBe(0);
    const { token, revoke } = app.controller.core.connections.issueSimulatorToken('okta');
    cleanups.push(async () => revoke());
    expect((await new ScimClient(app.controller.status().scimUrl!, `Bearer ${token}`).get('/Users/no-such-user')).status).toBe(404);
    await app.controller.core.activity.settled();
    expect(await app.controller.core.activity.list({ connection: 'okta', limit: 5 })).toEqual(expect.arrayContaining([expect.objectContaining({ status: 404, simulated: true })]));
    expect(app.okta().health.failuresLastHour).toBe(0);
  });
});

describe('a previous-token entry that is not one', () => {
  it('(a hand-edited secrets file) lets no previous token in; the current token works and the status shows no previous token', async () => {
    const { app, dataDir, store, clock, first } = await start('file');
    const { token: second } = await app.controller.core.connections.rotateToken('okta', '1h');
    expect(await app.users(first)).toBe(200);
    await app.stop();
    const file = join(dataDir, SECRETS_FILE);
    const secrets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    writeFileSync(file, JSON.stringify({ ...secrets, 'okta-previous-token-sha256': '{"sha256":"not a hash","expiresAt":"soon"}' }));

    const again = await run(dataDir, store, clock);
    expect(await again.users(first)).toBe(401);
    expect(await again.users(second)).toBe(200);
    expect(again.okta().previousToken).toBeNull();
  });
});
