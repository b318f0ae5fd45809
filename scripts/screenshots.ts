/**
 * `npm run screenshots [-- --out DIR]` (default resources/screenshots): pictures of every panel
 * screen with realistic data, for
 * people to look at. It starts the real controller on a throwaway data folder, provisions a few
 * hundred users and groups through real SCIM requests as Okta and Entra ID would send them,
 * publishes it through a localtunnel-protocol server on 127.0.0.1, opens the built panel in
 * headless Chromium (bound to the real IPC handlers) and writes two PNGs per screen: light, and
 * dark (`-dark.png`, the system asking for prefers-color-scheme: dark). The Public URL shots
 * stay on loopback too: the check from outside passes through the test tunnel (its
 * `*.localhost` names resolved to 127.0.0.1), fails against a stand-in server that is not
 * ScimDesk, and the failing tunnel points at a closed local port.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { Controller } from '../server/controller/controller';
import { FileSecretStore } from '../server/secrets/file-store';
import { launchChromium, openPanel, ROOT, serveRenderer } from '../tools/panel-harness';
import { ScimClient } from '../tools/scim-client';
import { localhostLookup } from '../tools/public-fetch';
import { seedDirectory } from '../tools/seed';
import { TestTunnelServer } from '../tools/tunnel-server';

const { values } = parseArgs({ options: { out: { type: 'string' }, users: { type: 'string' }, groups: { type: 'string' } } });
const OUT = resolve(values.out ?? join(ROOT, 'resources', 'screenshots'));

/** The screen as it is, once in each theme the system can ask for: `name.png` and `name-dark.png` (`where`: the route, for the log). */
async function capture(page: Page, name: string, where?: string): Promise<void> {
  for (const [theme, file] of [['light', `${name}.png`], ['dark', `${name}-dark.png`]] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.waitForTimeout(400); // the buttons' colour transitions run on a theme switch too
    await page.screenshot({ path: join(OUT, file), fullPage: false });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  console.log(`  ${name}.png, ${name}-dark.png${where ? `  (#${where})` : ''}`);
}

/** Opens the panel's route `hash` (as a click in the sidebar would). */
async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = h;
  }, hash);
}

/** Waits (up to 10 s) for the last toast to leave, so that it covers nothing in the next shot. */
async function toastGone(page: Page): Promise<void> {
  await page.waitForSelector('.toast', { state: 'detached', timeout: 10_000 }).catch(() => undefined);
}

async function shoot(page: Page, name: string, hash: string, ready: string): Promise<void> {
  await go(page, hash);
  await page.waitForSelector(ready, { timeout: 15_000 });
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
  await capture(page, name, hash);
}

