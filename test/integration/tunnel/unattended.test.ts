/**
 * The tunnel left alone for months, against tools/tunnel-server.ts behaving as the real
 * self-hosted localtunnel server: public URLs are `http://<id>.localhost:PORT`, routed by Host,
 * and such names do not resolve from Node — so ScimDesk's own probe of its public URL fails
 * exactly as with split DNS or blocked outbound traffic, while the IdP (tools/public-fetch.ts,
 * resolving `*.localhost` as curl and browsers do) reaches it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AppStatus } from '../../../contract/model';
import { FAST_TUNNEL, type TestController, online, startController, verified, waitForStatus } from '../../support/controller';
import { SettingsRepo } from '../../../server/store/settings-repo';
import { tempDir } from '../../support/scim-server';
import { ScimClient } from '../../../tools/scim-client';
import { TestTunnelServer } from '../../../tools/tunnel-server';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function tunnelServer(): Promise<TestTunnelServer> {
  const server = await TestTunnelServer.start();
  cleanups.push(() => server.close());
  return server;
}

async function controllerThrough(server: TestTunnelServer, subdomain: string | null, dataDir?: string): Promise<TestController> {
  const t = await startController({
    tunnel: { mode: 'localtunnel', host: server.hostUrl, ...(subdomain ? { subdomain } : {}) },
    tunnelTiming: FAST_TUNNEL,
    ...(dataDir ? { dataDir } : {}),
  });
  cleanups.push(() => t.stop());
  return t;
}

/** Every status the controller announces from now on. */
function record(t: TestController): AppStatus[] {
  const seen: AppStatus[] = [];
  const stop = t.controller.on('status', (s) => seen.push(s));
  cleanups.push(async () => stop());
  return seen;
}

describe('a public URL that cannot be reached from the machine itself', () => {
  it('keeps the tunnel the server reports up: no reconnects, every request through the URL answered, a warning with the cause', async () => {
    const server = await tunnelServer();
    const t = await controllerThrough(server, 'split-dns');
    await waitForStatus(t.controller, online, 15_000, 'online');
    const seen = record(t);
    const { token } = await t.controller.core.connections.setEnabled('okta', true);
    const okta = new ScimClient(`${server.publicUrl('split-dns')}/scim/v2`, `Bearer ${token}`);

    // 40 requests over ~4 s: more than 10 health checks (every 300 ms here, 15 s in production).
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) {
      statuses.push((await okta.get('/Users?count=1')).status);
      await sleep(100);
    }
    const lost = statuses.filter((s) => s !== 200).length;
    const reconnects = t.controller.status().tunnel.reconnects;
    console.log(`unreachable-from-here: ${lost} of 40 requests lost, ${reconnects} reconnects, ${seen.filter((s) => s.tunnel.phase === 'reconnecting').length} reconnecting states`);
    expect(statuses).toEqual(Array(40).fill(200));
    expect(seen.some((s) => s.tunnel.phase !== 'online')).toBe(false);
    const now = t.controller.status().tunnel;
    expect(now).toMatchObject({ phase: 'online', subdomain: 'split-dns', reconnects: 0, attempt: 0, lastError: null });
    expect(now.verifiedAt).not.toBeNull();
    // The warning says which URL, why (the resolver's own words), and that the tunnel stays.
    expect(now.publicUrlWarning).toContain(`the public URL ${server.publicUrl('split-dns')} cannot be reached from this machine (`);
    expect(now.publicUrlWarning).toMatch(/ENOTFOUND split-dns\.localhost/);
    expect(now.publicUrlWarning).toMatch(/reports the tunnel up with \d+ connections?, so it stays open/);
  });

  it('still reconnects when the server no longer knows the tunnel', async () => {
    const server = await tunnelServer();
    const t = await controllerThrough(server, 'forgotten');
    await waitForStatus(t.controller, verified, 15_000, 'verified');
    await server.restart(); // the server forgets every client
    const back = await waitForStatus(t.controller, (s) => verified(s) && s.tunnel.reconnects === 1, 20_000, 'reconnected');
    expect(back.tunnel.subdomain).toBe('forgotten');
    const { token } = await t.controller.core.connections.setEnabled('okta', true);
    expect((await new ScimClient(`${server.publicUrl('forgotten')}/scim/v2`, `Bearer ${token}`).get('/Users')).status).toBe(200);
  });
});

