/**
 * `npx tsx bench/export.ts`: an export of 100 000 users (BENCH_USERS) as JSON and as CSV, with
 * the server running: the total time, and the longest the server's thread was held meanwhile
 * (event-loop delay, 5 ms resolution) beside the same measure over 3 idle seconds, which is
 * what the machine's own load adds. A benchmark: it prints numbers and asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Controller } from '../server/controller/controller';
import { FileSecretStore } from '../server/secrets/file-store';
import { seedUsersInBulk } from '../tools/seed';

const USERS = Number(process.env['BENCH_USERS'] ?? 100_000);

/** Runs `work` and answers its time and the longest event-loop stall meanwhile, in ms. */
async function measured(work: () => Promise<unknown>): Promise<{ ms: number; stallMs: number }> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  delay.disable();
  return { ms, stallMs: delay.max / 1e6 };
}

const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-bench-export-'));
const controller = await Controller.start({ dataDir, secretStore: new FileSecretStore(dataDir), port: 0, tunnel: { mode: 'none' } });
try {
  process.stdout.write(`Seeding ${USERS} users… `);
  const t0 = performance.now();
  seedUsersInBulk(controller, USERS);
  console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const idle = await measured(() => new Promise((resolve) => setTimeout(resolve, 3_000)));
  console.log(`idle 3 s                 longest stall ${idle.stallMs.toFixed(0).padStart(4)} ms   (the machine's own load)`);
  for (const format of ['json', 'csv'] as const) {
    const run = await measured(() => controller.core.files.export(format));
    console.log(`export ${format.padEnd(4)} ${(run.ms / 1000).toFixed(2).padStart(6)} s   longest stall ${run.stallMs.toFixed(0).padStart(4)} ms`);
  }
} finally {
  await controller.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
