/**
 * Tunnel faults in a row: the localtunnel server (tools/tunnel-server.ts, on 127.0.0.1)
 * is killed and restarted 10 times while the controller's supervisor keeps the tunnel. Each
 * time the same subdomain and public URL must come back, with no URL-change alert, and SCIM
 * requests through the public URL must work again. Before each kill the tunnel has been
 * healthy, so its backoff has started over (attempt 0) and each reconnect is quick: the
 * reconnect times are printed and bounded (generously: a loaded 2-core machine).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { oktaUser } from '../../../tools/idp/okta';
import { FAST_TUNNEL, online, startController, verified, waitForStatus } from '../../support/controller';
import { ScimClient } from '../../../tools/scim-client';
import { TestTunnelServer } from '../../../tools/tunnel-server';

const ROUNDS = 10;
const SUBDOMAIN = 'fault-test';
/** The backoff here tops out at 1 s; a reconnect that takes this long means it did not start over. */
const RECONNECT_BOUND_MS = 8_000;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

describe('tunnel faults', () => {
  it(
    'the tunnel server killed and restarted 10 times in a row: the same URL comes back each time and requests succeed after each reconnect',
    async () => {
      const server = await TestTunnelServer.start();
      cleanups.push(() => server.close());
      const t = await startController({ tunnel: { mode: 'localtunnel', host: server.hostUrl, subdomain: SUBDOMAIN }, tunnelTiming: FAST_TUNNEL });
      cleanups.push(() => t.stop());

      const first = await waitForStatus(t.controller, online, 15_000, 'online');
      expect(first.tunnel).toMatchObject({ phase: 'online', subdomain: SUBDOMAIN, subdomainNotGranted: false, reconnects: 0 });
      expect(first.publicUrl).toBe(server.publicUrl(SUBDOMAIN));
      expect(first.urlChange).toBeNull();
      const { token } = await t.controller.core.connections.setEnabled('okta', true);
      const okta = new ScimClient(first.scimUrl!, `Bearer ${token}`);

      const durations: number[] = [];
      const createdIds: string[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        // Online and healthy (the backoff has started over): a SCIM request through the public URL works.
        const before = await waitForStatus(t.controller, (s) => verified(s) && s.tunnel.attempt === 0, 15_000, `healthy before kill ${round}`);
        expect(before.publicUrl).toBe(first.publicUrl);
        expect((await okta.get('/Users?count=1')).status).toBe(200);

        await server.kill();
        const down = await waitForStatus(t.controller, (s) => s.tunnel.phase === 'reconnecting', 10_000, `reconnecting ${round}`);
        expect(down.tunnel.lastError).toBeTruthy();
        expect(down.tunnel.attempt).toBe(1);

        const restartedAt = performance.now();
        await server.restart();
        const back = await waitForStatus(t.controller, online, 20_000, `online again ${round}`);
        // The first request after the reconnect succeeds, and it is a write.
        const res = await okta.post('/Users', oktaUser(`fault.round${round}@example.com`, { externalId: `fault-${round}` }));
        expect(res.status, res.text).toBe(201);
        durations.push(Math.round(performance.now() - restartedAt));
        createdIds.push(res.body.id);
        expect(res.body.meta.location).toBe(`${first.scimUrl}/Users/${res.body.id}`);

        expect(back.tunnel.subdomain).toBe(SUBDOMAIN);
        expect(back.tunnel.subdomainNotGranted).toBe(false);
        expect(back.publicUrl).toBe(first.publicUrl);
        expect(back.scimUrl).toBe(first.scimUrl);
        expect(back.tunnel.reconnects).toBe(round);
        expect(back.urlChange).toBeNull();
        expect(server.tunnels()).toEqual([SUBDOMAIN]);
      }

      // Still the one tunnel, the same URL, and every write made it through.
      const end = t.controller.status();
      expect(end.tunnel).toMatchObject({ phase: 'online', subdomain: SUBDOMAIN, reconnects: ROUNDS });
      expect(end.publicUrl).toBe(first.publicUrl);
      expect(end.urlChange).toBeNull();
      const list = await okta.get('/Users?count=100');
      expect(list.status).toBe(200);
      expect(list.body.Resources.map((u: { id: string }) => u.id).sort()).toEqual([...createdIds].sort());

      console.log(`tunnel-faults: reconnect durations (restart → first successful request through the tunnel), ms: ${durations.join(', ')}`);
      expect(Math.max(...durations)).toBeLessThan(RECONNECT_BOUND_MS);
    },
    180_000,
  );
});
