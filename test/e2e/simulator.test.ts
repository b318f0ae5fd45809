/**
 * The simulator and the fault drill in the panel (issue 13), in real headless Chromium over the
 * real controller: the simulation runs for real against the controller's own SCIM server,
 * through the public URL (a localtunnel tunnel on tools/tunnel-server.ts, on loopback) or to
 * 127.0.0.1. No public host is reached.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationReport } from '../../contract/model';
import { localhostLookup } from '../../tools/public-fetch';
import { ScimClient } from '../../tools/scim-client';
import { TestTunnelServer } from '../../tools/tunnel-server';
import { type Panel, launchChromium, openPanel, serveRenderer } from '../../tools/panel-harness';
import { FAST_TUNNEL, type TestController, startController, verified, waitForStatus } from '../support/controller';

let served: Awaited<ReturnType<typeof serveRenderer>>;
let browser: Browser;
let t: TestController;
let panel: Panel;
let tunnels: TestTunnelServer;
let page: Page;
let okta: ScimClient;

beforeAll(async () => {
  served = await serveRenderer();
  browser = await launchChromium();
  tunnels = await TestTunnelServer.start();
  // The agreed seam: the check from outside resolves the test tunnel server's *.localhost names to loopback.
  t = await startController({ tunnel: { mode: 'localtunnel', host: tunnels.hostUrl }, tunnelTiming: FAST_TUNNEL, publicCheck: { lookup: localhostLookup, timeoutMs: 5_000 } });
  const { token } = await t.controller.core.connections.setEnabled('okta', true);
  okta = new ScimClient(`${t.controller.status().server.localUrl}/scim/v2`, `Bearer ${token}`);
  await waitForStatus(t.controller, verified, 20_000, 'the tunnel to come online');
  panel = await openPanel(browser, served.url, t.controller);
  page = panel.page;
}, 120_000);

afterAll(async () => {
  await panel?.close();
  await browser?.close();
  served?.server.close();
  await t?.stop();
  await tunnels?.close();
});

const go = (hash: string): Promise<void> =>
  page.evaluate((h) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = h;
  }, hash);
const status = () => t.controller.status();
const card = (): Locator => page.getByRole('region', { name: 'Simulate Okta' });
const runButton = (): Locator => card().getByRole('button', { name: /Run simulation|Simulating/ });
const steps = (): Locator => card().getByRole('list', { name: 'Steps of the Okta simulation' }).getByRole('listitem');
const banner = (): Locator => page.locator('.fault-drill-banner');

async function openOkta(): Promise<void> {
  await go('/scim/okta');
  await card().waitFor();
}

/**
 * Records, in the page, every change of the number of steps shown together with whether Run
 * was disabled then: proof that steps appeared while the run was still on.
 */
async function watchSteps(): Promise<void> {
  await page.evaluate(`(() => {
    const seen = (window.__simSeen = []);
    const read = () => {
      const region = [...document.querySelectorAll('section')].find((s) => s.querySelector('h2')?.textContent === 'Simulate Okta');
      if (!region) return;
      const n = region.querySelectorAll('.sim-step').length;
      const run = [...region.querySelectorAll('button')].find((b) => /Run simulation|Simulating/.test(b.textContent));
      const last = seen[seen.length - 1];
      if (!last || last.n !== n) seen.push({ n, disabled: !!run?.disabled });
    };
    new MutationObserver(read).observe(document.body, { subtree: true, childList: true });
    read();
  })()`);
}

async function arm(kind: '429 Too Many Requests, with Retry-After' | '503 Service Unavailable, with Retry-After', count: number, retryAfter: number): Promise<void> {
  const drill = page.getByRole('region', { name: 'Fault drill' });
  await drill.getByLabel('Answer with').selectOption({ label: kind });
  await drill.getByRole('spinbutton', { name: 'Requests' }).fill(String(count));
  await drill.getByRole('spinbutton', { name: 'Retry-After (s)' }).fill(String(retryAfter));
  await drill.getByRole('button', { name: 'Arm' }).click();
  await expect.poll(() => status().faultDrills.length).toBe(1);
}

