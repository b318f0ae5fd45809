/**
 * "Check from outside": a request sent through the public URL, as an IdP would send it, step
 * by step (DNS, TLS, HTTP, the one-time nonce's proof), run by the admin and after every change
 * of the URL. Each public URL here is real on loopback: a tunnel through tools/tunnel-server.ts,
 * an impostor answering 200 to everything, a TLS reverse proxy with a self-signed certificate, a
 * name that never resolves.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppStatus, PublicUrlCheck } from '../../../contract/model';
import { type IpcDeps, answer } from '../../../electron/ipc';
import { localhostLookup } from '../../../tools/public-fetch';
import { TestTunnelServer } from '../../../tools/tunnel-server';
import { cliProcesses } from '../../support/cli-process';
import { FAST_TUNNEL, type TestController, startController, waitForStatus } from '../../support/controller';
import { selfSignedLocalhost, silentTcp, tlsProxyTo } from './tls-fixture';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

const { newDir, cli, start, stop, waitFor } = cliProcesses({ limitMs: 40_000 });

async function started(options: Parameters<typeof startController>[0]): Promise<TestController> {
  const t = await startController(options);
  cleanups.push(() => t.stop());
  return t;
}

/** A plain HTTP server on loopback; `handler` answers every request. */
async function httpServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Every status event, for asserting that a check's start and end were announced. */
function recordStatuses(t: TestController): AppStatus[] {
  const seen: AppStatus[] = [];
  cleanups.push(async () => unsubscribe());
  const unsubscribe = t.controller.on('status', (s) => seen.push(s));
  return seen;
}

const checked = (url: string | null) => (s: AppStatus) => !!s.publicCheck?.last && s.publicCheck.last.url === url && !s.publicCheck.running;

/** A call of the IPC contract, answered by main's real handlers. */
function ipcCall<K extends 'checkPublicUrl' | 'retryTunnel'>(t: TestController, name: K) {
  const deps: IpcDeps = {
    ipcMain: { handle: () => undefined, removeHandler: () => undefined } as unknown as IpcDeps['ipcMain'],
    shell: { openExternal: async () => undefined, showItemInFolder: () => undefined },
    controller: () => ({ controller: t.controller }),
    isTrustedSender: () => true,
  };
  return answer(deps, name, {} as never, undefined);
}