describe('the confirmed URL', () => {
  it('a tunnel URL the server never reported up is not stored as confirmed, and cannot be confirmed', async () => {
    // The server grants the name but takes no tunnel socket: online for the client, never up at the server.
    const server = await TestTunnelServer.start({ maxSockets: 0 });
    cleanups.push(() => server.close());
    const t = await controllerThrough(server, 'never-up');
    const seen = record(t);
    await waitForStatus(t.controller, (s) => s.tunnel.phase === 'reconnecting' && s.tunnel.reconnects >= 1, 20_000, 'online, then torn down, twice');
    expect(seen.some((s) => s.tunnel.phase === 'online' && s.tunnel.url === server.publicUrl('never-up'))).toBe(true);
    expect(seen.every((s) => s.tunnel.verifiedAt === null)).toBe(true);
    expect(seen.at(-1)!.tunnel.lastError).toBe('the tunnel has no open connections');
    expect(new SettingsRepo(t.controller.core.db).get('confirmedPublicUrl')).toBeUndefined();
    expect(() => t.controller.endpoint.confirm()).toThrow(/no public URL to confirm yet|has not been reported up/);
  });
});

describe('the wanted subdomain', () => {
  it('after taking another name while the wanted one was held, switches back once it is free: the URL the IdP has works again', async () => {
    const server = await tunnelServer();
    const dataDir = tempDir();
    // First run: acme-scim, confirmed (the admin put it in Okta).
    const first = await controllerThrough(server, 'acme-scim', dataDir);
    const confirmed = (await waitForStatus(first.controller, verified, 15_000, 'first run verified')).publicUrl;
    expect(confirmed).toBe(server.publicUrl('acme-scim'));
    await first.stop();
    // Someone else holds the name while ScimDesk restarts.
    const squatter = await controllerThrough(server, 'acme-scim');
    await waitForStatus(squatter.controller, (s) => online(s) && s.tunnel.subdomain === 'acme-scim', 15_000, 'squatter online');
    const t = await controllerThrough(server, null, dataDir);
    const elsewhere = await waitForStatus(t.controller, online, 20_000, 'online under another name');
    expect(elsewhere.tunnel.subdomainNotGranted).toBe(true);
    expect(elsewhere.urlChange).toEqual({ previous: confirmed, current: elsewhere.publicUrl });
    const { token } = await t.controller.core.connections.setEnabled('okta', true);
    const okta = new ScimClient(`${confirmed}/scim/v2`, `Bearer ${token}`);

    // The squatter goes away: ScimDesk takes its name back by itself.
    const freedAt = performance.now();
    await squatter.stop();
    const back = await waitForStatus(t.controller, (s) => online(s) && s.tunnel.subdomain === 'acme-scim', 20_000, 'back on acme-scim');
    const ms = Math.round(performance.now() - freedAt);
    console.log(`wanted subdomain: back on acme-scim ${ms} ms after it was freed`);
    expect(back.tunnel.subdomainNotGranted).toBe(false);
    expect(back.publicUrl).toBe(confirmed);
    expect(back.urlChange).toBeNull();
    expect(ms).toBeLessThan(15_000);
    expect((await okta.get('/Users')).status).toBe(200);
    // And it stays there.
    await sleep(1_000);
    expect(t.controller.status().tunnel).toMatchObject({ phase: 'online', subdomain: 'acme-scim' });
  });
});

describe('backoff', () => {
  it('starts over after a healthy period: the attempt count returns to 0, and the next outage begins at attempt 1', async () => {
    const server = await tunnelServer();
    const t = await controllerThrough(server, 'backoff-reset');
    await waitForStatus(t.controller, verified, 15_000, 'verified');

    // A long outage: the attempts climb.
    await server.kill();
    const climbed = await waitForStatus(t.controller, (s) => s.tunnel.attempt >= 4, 20_000, 'four failed attempts');
    expect(climbed.tunnel.phase).toBe('reconnecting');
    await server.restart();
    const healthy = await waitForStatus(t.controller, (s) => verified(s) && s.tunnel.attempt === 0, 20_000, 'healthy again with attempt 0');
    expect(healthy.tunnel.reconnects).toBe(1);

    // The next outage is counted from the start, not from where the last one ended.
    const seen = record(t);
    await server.kill();
    await waitForStatus(t.controller, (s) => s.tunnel.phase === 'reconnecting', 10_000, 'reconnecting again');
    const firstRetry = seen.find((s) => s.tunnel.phase === 'reconnecting')!;
    expect(firstRetry.tunnel.attempt).toBe(1);
    // Its wait is the first step of the backoff (100 ms here, with jitter), not the capped 1 s.
    const waitMs = Date.parse(firstRetry.tunnel.nextRetryAt!) - Date.now();
    expect(waitMs).toBeLessThanOrEqual(FAST_TUNNEL.backoff.initialMs);
  });
});