describe('Simulate Okta', () => {
  it('runs "All" through the public URL: steps appear live, the report passes, the export matches, records read "Okta (simulated)" and Remove puts the counts back', async () => {
    const before = status().counts;
    await openOkta();
    // The public URL is configured (the tunnel): it is the default route.
    expect(await card().getByRole('radio', { name: 'Public URL' }).isChecked()).toBe(true);
    await card().getByRole('spinbutton', { name: 'Users to import' }).fill('5');
    await watchSteps();
    await runButton().click();

    await card().getByText('The Okta simulation passed').waitFor({ timeout: 90_000 });
    const report = status().simulation as SimulationReport;
    expect(report.state).toBe('passed');
    expect(report.through).toBe('public');
    expect(report.baseUrl).toContain(new URL(status().publicUrl!).host);
    // Live: at some point steps were on screen while Run was still disabled, fewer than at the end.
    const seen = (await page.evaluate('window.__simSeen')) as { n: number; disabled: boolean }[];
    expect(seen.some((s) => s.n > 0 && s.n < report.steps.length && s.disabled)).toBe(true);
    expect(await runButton().isDisabled()).toBe(false);

    expect(await steps().count()).toBe(report.steps.length);
    expect(await card().locator('.sim-step.is-failed').count()).toBe(0);
    await card().getByText(report.summary).waitFor();
    expect(await steps().first().textContent()).toContain(report.steps[0]!.name);

    // A step opens on its request, with the credential redacted.
    await steps().nth(1).locator('summary').click();
    const exchange = steps().nth(1).locator('.sim-exchange');
    await exchange.waitFor();
    expect(await exchange.textContent()).toContain(report.steps[1]!.request.url);
    expect(await exchange.textContent()).not.toMatch(/Bearer [A-Za-z0-9_-]{16,}/);

    const [download] = await Promise.all([page.waitForEvent('download'), card().getByRole('button', { name: 'Export report (JSON)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.json$/);
    const exported = JSON.parse(await readFile((await download.path())!, 'utf8')) as SimulationReport;
    expect(exported.id).toBe(report.id);
    expect(exported.steps.map((s) => [s.name, s.verdict, s.response?.status])).toEqual(report.steps.map((s) => [s.name, s.verdict, s.response?.status]));

    // What the run left in the directory reads as the simulator's.
    const after = status().counts;
    expect(after.users + after.groups).toBeGreaterThan(before.users + before.groups);
    await go('/users');
    await page.getByRole('cell', { name: 'Okta (simulated)' }).first().waitFor();
    // Activity marks the simulator's requests (the real IdP's are not).
    await go('/activity?connection=okta');
    await page.getByText('simulated', { exact: true }).locator('visible=true').first().waitFor();

    await openOkta();
    await card().getByRole('button', { name: 'Remove simulated records' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove the simulated records?' });
    await dialog.waitFor();
    // Asked first: nothing is removed before Remove is confirmed.
    expect(status().counts.users).toBe(after.users);
    await dialog.getByRole('button', { name: 'Remove' }).click();
    const removed = card().getByRole('status').filter({ hasText: 'Simulated records removed' });
    await removed.waitFor();
    expect(await removed.textContent()).toContain(`${after.users - before.users} user`);
    await expect.poll(() => status().counts).toEqual(before);
  }, 150_000);

  it('a failing run (a 503 drill on every request): the failed step shows what Okta would conclude and the fix', async () => {
    await openOkta();
    await arm('503 Service Unavailable, with Retry-After', 1000, 0);
    await card().getByLabel('Scenario').selectOption({ label: 'Test API credentials' });
    await card().getByRole('radio', { name: 'This computer' }).check();
    await runButton().click();

    await card().getByText('The Okta simulation failed').waitFor({ timeout: 90_000 });
    const report = status().simulation as SimulationReport;
    expect(report.state).toBe('failed');
    const failed = report.steps.find((s) => s.verdict === 'failed')!;
    const shown = card().locator('.sim-step.is-failed').first();
    expect(await shown.textContent()).toContain(failed.name);
    await shown.getByText(failed.conclusion!).waitFor();
    await shown.getByText(failed.fix!).waitFor();
    await card().getByRole('alert').filter({ hasText: report.summary }).waitFor();

    await banner().getByRole('button', { name: 'Stop the fault drill on Okta' }).click();
    await expect.poll(() => status().faultDrills.length).toBe(0);
  }, 120_000);
});

describe('Fault drill', () => {
  it('arming shows the banner with what remains, Activity marks the drilled answers, Stop removes the banner', async () => {
    await openOkta();
    await arm('429 Too Many Requests, with Retry-After', 3, 7);
    await banner().waitFor();
    expect(await banner().textContent()).toContain('Fault drill armed on Okta');
    expect(await banner().textContent()).toContain('3 requests left');

    // The real IdP's request (the real token) gets the drill's answer.
    const res = await okta.get('/Users?count=1');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    await expect.poll(() => banner().textContent()).toContain('2 requests left');

    // The banner is across the app: on Activity too, where the answer is marked.
    await go('/activity');
    await banner().waitFor();
    await page.getByText('fault drill 429').first().waitFor();

    await banner().getByRole('button', { name: 'Stop the fault drill on Okta' }).click();
    await banner().waitFor({ state: 'detached' });
    expect(status().faultDrills).toEqual([]);
    expect((await okta.get('/Users?count=1')).status).toBe(200);
  }, 60_000);
});

describe('Simulate without a public URL', () => {
  it('defaults to This computer, says why the public URL is not available, and the run passes locally', async () => {
    const local = await startController();
    const other = await openPanel(browser, served.url, local.controller);
    try {
      await local.controller.core.connections.setEnabled('entra', true);
      await other.page.evaluate(() => void ((globalThis as unknown as { location: { hash: string } }).location.hash = '/scim/entra'));
      const entra = other.page.getByRole('region', { name: 'Simulate Microsoft Entra ID' });
      await entra.waitFor();
      expect(await entra.getByRole('radio', { name: 'This computer' }).isChecked()).toBe(true);
      expect(await entra.getByText(/Not available now: no public URL is set/).count()).toBe(1);
      await entra.getByLabel('Scenario').selectOption({ label: 'Entra ID request shapes' });
      await entra.getByRole('button', { name: 'Run simulation' }).click();
      await entra.getByText('The Microsoft Entra ID simulation passed').waitFor({ timeout: 60_000 });
      expect(local.controller.status().simulation?.through).toBe('local');
    } finally {
      await other.close();
      await local.stop();
    }
  }, 90_000);
});
