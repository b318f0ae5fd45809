/**
 * `npm run bench:tunnel`: what the tunnel costs and how fast it heals, on loopback, with the
 * real localtunnel client and the production supervisor settings against the localtunnel-
 * protocol server in tools/tunnel-server.ts. Prints numbers; asserts nothing.
 *
 * - added latency: sequential GETs direct vs through the tunnel (p50, p99);
 * - throughput at 10 concurrent requests, direct vs tunnel;
 * - reconnect time: the tunnel server is killed and restarted N times in a row (each time once
 *   the tunnel is healthy again); time from the restart until a request through the same
 *   public URL succeeds again.
 *
 * Public URLs are `<id>.localhost` names (as the real server hands out), fetched through
 * tools/public-fetch.ts on a fresh connection each; the direct URL keeps plain fetch.
 *
 * Environment: BENCH_REQUESTS (default 500), BENCH_RESTARTS (default 5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppStatus } from '../contract/model';
import { Controller } from '../server/controller/controller';
import { FileSecretStore } from '../server/secrets/file-store';
import { publicFetch } from '../tools/public-fetch';
import { TestTunnelServer } from '../tools/tunnel-server';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 500);
const RESTARTS = Number(process.env['BENCH_RESTARTS'] ?? 5);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timeSequential(url: string, token: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    const res = await publicFetch(url, { headers: { authorization: `Bearer ${token}` } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

async function throughput(url: string, token: string, concurrency: number): Promise<number> {
  let done = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (done < REQUESTS) {
        done++;
        const res = await publicFetch(url, { headers: { authorization: `Bearer ${token}` } });
        await res.arrayBuffer();
      }
    }),
  );
  return Math.round(REQUESTS / ((performance.now() - t0) / 1000));
}

function waitFor(controller: Controller, predicate: (s: AppStatus) => boolean): Promise<AppStatus> {
  return new Promise((resolve) => {
    if (predicate(controller.status())) return resolve(controller.status());
    const off = controller.on('status', (s) => {
      if (predicate(s)) {
        off();
        resolve(s);
      }
    });
  });
}

async function untilOk(url: string, token: string): Promise<void> {
  for (;;) {
    try {
      const res = await publicFetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      /* not back yet */
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-bench-tunnel-'));
  const tunnel = await TestTunnelServer.start();
  const controller = await Controller.start({ dataDir, secretStore: new FileSecretStore(dataDir), port: 0, tunnel: { mode: 'localtunnel', host: tunnel.hostUrl, subdomain: 'bench-tunnel' } });
  try {
    const { token } = await controller.core.connections.setEnabled('okta', true);
    const status = await waitFor(controller, (s) => s.tunnel.phase === 'online');
    const direct = `${status.server.localUrl}/scim/v2/Users?count=1`;
    const public_ = `${status.scimUrl}/Users?count=1`;
    await timeSequential(public_, token!); // warm up
    const d = await timeSequential(direct, token!);
    const p = await timeSequential(public_, token!);
    console.log(`latency over ${REQUESTS} sequential GETs (ms)     p50     p99`);
    console.log(`  direct                                  ${percentile(d, 50).toFixed(2).padStart(6)}  ${percentile(d, 99).toFixed(2).padStart(6)}`);
    console.log(`  through the tunnel                      ${percentile(p, 50).toFixed(2).padStart(6)}  ${percentile(p, 99).toFixed(2).padStart(6)}`);
    console.log(`  added by the tunnel                     ${(percentile(p, 50) - percentile(d, 50)).toFixed(2).padStart(6)}  ${(percentile(p, 99) - percentile(d, 99)).toFixed(2).padStart(6)}`);
    console.log(`throughput at 10 concurrent: direct ${await throughput(direct, token!, 10)} req/s, tunnel ${await throughput(public_, token!, 10)} req/s`);

    const times: number[] = [];
    for (let i = 0; i < RESTARTS; i++) {
      // Let the supervisor see a healthy tunnel first (its backoff resets on a healthy check).
      await waitFor(controller, (s) => s.tunnel.phase === 'online' && s.tunnel.attempt === 0);
      await tunnel.kill();
      await waitFor(controller, (s) => s.tunnel.phase !== 'online');
      const t0 = performance.now();
      await tunnel.restart();
      await untilOk(public_, token!);
      const back = controller.status();
      times.push(performance.now() - t0);
      if (back.publicUrl !== status.publicUrl) console.log(`  restart ${i + 1}: the URL changed to ${back.publicUrl}`);
    }
    const sorted = [...times].sort((a, b) => a - b);
    console.log(`reconnect after ${RESTARTS} tunnel server restarts (ms, restart → first successful request, same URL):`);
    console.log(`  ${times.map((t) => t.toFixed(0)).join(', ')}   median ${percentile(sorted, 50).toFixed(0)}, max ${sorted.at(-1)!.toFixed(0)}`);
  } finally {
    await controller.stop();
    await tunnel.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
