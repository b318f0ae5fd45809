/**
 * A failing tunnel says why in a sentence, with what to do, naming the tunnel host: each
 * cause made real on loopback (a name that never resolves, a closed port, a subdomain held by
 * another client of tools/tunnel-server.ts, a server that accepts and never answers, an https
 * host with a self-signed certificate). Retry now skips the backoff; `status` and `serve` in
 * the CLI print the sentence and the fix.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AppStatus, TunnelProblemCause } from '../../../contract/model';
import { type IpcDeps, answer } from '../../../electron/ipc';
import { ServiceError } from '../../../server/core/errors';
import { TestTunnelServer } from '../../../tools/tunnel-server';
import { cliProcesses } from '../../support/cli-process';
import { FAST_TUNNEL, type TestController, online, startController, waitForStatus } from '../../support/controller';
import { closedPort, silentTcp, tlsAnswering } from './tls-fixture';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => undefined);
});

const { newDir, cli, start, stop, waitFor } = cliProcesses({ limitMs: 40_000 });

async function through(host: string, extra: Parameters<typeof startController>[0] = {}, subdomain = 'our-tunnel'): Promise<TestController> {
  const t = await startController({ tunnel: { mode: 'localtunnel', host, subdomain }, tunnelTiming: FAST_TUNNEL, ...extra });
  cleanups.push(() => t.stop());
  return t;
}

/** retryTunnel as the panel calls it, answered by main's real handler. */
function retryByIpc(t: TestController) {
  const deps: IpcDeps = {
    ipcMain: { handle: () => undefined, removeHandler: () => undefined } as unknown as IpcDeps['ipcMain'],
    shell: { openExternal: async () => undefined, showItemInFolder: () => undefined },
    controller: () => ({ controller: t.controller }),
    isTrustedSender: () => true,
  };
  return answer(deps, 'retryTunnel', {} as never, undefined);
}

const problemIs = (cause: TunnelProblemCause) => (s: AppStatus) => s.tunnel.problem?.cause === cause;

describe('tunnel problems, as sentences', () => {
  it('a tunnel host whose name never resolves: dns, naming the host, with the fix', async () => {
    const t = await through('http://nohost.invalid');
    const s = await waitForStatus(t.controller, problemIs('dns'), 15_000, 'dns problem');
    expect(s.tunnel.phase).toBe('error');
    expect(s.tunnel.problem!.sentence).toMatch(/cannot find the tunnel server nohost\.invalid/);
    expect(s.tunnel.problem!.fix).toMatch(/internet connection|DNS/);
  });

  it('a closed port: refused', async () => {
    const port = await closedPort();
    const t = await through(`http://localhost:${port}`);
    const s = await waitForStatus(t.controller, problemIs('refused'), 15_000, 'refused problem');
    expect(s.tunnel.problem!.sentence).toContain(`localhost:${port}`);
    expect(s.tunnel.problem!.sentence).toMatch(/refused/);
    expect(s.tunnel.problem!.fix).toBeTruthy();
  });

  it('a server that accepts and never answers: unreachable once the open times out', async () => {
    const silent = await silentTcp();
    cleanups.push(() => silent.close());
    const t = await through(`http://localhost:${silent.port}`, { tunnelTiming: { ...FAST_TUNNEL, openTimeoutMs: 500 } });
    const s = await waitForStatus(t.controller, problemIs('unreachable'), 15_000, 'unreachable problem');
    expect(s.tunnel.problem!.sentence).toContain(`localhost:${silent.port}`);
    expect(s.tunnel.problem!.sentence).toMatch(/did not answer|no answer/);
  });

  it('an https tunnel host with a self-signed certificate: tls', async () => {
    const tls = await tlsAnswering();
    cleanups.push(() => tls.close());
    const t = await through(`https://localhost:${tls.port}`);
    const s = await waitForStatus(t.controller, problemIs('tls'), 15_000, 'tls problem');
    expect(s.tunnel.problem!.sentence).toContain(`localhost:${tls.port}`);
    expect(s.tunnel.problem!.sentence).toMatch(/certificate/i);
    expect(s.tunnel.problem!.fix).toMatch(/certificate/i);
  });

  it('a subdomain held by another client: subdomain-taken, still set once online under another name; null when healthy', async () => {
    const server = await TestTunnelServer.start();
    cleanups.push(() => server.close());
    const squatter = await through(server.hostUrl, {}, 'wanted-name');
    const held = await waitForStatus(squatter.controller, (s) => online(s) && s.tunnel.subdomain === 'wanted-name', 15_000, 'squatter online');
    expect(held.tunnel.problem).toBeNull();

    const t = await through(server.hostUrl, {}, 'wanted-name');
    const s = await waitForStatus(t.controller, (x) => online(x) && problemIs('subdomain-taken')(x), 20_000, 'online under another name');
    expect(s.tunnel.subdomain).not.toBe('wanted-name');
    expect(s.tunnel.problem!.sentence).toContain('"wanted-name"');
    expect(s.tunnel.problem!.sentence).toContain('localhost:');
    expect(s.tunnel.problem!.fix).toMatch(/another subdomain/);
    expect(s.tunnel.problem!.fix).toMatch(/switches back/);

    // The squatter leaves: ScimDesk takes its name back and the problem is gone.
    await squatter.stop();
    const back = await waitForStatus(t.controller, (x) => online(x) && x.tunnel.subdomain === 'wanted-name', 20_000, 'back on the wanted name');
    expect(back.tunnel.problem).toBeNull();
  });
});

