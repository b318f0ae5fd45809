/**
 * The tunnel supervisor with the real localtunnel client against a localtunnel server on
 * 127.0.0.1 (tools/tunnel-server.ts): requests reach the SCIM server through the
 * tunnel, it survives the tunnel server's restart with the same URL, a taken subdomain is said
 * loudly, an unreachable host is an error state (no hang), and idle time does not poison it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AppStatus } from '../../../contract/model';
import { oktaUser } from '../../../tools/idp/okta';
import { FAST_TUNNEL, type TestController, online, startController, verified, waitForStatus } from '../../support/controller';
import { ScimClient } from '../../../tools/scim-client';
import { tempDir } from '../../support/scim-server';
import { TestTunnelServer } from '../../../tools/tunnel-server';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

async function tunnelServer(): Promise<TestTunnelServer> {
  const server = await TestTunnelServer.start();
  cleanups.push(() => server.close());
  return server;
}

/** A controller tunnelling through `server`; without a subdomain it uses the saved one. */
async function controllerThrough(server: TestTunnelServer, subdomain: string | null, extra: Parameters<typeof startController>[0] = {}): Promise<TestController> {
  const t = await startController({ tunnel: { mode: 'localtunnel', host: server.hostUrl, ...(subdomain ? { subdomain } : {}) }, tunnelTiming: FAST_TUNNEL, ...extra });
  cleanups.push(() => t.stop());
  return t;
}

async function enableOkta(t: TestController): Promise<ScimClient> {
  const { token } = await t.controller.core.connections.setEnabled('okta', true);
  const status = t.controller.status();
  return new ScimClient(status.scimUrl!, `Bearer ${token}`);
}

