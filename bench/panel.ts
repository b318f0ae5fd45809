/**
 * `npm run bench:panel`: the Users screen with 100 000 users (BENCH_USERS), in headless
 * Chromium bound to the real controller, as in the e2e tests. Prints: the time to the first painted
 * rows, a search (typing → matching rows shown; the UI waits ~250 ms after the last keystroke
 * before it asks), a sort and a jump to the last page — and the panel queries' own times for
 * the same calls. A benchmark: it prints numbers and asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller } from '../server/controller/controller';
import { FileSecretStore } from '../server/secrets/file-store';
import { launchChromium, openPanel, serveRenderer } from '../tools/panel-harness';
import { seedUsersInBulk } from '../tools/seed';

const USERS = Number(process.env['BENCH_USERS'] ?? 100_000);
const RUNS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function timeCore(fn: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-bench-panel-'));
  const controller = await Controller.start({ dataDir, secretStore: new FileSecretStore(dataDir), port: 0, tunnel: { mode: 'none' } });
  const served = await serveRenderer();
  const browser = await launchChromium();
  try {
    process.stdout.write(`Seeding ${USERS} users… `);
    const t0 = performance.now();
    seedUsersInBulk(controller, USERS);
    console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const firstPaint: number[] = [];
    const fromNavigation: number[] = [];
    const search: number[] = [];
    const sort: number[] = [];
    const lastPage: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const start = performance.now();
      const panel = await openPanel(browser, `${served.url}#/users`, controller);
      const { page } = panel;
      await page.locator('table tbody tr').first().waitFor();
      firstPaint.push(performance.now() - start);
      // The page's own clock starts at navigation: time to rows without the browser setup.
      fromNavigation.push(await page.evaluate(() => (globalThis as any).performance.now() as number));

      const target = `user${77_777 % USERS}@`;
      const s0 = performance.now();
      await page.getByLabel('Search users').fill(target);
      await page.getByRole('row', { name: new RegExp(target) }).waitFor();
      await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('table tbody tr').length === 1);
      search.push(performance.now() - s0);

      await page.getByLabel('Search users').fill('');
      await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('table tbody tr').length > 1);
      const r0 = performance.now();
      const firstBefore = await page.locator('table tbody tr').first().textContent();
      await page.getByRole('button', { name: 'Name', exact: true }).click();
      await page.waitForFunction((before) => (globalThis as any).document.querySelector('table tbody tr')?.textContent !== before, firstBefore);
      sort.push(performance.now() - r0);

      const l0 = performance.now();
      const rowBefore = await page.locator('table tbody tr').first().textContent();
      for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Next page' }).click();
      await page.waitForFunction((before) => (globalThis as any).document.querySelector('table tbody tr')?.textContent !== before, rowBefore);
      lastPage.push(performance.now() - l0);
      await panel.close();
    }
    const ms = (x: number): string => `${x.toFixed(0).padStart(5)} ms`;
    console.log(`\nUsers screen with ${USERS} users (median of ${RUNS} runs in headless Chromium)`);
    console.log(`  navigation → first rows painted           ${ms(median(fromNavigation))}   (page clock: load, React, status + first page over IPC)`);
    console.log(`  new browser tab → first rows painted      ${ms(median(firstPaint))}   (adds the test browser's setup)`);
    console.log(`  search one user → the single row shown   ${ms(median(search))}   (includes the ~250 ms typing debounce)`);
    console.log(`  sort by name → first row changes         ${ms(median(sort))}`);
    console.log(`  three pages forward                       ${ms(median(lastPage))}`);
    console.log('Core query times (median, in-process):');
    console.log(`  listUsers page 1 (50, newest)             ${timeCore(() => controller.panel.listUsers({ limit: 50 })).toFixed(1)} ms`);
    console.log(`  listUsers search "user77777@"             ${timeCore(() => controller.panel.listUsers({ search: 'user77777@', limit: 50 })).toFixed(1)} ms`);
    console.log(`  listUsers sort by name                    ${timeCore(() => controller.panel.listUsers({ sort: 'name', limit: 50 })).toFixed(1)} ms`);
    console.log(`  listUsers status inactive                 ${timeCore(() => controller.panel.listUsers({ status: 'inactive', limit: 50 })).toFixed(1)} ms`);
    console.log(`  listUsers last page                       ${timeCore(() => controller.panel.listUsers({ offset: USERS - 50, limit: 50 })).toFixed(1)} ms`);
  } finally {
    await browser.close();
    served.server.close();
    await controller.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