describe('Retry now', () => {
  it('starts the next attempt at once instead of after a 60 s backoff', async () => {
    const port = await closedPort();
    const t = await through(`http://localhost:${port}`, { tunnelTiming: { ...FAST_TUNNEL, backoff: { initialMs: 60_000, maxMs: 60_000, jitter: 0 } } });
    const first = await waitForStatus(t.controller, (s) => s.tunnel.phase === 'error' && s.tunnel.attempt === 1, 10_000, 'first failure');
    expect(Date.parse(first.tunnel.nextRetryAt!) - Date.now()).toBeGreaterThan(50_000);
    const asked = Date.now();
    const answered = t.controller.endpoint.retry();
    expect(answered.phase).toBe('connecting');
    const second = await waitForStatus(t.controller, (s) => s.tunnel.attempt === 2, 5_000, 'second attempt');
    const tookMs = Date.now() - asked;
    console.log(`retry now: the next attempt failed ${tookMs} ms after the call`);
    expect(tookMs).toBeLessThan(1_500);
    expect(second.tunnel.problem?.cause).toBe('refused');

    // The panel's button: the IPC call answers the status with the attempt under way.
    await waitForStatus(t.controller, (s) => s.tunnel.phase === 'error' && s.tunnel.nextRetryAt !== null, 5_000, 'waiting again');
    const viaIpc = await retryByIpc(t);
    expect(viaIpc.ok).toBe(true);
    await waitForStatus(t.controller, (s) => s.tunnel.attempt === 3, 2_000, 'third attempt');
  });

  it('is refused with a reason when no tunnel waits to retry: local only, or online', async () => {
    const local = await startController();
    cleanups.push(() => local.stop());
    expect(() => local.controller.endpoint.retry()).toThrow(ServiceError);
    expect(() => local.controller.endpoint.retry()).toThrow(/no tunnel/i);
    const refused = await retryByIpc(local);
    expect(refused).toMatchObject({ ok: false, error: { code: 'not-allowed', message: expect.stringMatching(/no tunnel to retry/) } });

    const server = await TestTunnelServer.start();
    cleanups.push(() => server.close());
    const t = await through(server.hostUrl, {}, 'retry-online');
    await waitForStatus(t.controller, online, 15_000, 'online');
    let error: unknown;
    try {
      t.controller.endpoint.retry();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe('not-allowed');
    expect((error as ServiceError).message).toMatch(/online/);
  });
});

describe('the CLI', () => {
  it(
    '`serve` logs the sentence and the fix; `status` and `status --json` carry them',
    async () => {
      const dataDir = newDir();
      const run = start(['serve', '--port', '0', '--data-dir', dataDir, '--tunnel', 'localtunnel', '--tunnel-host', 'http://nohost.invalid', '--subdomain', 'cli-problem']);
      await waitFor(run, /cannot find the tunnel server nohost\.invalid[^\n]*\n?[^\n]*(internet connection|DNS)/, 'the problem line');
      const human = await cli(['status', '--data-dir', dataDir]);
      expect(human.code, human.output).toBe(0);
      expect(human.stdout).toMatch(/cannot find the tunnel server nohost\.invalid/);
      expect(human.stdout).toMatch(/internet connection|DNS/);
      const json = await cli(['status', '--json', '--data-dir', dataDir]);
      expect(JSON.parse(json.stdout).tunnel.problem).toMatchObject({ cause: 'dns', sentence: expect.stringContaining('nohost.invalid') });
      await stop(run);
    },
    60_000,
  );
});