describe('tunnel', () => {
  it('carries SCIM requests, with their Authorization header, to the server; meta.location uses the public URL', async () => {
    const server = await tunnelServer();
    const t = await controllerThrough(server, 'acme-scim');
    const status = await waitForStatus(t.controller, online, 15_000, 'online');
    expect(status.tunnel).toMatchObject({ phase: 'online', subdomain: 'acme-scim', subdomainNotGranted: false });
    expect(status.publicUrl).toBe(server.publicUrl('acme-scim'));
    expect(status.scimUrl).toBe(`${server.publicUrl('acme-scim')}/scim/v2`);
    expect(status.reachable).toBe('internet');

    const okta = await enableOkta(t);
    const created = await okta.post('/Users', oktaUser('tunnel.user@example.com'));
    expect(created.status).toBe(201);
    expect(created.body.meta.location).toBe(`${server.publicUrl('acme-scim')}/scim/v2/Users/${created.body.id}`);
    expect(created.headers.get('location')).toBe(created.body.meta.location);
    // The token travelled through the tunnel: the server knew the connection.
    const [entry] = await t.controller.panel.listActivity({ limit: 1 });
    expect(entry).toMatchObject({ connection: 'okta', action: 'Create user', status: 201 });
    expect((await new ScimClient(status.scimUrl!, 'Bearer wrong').get('/Users')).status).toBe(401);
  });

  it('comes back with the same subdomain after the tunnel server is killed and restarted', async () => {
    const server = await tunnelServer();
    const t = await controllerThrough(server, 'restart-me');
    const before = await waitForStatus(t.controller, online, 15_000, 'online');
    const okta = await enableOkta(t);
    expect((await okta.get('/Users')).status).toBe(200);

    await server.kill();
    const down = await waitForStatus(t.controller, (s) => s.tunnel.phase === 'reconnecting', 10_000, 'reconnecting');
    expect(down.tunnel.lastError).toBeTruthy();
    expect(down.tunnel.nextRetryAt).toBeTruthy();

    await server.restart();
    const back = await waitForStatus(t.controller, online, 20_000, 'online again');
    expect(back.tunnel.subdomain).toBe('restart-me');
    expect(back.publicUrl).toBe(before.publicUrl);
    expect(back.tunnel.reconnects).toBe(1);
    expect(back.urlChange).toBeNull();
    expect((await okta.get('/Users')).status).toBe(200);
  });

  it('says loudly when the subdomain is taken: another URL, and Okta must be updated', async () => {
    const server = await tunnelServer();
    const dataDir = tempDir();
    // First run: the admin configures Okta with this URL.
    const first = await controllerThrough(server, 'our-name', { dataDir });
    // The URL becomes the confirmed one once the tunnel server reported the tunnel up.
    const confirmed = (await waitForStatus(first.controller, verified, 15_000, 'online and verified')).publicUrl;
    await first.stop();
    // Someone else takes the name while ScimDesk is stopped.
    const squatter = await controllerThrough(server, 'our-name');
    await waitForStatus(squatter.controller, (s) => online(s) && s.tunnel.subdomain === 'our-name', 15_000, 'squatter online');

    const second = await controllerThrough(server, null, { dataDir });
    const status = await waitForStatus(second.controller, online, 20_000, 'online with another name');
    expect(status.tunnel.wantedSubdomain).toBe('our-name');
    expect(status.tunnel.subdomainNotGranted).toBe(true);
    expect(status.tunnel.subdomain).not.toBe('our-name');
    expect(status.tunnel.lastError).toMatch(/our-name.*in use/);
    expect(status.urlChange).toEqual({ previous: confirmed, current: status.publicUrl });
    // Once the admin updated Okta, the alert goes away.
    await waitForStatus(second.controller, verified, 15_000, 'the other name verified');
    second.controller.endpoint.confirm();
    expect(second.controller.status().urlChange).toBeNull();
  });

  it('an unreachable tunnel host is an error state with a reason and a retry time, not a hang', async () => {
    const server = await TestTunnelServer.start();
    const deadHost = server.hostUrl;
    await server.close(); // nothing listens there any more
    const t = await controllerThrough(server, 'nobody-home');
    const status = await waitForStatus(t.controller, (s) => s.tunnel.phase === 'error', 10_000, 'error');
    expect(status.tunnel.lastError).toContain(`${deadHost} cannot be reached`);
    expect(status.tunnel.nextRetryAt).toBeTruthy();
    expect(status.publicUrl).toBeNull();
    const started = Date.now();
    await t.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('keeps working after idling longer than the SCIM server header timeout', async () => {
    const server = await tunnelServer();
    // Node answers a connection that sends nothing with 408 after headersTimeout (checked every
    // connectionsCheckingInterval): shortened here from 60 s / 30 s to 1 s / 200 ms.
    const t = await controllerThrough(server, 'idle-test', { http: { headersTimeout: 1000, requestTimeout: 1000, connectionsCheckingInterval: 200 } });
    const status = await waitForStatus(t.controller, online, 15_000, 'online');
    await server.waitForSockets(status.tunnel.subdomain!, 2);
    // The tunnel's idle sockets never reach the SCIM server (so no 408 can wait in them).
    const http = t.controller['running']!.app.server;
    const openConnections = (): Promise<number> => new Promise((resolve, reject) => http.getConnections((err, n) => (err ? reject(err) : resolve(n))));
    expect(await openConnections()).toBe(0);
    const okta = await enableOkta(t);
    const statuses: number[] = [];
    for (let round = 0; round < 3; round++) {
      await new Promise((r) => setTimeout(r, 2_500));
      for (let i = 0; i < 3; i++) statuses.push((await okta.get('/Users?count=1')).status);
    }
    expect(statuses).toEqual(Array(9).fill(200));
  });

  it('while the SCIM server is not running, a request through the tunnel gets the relay\'s SCIM 502 at once, not a hang', async () => {
    const server = await tunnelServer();
    const t = await controllerThrough(server, 'relay-502');
    const status = await waitForStatus(t.controller, verified, 15_000, 'verified');
    const http = t.controller['running']!.app.server;
    await new Promise<void>((resolve) => {
      http.close(() => resolve());
      http.closeAllConnections();
    });
    const started = Date.now();
    const res = await new ScimClient(status.scimUrl!, 'Bearer any').get('/Users');
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^application\/scim\+json/);
    expect(res.body).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '502', detail: 'ScimDesk is reachable but its SCIM server is not running' });
    // Well under the test tunnel server's own 10 s response timeout: the relay answered.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('validates settings: a bad subdomain is refused with the rule, nothing is saved', async () => {
    const t = await startController();
    cleanups.push(() => t.stop());
    await expect(t.controller.endpoint.configure({ mode: 'localtunnel', host: 'http://localhost:9', subdomain: 'ab' })).rejects.toMatchObject({
      code: 'invalid-settings',
      message: expect.stringMatching(/4 to 63 characters/),
    });
    expect(t.controller.endpoint.settings().mode).toBe('none');
    await t.controller.endpoint.configure({ mode: 'external', publicUrl: 'https://scim.example.com/' });
    expect(t.controller.status()).toMatchObject({ publicUrl: 'https://scim.example.com', scimUrl: 'https://scim.example.com/scim/v2', reachable: 'internet' } satisfies Partial<AppStatus>);
  });
});