/** The Simulate Okta card scrolled into view, after a run that passed and one that failed. */
async function simulationShots(page: Page): Promise<void> {
  const hash = '/scim/okta';
  await go(page, hash);
  const card = page.getByRole('region', { name: 'Simulate Okta' });
  await card.waitFor();
  await card.getByRole('spinbutton', { name: 'Users to import' }).fill('10');
  await card.getByRole('button', { name: 'Run simulation' }).click();
  await card.getByText('The Okta simulation passed').waitFor({ timeout: 120_000 });
  await toastGone(page);
  await card.locator('.sim-report').scrollIntoViewIfNeeded();
  await capture(page, '24-simulation-passed', hash);

  const drill = page.getByRole('region', { name: 'Fault drill' });
  await drill.getByLabel('Answer with').selectOption({ label: '503 Service Unavailable, with Retry-After' });
  await drill.getByRole('spinbutton', { name: 'Requests' }).fill('1000');
  await drill.getByRole('spinbutton', { name: 'Retry-After (s)' }).fill('0');
  await drill.getByRole('button', { name: 'Arm' }).click();
  await card.getByLabel('Scenario').selectOption({ label: 'Test API credentials' });
  await card.getByRole('button', { name: 'Run simulation' }).click();
  await card.getByText('The Okta simulation failed').waitFor({ timeout: 120_000 });
  await toastGone(page);
  await card.locator('.sim-step.is-failed').first().scrollIntoViewIfNeeded();
  await capture(page, '25-simulation-failed', hash);
  // The drill is still armed: its banner at the top of every screen.
  await page.evaluate(() => (globalThis as unknown as { document: { getElementById(id: string): { scrollTo(o: { top: number }): void } | null } }).document.getElementById('main')?.scrollTo({ top: 0 }));
  await page.locator('.fault-drill-banner').waitFor();
  await capture(page, '26-fault-drill-banner', hash);
  await page.locator('.fault-drill-banner').getByRole('button', { name: 'Stop the fault drill on Okta' }).click();
  await card.getByRole('button', { name: 'Remove simulated records' }).click();
  await page.getByRole('dialog', { name: 'Remove the simulated records?' }).getByRole('button', { name: 'Remove' }).click();
  await card.getByText('Simulated records removed').waitFor();
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-shots-'));
  const tunnel = await TestTunnelServer.start();
  const controller = await Controller.start({ dataDir, secretStore: new FileSecretStore(dataDir), port: 0, tunnel: { mode: 'localtunnel', host: tunnel.hostUrl, subdomain: 'acme-scim' }, publicCheck: { lookup: localhostLookup } });
  const served = await serveRenderer();
  const browser = await launchChromium();
  try {
    console.log('Provisioning demo data through SCIM…');
    const seeded = await seedDirectory(controller, { users: Number(values.users ?? 320), groups: Number(values.groups ?? 42) });
    const panel = await openPanel(browser, served.url, controller);
    const { page } = panel;
    console.log(`Writing screenshots to ${OUT}`);
    await shoot(page, '01-app-integrations-scim', '/scim', 'text=Microsoft Entra ID');
    await shoot(page, '02-okta-connection', '/scim/okta', 'text=SCIM URL');
    await shoot(page, '03-entra-connection', '/scim/entra', 'text=SCIM URL');
    await shoot(page, '04-users', '/users', 'table tbody tr');
    await shoot(page, '05-user-detail', `/users/${seeded.sampleUserId}`, '[aria-label="User details"]');
    await shoot(page, '06-groups', '/groups', 'table tbody tr');
    await shoot(page, '07-group-detail', `/groups/${seeded.sampleGroupId}`, '[aria-label="Group details"]');
    await shoot(page, '08-activity', '/activity', 'table tbody tr');
    const [entry] = await controller.panel.listActivity({ action: 'Deactivate user', limit: 1 });
    await shoot(page, '09-activity-detail', `/activity/${entry?.seq ?? 1}`, '[aria-label="Request details"]');
    // The activity log's new views: an error with its explanation, and a user's History.
    const [failed] = await controller.panel.listActivity({ status: 'client-error', limit: 1 });
    await shoot(page, '14-activity-error-detail', `/activity/${failed?.seq ?? 1}`, '[aria-label="Request details"]');
    await go(page, `/users/${seeded.sampleUserId}`);
    await page.waitForSelector('#user-history');
    // Scrolls the pane (only) to the History section and opens its first diff. A string: the scripts' types have no DOM.
    await page.evaluate(`(() => {
      const pane = document.querySelector('.detail-scroll');
      const section = document.getElementById('user-history').closest('section');
      pane.scrollTop += section.getBoundingClientRect().top - pane.getBoundingClientRect().top - 8;
      section.querySelectorAll('details')[1]?.setAttribute('open', '');
    })()`);
    await page.waitForTimeout(300);
    await capture(page, '15-user-history');
    // Disabled, then a new token: the confirmation, and the token shown once.
    await controller.core.connections.setEnabled('entra', false);
    await shoot(page, '10-entra-disabled', '/scim/entra', '[role="switch"]');
    await controller.core.connections.setEnabled('entra', true);
    await shoot(page, '11-okta-before-new-token', '/scim/okta', 'text=SCIM URL');
    await page.getByRole('button', { name: 'New SCIM Token' }).click();
    await page.getByRole('dialog').waitFor();
    await capture(page, '12-new-token-confirmation');
    await page.getByRole('button', { name: 'Generate new token' }).click();
    await page.waitForSelector('text=The newly generated token will be shown only once');
    await capture(page, '13-token-shown-once');
    // Leaving before the token is saved asks first (the leave-guard); Stay, then saved.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Users/ }).click();
    await page.getByRole('dialog', { name: 'Leave without saving the token?' }).waitFor();
    await capture(page, '13b-leave-guard');
    await page.getByRole('button', { name: 'Stay' }).click();
    await page.getByRole('button', { name: 'I have saved the token' }).click();
    // Okta still sends the token that was just replaced: refused aggregates, and the tile's health.
    await toastGone(page);
    const stale = new ScimClient(`${controller.status().server.localUrl}/scim/v2`, `Bearer ${seeded.oktaToken}`);
    for (let i = 0; i < 4; i++) await stale.get('/Users?filter=userName%20eq%20%22ada.lovelace%40acme.example%22');
    await shoot(page, '16-scim-health-old-token', '/scim', 'text=Enabled · old token');
    await shoot(page, '17-activity-refused', '/activity/refused', '.refused-item');
    // A rotation overlap: New SCIM Token with "the old token keeps working for 1 hour"; both tokens listed.
    await go(page, '/scim/okta');
    await page.getByRole('button', { name: 'New SCIM Token' }).click();
    await page.getByRole('radio', { name: '1 hour' }).check();
    await capture(page, '18-rotation-overlap-choice');
    await page.getByRole('button', { name: 'Generate new token' }).click();
    await page.getByRole('button', { name: 'I have saved the token' }).click();
    await page.waitForSelector('text=End overlap now');
    await toastGone(page);
    await capture(page, '19-rotation-overlap');
    await page.getByRole('button', { name: 'End overlap now' }).click();
    await page.getByRole('dialog', { name: 'End the overlap now?' }).getByRole('button', { name: 'End overlap' }).click();

    // The Public URL place: the check from outside passed through the tunnel, then failed
    // against something that is not ScimDesk, then a tunnel that cannot connect.
    await toastGone(page);
    await shoot(page, '20-public-url-check-passed', '/scim/public-url', 'text=one-time code verified');
    // The simulator (issue 13): a run through the tunnel that passes, then one that fails
    // because a fault drill answers 503 to every request (the banner shows across the app).
    await simulationShots(page);
    const impostor = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
    await new Promise<void>((done) => impostor.listen(0, '127.0.0.1', done));
    const impostorUrl = `http://scim.localhost:${(impostor.address() as AddressInfo).port}`;
    await controller.endpoint.configure({ mode: 'external', publicUrl: impostorUrl });
    await shoot(page, '21-public-url-check-failed', '/scim/public-url', '.check-steps >> text=Failed');
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));
    impostor.close();
    await controller.endpoint.configure({ mode: 'localtunnel', host: `http://localhost:${closedPort}`, subdomain: 'acme-scim' });
    await shoot(page, '22-public-url-tunnel-error', '/scim/public-url', 'text=Retry now');
    await shoot(page, '23-okta-tunnel-error', '/scim/okta', 'text=Okta cannot reach this URL');
    if (panel.problems.length) console.log(`Page problems: ${panel.problems.join('\n')}`);
    await panel.close();
  } finally {
    await browser.close();
    served.server.close();
    await controller.stop();
    await tunnel.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