describe('check from outside', () => {
  it('runs by itself once the tunnel is online, passes with DNS, HTTP 200 + round trip, and the proof; a new URL resets and re-checks', async () => {
    const server = await TestTunnelServer.start();
    cleanups.push(() => server.close());
    const t = await started({ tunnel: { mode: 'localtunnel', host: server.hostUrl, subdomain: 'check-one' }, tunnelTiming: FAST_TUNNEL, publicCheck: { lookup: localhostLookup } });
    const seen = recordStatuses(t);
    const first = await waitForStatus(t.controller, checked(server.publicUrl('check-one')), 20_000, 'the automatic check');
    const c = first.publicCheck!.last!;
    console.log(`check through the tunnel: ${c.sentence} (dns ${c.dns.ms} ms, http ${c.http.ms} ms)`);
    expect(c.ok).toBe(true);
    expect(c.dns).toMatchObject({ state: 'ok', addresses: ['127.0.0.1'] });
    expect(c.tls.state).toBe('skipped');
    expect(c.http).toMatchObject({ state: 'ok', status: 200 });
    expect(c.http.ms).toEqual(expect.any(Number));
    expect(c.proof.state).toBe('ok');
    expect(c.sentence).toMatch(/ScimDesk answered/);
    // Its start and its end were announced.
    expect(seen.some((s) => s.publicCheck?.running === true)).toBe(true);

    // The subdomain changes: the old check no longer describes the URL, then the new one is checked.
    await t.controller.endpoint.configure({ subdomain: 'check-two' });
    expect(t.controller.status().publicCheck!.last).toBeNull();
    const second = await waitForStatus(t.controller, checked(server.publicUrl('check-two')), 20_000, 'the check of the new URL');
    expect(second.publicCheck!.last!.ok).toBe(true);
  });

  it('the button (IPC checkPublicUrl) answers the check; a second call while one runs joins it', async () => {
    const server = await TestTunnelServer.start();
    cleanups.push(() => server.close());
    const t = await started({ tunnel: { mode: 'localtunnel', host: server.hostUrl, subdomain: 'check-ipc' }, tunnelTiming: FAST_TUNNEL, publicCheck: { lookup: localhostLookup } });
    await waitForStatus(t.controller, checked(server.publicUrl('check-ipc')), 20_000, 'the automatic check');
    const [a, b] = await Promise.all([ipcCall(t, 'checkPublicUrl'), ipcCall(t, 'checkPublicUrl')]);
    expect(a.ok && b.ok).toBe(true);
    const ca = (a as { value: PublicUrlCheck }).value;
    expect(ca.ok).toBe(true);
    expect((b as { value: PublicUrlCheck }).value.startedAt).toBe(ca.startedAt);
    expect(t.controller.status().publicCheck!.last!.startedAt).toBe(ca.startedAt);
  });

  it('is refused in local-only mode, where there is no public URL (publicCheck is null)', async () => {
    const t = await started({});
    expect(t.controller.status().publicCheck).toBeNull();
    const r = await ipcCall(t, 'checkPublicUrl');
    expect(r.ok).toBe(false);
    expect((r as { error: { code: string; message: string } }).error).toMatchObject({ code: 'not-allowed', message: expect.stringMatching(/no public URL/) });
  });

  it('an impostor answering 200 at the own URL fails the proof: something else answers there; http:// gets the HTTPS warning', async () => {
    const impostor = await httpServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url, nonce: req.url?.split('/').pop(), proof: 'echo' }));
    });
    const t = await started({ tunnel: { mode: 'external', publicUrl: impostor.url } });
    const s = await waitForStatus(t.controller, checked(impostor.url), 20_000, 'the automatic check');
    const c = s.publicCheck!.last!;
    expect(c.ok).toBe(false);
    expect(c.http).toMatchObject({ state: 'ok', status: 200 });
    expect(c.proof.state).toBe('failed');
    expect(c.sentence).toMatch(/something else answers/i);
    expect(c.sentence).toMatch(/Okta and Entra ID require HTTPS/);
  });

  it('https through a reverse proxy with a self-signed certificate: TLS not trusted; with its CA it passes, with protocol, issuer and expiry', async () => {
    // The proxy forwards to the SCIM server, whose port is known once it listens: the own URL is set then.
    const untrusted = await started({ tunnel: { mode: 'external', publicUrl: 'https://localhost:1' } });
    const proxyToUntrusted = await tlsProxyTo(Number(new URL(untrusted.controller.status().server.localUrl!).port));
    cleanups.push(() => proxyToUntrusted.close());
    const ownUrl = `https://localhost:${proxyToUntrusted.port}`;
    await untrusted.controller.endpoint.configure({ mode: 'external', publicUrl: ownUrl });
    const s = await waitForStatus(untrusted.controller, checked(ownUrl), 20_000, 'the automatic check');
    const c = s.publicCheck!.last!;
    expect(c.ok).toBe(false);
    expect(c.dns.state).toBe('ok');
    expect(c.tls.state).toBe('failed');
    expect(c.tls.error).toMatch(/not trusted/);
    expect(c.http.state).toBe('skipped');
    expect(c.proof.state).toBe('skipped');
    expect(c.sentence).toMatch(/certificate/);

    const trusting = await started({ tunnel: { mode: 'external', publicUrl: 'https://localhost:1' }, publicCheck: { ca: selfSignedLocalhost().cert } });
    const proxyToTrusting = await tlsProxyTo(Number(new URL(trusting.controller.status().server.localUrl!).port));
    cleanups.push(() => proxyToTrusting.close());
    const trustedUrl = `https://localhost:${proxyToTrusting.port}`;
    await trusting.controller.endpoint.configure({ mode: 'external', publicUrl: trustedUrl });
    const ok = (await waitForStatus(trusting.controller, checked(trustedUrl), 20_000, 'the check with the CA')).publicCheck!.last!;
    console.log(`check through a TLS proxy: ${ok.sentence} (tls ${ok.tls.protocol} in ${ok.tls.ms} ms, http ${ok.http.ms} ms)`);
    expect(ok.ok).toBe(true);
    expect(ok.tls.state).toBe('ok');
    expect(ok.tls.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(ok.tls.issuer).toContain('ScimDesk Test CA');
    expect(Date.parse(ok.tls.validTo!)).toBeGreaterThan(Date.now());
    expect(ok.proof.state).toBe('ok');
    expect(ok.sentence).not.toMatch(/require HTTPS/);
    // The request went over the TLS step's connection: one handshake, as a client makes.
    expect(proxyToTrusting.handshakes()).toBe(1);
  });

  it('an own URL whose name never resolves fails at DNS (real lookup), skips the rest, warns about http://, and ends within the time limits', async () => {
    const t = await started({ tunnel: { mode: 'external', publicUrl: 'http://scim.example.invalid' } });
    const begun = Date.now();
    const c = (await waitForStatus(t.controller, checked('http://scim.example.invalid'), 25_000, 'the automatic check')).publicCheck!.last!;
    expect(Date.now() - begun).toBeLessThan(20_000);
    expect(c.ok).toBe(false);
    expect(c.dns.state).toBe('failed');
    expect(c.dns.error).toMatch(/scim\.example\.invalid/);
    expect(c.tls.state).toBe('skipped');
    expect(c.http.state).toBe('skipped');
    expect(c.proof.state).toBe('skipped');
    expect(c.sentence).toMatch(/cannot be found|does not resolve/);
    expect(c.sentence).toMatch(/Okta and Entra ID require HTTPS/);
  });

  it('a server that accepts and never answers: the HTTP step gives up at its limit and says so', async () => {
    const silent = await silentTcp();
    cleanups.push(() => silent.close());
    const url = `http://127.0.0.1:${silent.port}`;
    const t = await started({ tunnel: { mode: 'external', publicUrl: url }, publicCheck: { timeoutMs: 700 } });
    const c = (await waitForStatus(t.controller, checked(url), 10_000, 'the automatic check')).publicCheck!.last!;
    expect(c.dns).toMatchObject({ state: 'ok', addresses: ['127.0.0.1'] });
    expect(c.http.state).toBe('failed');
    expect(c.http.error).toMatch(/no answer from 127\.0\.0\.1:\d+ within 0\.7 s/);
    expect(c.proof.state).toBe('skipped');
    expect(c.sentence).toMatch(/did not answer the check/);
  });

  it('the nonce is single use: the route answers 404 to an unknown or used nonce, takes no token, and writes nothing to the request log', async () => {
    // A recording proxy as the own URL: it keeps the path the check used, to replay it.
    let target = '';
    const paths: string[] = [];
    const recorder = await httpServer((req, res) => {
      paths.push(req.url ?? '');
      const upstream = httpRequest(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    });
    const t = await started({ tunnel: { mode: 'external', publicUrl: recorder.url } });
    target = t.controller.status().server.localUrl!;
    const c = (await waitForStatus(t.controller, checked(recorder.url), 20_000, 'the automatic check')).publicCheck!.last!;
    expect(c.ok).toBe(true);
    const used = paths.find((p) => p.startsWith('/scimdesk/check/'));
    expect(used).toMatch(/^\/scimdesk\/check\/[0-9a-f]{64}$/);

    const again = await fetch(`${target}${used}`);
    expect(again.status).toBe(404);
    expect(((await again.json()) as { schemas: string[] }).schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    // A flood of made-up nonces: each a 404 at once.
    const flood = await Promise.all(Array.from({ length: 200 }, (_, i) => fetch(`${target}/scimdesk/check/${i.toString(16).padStart(64, '0')}`).then((r) => r.status)));
    expect(new Set(flood)).toEqual(new Set([404]));
    expect(await t.controller.panel.listActivity({ limit: 50 })).toHaveLength(0);
  });
});

describe('check from outside in the CLI', () => {
  it(
    '`serve` logs each check; `status` warns about http:// and shows the last check; `status --json` carries it',
    async () => {
      const dataDir = newDir();
      const run = start(['serve', '--port', '0', '--data-dir', dataDir, '--public-url', 'http://scim.example.invalid']);
      await waitFor(run, /check from outside: FAILED: http:\/\/scim\.example\.invalid cannot be found/, 'the check line');
      const human = await cli(['status', '--data-dir', dataDir]);
      expect(human.code, human.output).toBe(0);
      expect(human.stdout).toMatch(/WARNING: http:\/\/scim\.example\.invalid is plain http:\/\/, and Okta and Entra ID require HTTPS/);
      expect(human.stdout).toMatch(/Check from outside \(\S+\): FAILED: http:\/\/scim\.example\.invalid cannot be found/);
      const json = JSON.parse((await cli(['status', '--json', '--data-dir', dataDir])).stdout);
      expect(json.publicCheck).toMatchObject({ url: 'http://scim.example.invalid', ok: false, dns: { state: 'failed' }, http: { state: 'skipped' } });
      await stop(run);
    },
    60_000,
  );
});
