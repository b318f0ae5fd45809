/**
 * The tunnel as an operator meets it in the CLI, with real `serve`, `status` and `tunnel`
 * processes and tools/tunnel-server.ts on loopback behaving as the self-hosted localtunnel
 * server (its `*.localhost` public names do not resolve from the ScimDesk machine, as on a
 * split-DNS network): what `serve` prints while the tunnel is down, what `status --json` says
 * about it, `tunnel confirm`, and a tunnel host that cannot carry subdomains.
 */
import { describe, expect, it } from 'vitest';
import { cliProcesses } from '../../support/cli-process';
import { ScimClient } from '../../../tools/scim-client';
import { TestTunnelServer } from '../../../tools/tunnel-server';

const { newDir, cli, enable, start, stop, waitFor } = cliProcesses({ limitMs: 40_000 });

const SLOW_TEST_MS = 120_000;

async function statusJson(dataDir: string): Promise<any> {
  const res = await cli(['status', '--json', '--data-dir', dataDir]);
  expect(res.code, res.output).toBe(0);
  return JSON.parse(res.stdout);
}

function serveArgs(dataDir: string, ...args: string[]): string[] {
  return ['serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn', ...args];
}

describe('serve through a tunnel, unattended', () => {
  it(
    'status --json reports the running tunnel (its warning, its attempts); while the tunnel server is down serve prints a line per attempt',
    async () => {
      const tunnel = await TestTunnelServer.start();
      try {
        const dataDir = newDir();
        const { token } = await enable(dataDir);
        const run = start(serveArgs(dataDir, '--tunnel', 'localtunnel', '--tunnel-host', tunnel.hostUrl, '--subdomain', 'cli-unattended'));
        const url = tunnel.publicUrl('cli-unattended');
        await waitFor(run, /tunnel: online at /, 'online line');
        // The public name does not resolve here: said once, with its cause, and the tunnel stays.
        await waitFor(run, /tunnel: WARNING the public URL \S+ cannot be reached from this machine \(getaddrinfo ENOTFOUND cli-unattended\.localhost\)/, 'public URL warning');
        expect((await new ScimClient(`${url}/scim/v2`, `Bearer ${token}`).get('/Users')).status).toBe(200);

        const up = await statusJson(dataDir);
        expect(up.server).toMatchObject({ running: true, publicUrl: url });
        expect(up.tunnel).toMatchObject({ state: 'online', url, subdomain: 'cli-unattended', attempt: 0, reconnects: 0, lastError: null, confirmedUrl: url, urlChanged: false });
        expect(up.tunnel.verifiedAt).toEqual(expect.any(String));
        expect(up.tunnel.publicUrlWarning).toMatch(/ENOTFOUND cli-unattended\.localhost/);
        const human = await cli(['status', '--data-dir', dataDir]);
        expect(human.stdout).toContain(`Tunnel: online at ${url}`);
        expect(human.stdout).toMatch(/Tunnel: WARNING the public URL .* cannot be reached from this machine/);

        // An outage: every attempt is a line (they are at most 30 s apart, so a line a minute at least).
        await tunnel.kill();
        await waitFor(run, /tunnel: reconnecting \(attempt 5\b/, 'the fifth attempt line');
        const attempts = [...run.stdout().matchAll(/tunnel: reconnecting \(attempt (\d+)/g)].map((m) => Number(m[1]));
        console.log(`tunnel outage: ${attempts.length} reconnecting lines for attempts ${attempts.join(', ')}`);
        expect(attempts.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
        const down = await statusJson(dataDir);
        expect(down.tunnel).toMatchObject({ state: 'reconnecting', url });
        expect(down.tunnel.attempt).toBeGreaterThanOrEqual(5);
        expect(down.tunnel.lastError).toContain('cannot be reached');
        expect(down.tunnel.nextRetryAt).toEqual(expect.any(String));

        await tunnel.restart();
        await waitFor(run, /tunnel: online at [^\n]+\n[^]*tunnel: online at (\S+)/, 'second online line');
        expect((await new ScimClient(`${url}/scim/v2`, `Bearer ${token}`).get('/Users')).status).toBe(200);
        expect((await stop(run)).code).toBe(0);
      } finally {
        await tunnel.close();
      }
    },
    SLOW_TEST_MS,
  );
});

describe('tunnel confirm', () => {
  it(
    'clears the URL-change warning for good; refuses without a running server and for a tunnel URL never reported up',
    async () => {
      const tunnel = await TestTunnelServer.start();
      const dead = await TestTunnelServer.start();
      const deadHost = dead.hostUrl;
      await dead.close();
      try {
        const dataDir = newDir();
        await enable(dataDir);
        const none = await cli(['tunnel', 'confirm', '--data-dir', dataDir]);
        expect(none.code).toBe(1);
        expect(none.stderr).toMatch(/No ScimDesk server is running on .*: start "serve"/);

        // First run: the tunnel URL, once the server reported it up, is the confirmed one.
        const first = start(serveArgs(dataDir, '--tunnel', 'localtunnel', '--tunnel-host', tunnel.hostUrl, '--subdomain', 'first-name'));
        await waitFor(first, /tunnel: WARNING the public URL/, 'first run verified');
        await stop(first);

        // The admin moves to a reverse proxy: serve warns until the move is confirmed.
        const proxied = serveArgs(dataDir, '--public-url', 'https://scim.example.com');
        const second = start(proxied);
        await waitFor(second, /WARNING: the public URL changed from (\S+) to https:\/\/scim\.example\.com\. .*then run "npm run -s scimdesk -- tunnel confirm"/, 'URL change warning');
        expect((await statusJson(dataDir)).tunnel).toMatchObject({ confirmedUrl: tunnel.publicUrl('first-name'), urlChanged: true });
        const confirmed = await cli(['tunnel', 'confirm', '--data-dir', dataDir]);
        expect(confirmed.code, confirmed.output).toBe(0);
        expect(confirmed.stdout).toContain('Confirmed https://scim.example.com as the public URL');
        expect(confirmed.stdout).toContain('should be https://scim.example.com/scim/v2');
        expect((await statusJson(dataDir)).tunnel).toMatchObject({ confirmedUrl: 'https://scim.example.com', urlChanged: false });
        await stop(second);
        const third = start(proxied);
        await waitFor(third, /SCIM base URL: https:\/\/scim\.example\.com\/scim\/v2\n/, 'SCIM base URL');
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(third.stdout()).not.toContain('WARNING');
        await stop(third);

        // A tunnel that never came up has no URL worth confirming.
        const unreachable = start(serveArgs(dataDir, '--tunnel', 'localtunnel', '--tunnel-host', deadHost, '--subdomain', 'never-up'));
        await waitFor(unreachable, /tunnel: cannot connect \(attempt 1/, 'cannot connect line');
        const refused = await cli(['tunnel', 'confirm', '--data-dir', dataDir]);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toMatch(/no public URL to confirm yet|has not been reported up/);
        expect((await statusJson(dataDir)).tunnel.confirmedUrl).toBe('https://scim.example.com');
        await stop(unreachable);
      } finally {
        await tunnel.close();
      }
    },
    SLOW_TEST_MS,
  );
});

describe('a tunnel host that cannot carry subdomains', () => {
  it('refuses an IP-address tunnel host, saying why and what to use (exit 2)', async () => {
    const dataDir = newDir();
    for (const host of ['http://127.0.0.1:21080', 'https://[::1]:8443']) {
      const res = await cli(['serve', '--port', '0', '--data-dir', dataDir, '--tunnel', 'localtunnel', '--tunnel-host', host]);
      expect(res.code, res.output).toBe(2);
      expect(res.stderr).toContain(`The tunnel host ${host} is an IP address, which cannot carry subdomains`);
      expect(res.stderr).toContain('for example https://tunnel.example.com');
    }
  });
});
