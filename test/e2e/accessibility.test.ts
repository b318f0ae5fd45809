/**
 * Keyboard and screen-reader basics of every screen, in real Chromium over the real core with
 * realistic data: axe-core finds no serious or critical violation (labels, roles, contrast,
 * names); the lists work from the keyboard; and a core that failed to start shows its reason
 * instead of a blank window.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_TUNNEL, type TestController, startController, waitForStatus } from '../support/controller';
import { type PanelSession, startPanelSession } from '../support/panel-session';
import { openPanel } from '../../tools/panel-harness';
import { type Seeded, seedDirectory } from '../../tools/seed';
import { oktaUser } from '../../tools/idp/okta';
import { ScimClient } from '../../tools/scim-client';
import { type AxeViolation, seriousViolations } from '../support/axe';

let session: PanelSession;
let t: TestController;
let seeded: Seeded;
let page: Page;

beforeAll(async () => {
  session = await startPanelSession(async (started) => {
    seeded = await seedDirectory(started.controller, { users: 40, groups: 6 });
  });
  ({ t, page } = session);
}, 120_000);

afterAll(async () => session?.close());

async function go(hash: string, ready: string): Promise<void> {
  await session.go(hash);
  await page.locator(ready).first().waitFor();
  await page.waitForTimeout(200);
}

const violations = (on: Page = page): Promise<AxeViolation[]> => seriousViolations(on);

/** WCAG relative luminance of a computed `rgb(…)` colour: 0 is black, 1 is white. */
function luminance(rgb: string): number {
  const [r, g, b] = (rgb.match(/[\d.]+/g) ?? []).slice(0, 3).map((c) => {
    const v = Number(c) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

describe('the theme follows the system (prefers-color-scheme)', () => {
  afterAll(() => page.emulateMedia({ colorScheme: 'light' }));

  it('dark: a dark page with light text; light again when the system switches back', async () => {
    await go('/users', 'table tbody tr');
    const colours = () =>
      page.evaluate(() => {
        const g = globalThis as any;
        const style = (sel: string) => g.getComputedStyle(g.document.querySelector(sel));
        return { page: style('html').backgroundColor as string, text: style('tbody td').color as string };
      });
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await colours();
    expect(luminance(dark.page)).toBeLessThan(0.05);
    expect(luminance(dark.text)).toBeGreaterThan(0.5);
    await page.emulateMedia({ colorScheme: 'light' });
    const light = await colours();
    expect(luminance(light.page)).toBeGreaterThan(0.8);
    expect(luminance(light.text)).toBeLessThan(0.1);
  });
});

describe.each(['light', 'dark'] as const)('every screen passes axe-core in the %s theme (no serious or critical violations)', (theme) => {
  beforeAll(() => page.emulateMedia({ colorScheme: theme }));
  afterAll(() => page.emulateMedia({ colorScheme: 'light' }));

  it.each([
    ['App Integrations › SCIM', '/scim', 'text=Microsoft Entra ID'],
    ['App Integrations › SCIM › Public URL', '/scim/public-url', 'text=Check from outside'],
    ['Okta connection', '/scim/okta', 'text=SCIM URL'],
    ['Entra connection', '/scim/entra', 'text=SCIM URL'],
    ['Users', '/users', 'table tbody tr'],
    ['Groups', '/groups', 'table tbody tr'],
    ['Activity', '/activity', 'table tbody tr'],
    ['Activity, refused requests', '/activity/refused', '.refused-item'],
  ])('%s', async (_name, hash, ready) => {
    await go(hash, ready);
    const found = await violations();
    expect(found.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
  });

  it('detail panes too', async () => {
    for (const [hash, region] of [
      [`/users/${seeded.sampleUserId}`, '[aria-label="User details"]'],
      [`/groups/${seeded.sampleGroupId}`, '[aria-label="Group details"]'],
      [`/activity/${(await t.controller.panel.listActivity({ limit: 1 }))[0]!.seq}`, '[aria-label="Request details"]'],
    ] as const) {
      await go(hash, region);
      expect((await violations()).map((v) => `${hash}: ${v.id} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
    }
  });

  it('the "N new — show" bar, and Activity paused', async () => {
    // A token of its own: the token test below (in the other theme too) replaces the seeded one.
    const { token } = await t.controller.core.connections.rotateToken('okta');
    const okta = new ScimClient(`${t.controller.status().server.localUrl}/scim/v2`, `Bearer ${token}`);
    await go('/users', 'table tbody tr');
    expect((await okta.post('/Users', oktaUser(`axe.${theme}@example.com`))).status).toBe(201);
    await page.getByRole('button', { name: /new — show$/ }).waitFor({ timeout: 10_000 });
    expect((await violations()).map((v) => v.id)).toEqual([]);

    await go('/activity', 'table tbody tr');
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    // A create (not a bare GET, whose details pane axe flags on its own: see the report).
    expect((await okta.post('/Users', oktaUser(`axe.paused.${theme}@example.com`))).status).toBe(201);
    await page.getByRole('button', { name: /new — show$/ }).waitFor({ timeout: 10_000 });
    expect((await violations()).map((v) => v.id)).toEqual([]);
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
  });

  it('the token dialogs, the leave question and a rotation overlap (both tokens, the "previous token" badge)', async () => {
    const axeIds = async (): Promise<string[]> => (await violations()).map((v) => `${v.id} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    const oldToken = (await t.controller.core.connections.rotateToken('okta')).token;
    await go('/scim/okta', 'text=SCIM URL');
    await page.getByRole('button', { name: 'New SCIM Token' }).click();
    const rotate = page.getByRole('dialog', { name: 'Generate a new SCIM token?' });
    await rotate.getByRole('radio', { name: '1 hour' }).check();
    expect(await axeIds()).toEqual([]);
    await rotate.getByRole('button', { name: 'Generate new token' }).click();
    await page.getByRole('button', { name: 'I have saved the token' }).waitFor();
    await page.getByRole('group', { name: 'Previous token' }).waitFor();
    expect(await axeIds()).toEqual([]);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Users/ }).click();
    const leave = page.getByRole('dialog', { name: 'Leave without saving the token?' });
    await leave.waitFor();
    expect(await axeIds()).toEqual([]);
    await leave.getByRole('button', { name: 'Stay' }).click();
    await page.getByRole('button', { name: 'I have saved the token' }).click();
    await page.getByRole('group', { name: 'Current token' }).waitFor();
    expect(await axeIds()).toEqual([]);

    await page.getByRole('switch', { name: 'Enable Okta provisioning' }).click();
    const disable = page.getByRole('dialog', { name: 'Turn off Okta provisioning?' });
    await disable.waitFor();
    expect(await axeIds()).toEqual([]);
    await disable.getByRole('button', { name: 'Cancel' }).click();

    expect((await new ScimClient(t.controller.status().scimUrl!, `Bearer ${oldToken}`).get('/Groups')).status).toBe(200);
    await go('/activity?connection=okta', 'table tbody tr');
    // The badge in the Connection column (the narrow layout's copy inside the request cell is hidden).
    await page.getByText('previous token').locator('visible=true').first().waitFor();
    expect(await axeIds()).toEqual([]);

    await go('/scim/okta', 'text=SCIM URL');
    await page.getByRole('button', { name: 'End overlap now' }).click();
    const end = page.getByRole('dialog', { name: 'End the overlap now?' });
    await end.waitFor();
    expect(await axeIds()).toEqual([]);
    await end.getByRole('button', { name: 'End overlap' }).click();
    await expect.poll(() => page.getByRole('group', { name: 'Previous token' }).count()).toBe(0);
  });
});

describe('the Public URL place and a provider page with a failing tunnel (its sentence, fix and Retry now; the cannot-reach banner)', () => {
  let failing: TestController;
  let other: Awaited<ReturnType<typeof openPanel>>;

  beforeAll(async () => {
    failing = await startController({ tunnel: { mode: 'localtunnel', host: 'http://nohost.invalid' }, tunnelTiming: { ...FAST_TUNNEL, backoff: { initialMs: 120_000, maxMs: 120_000, jitter: 0 } } });
    await failing.controller.core.connections.setEnabled('okta', true);
    await waitForStatus(failing.controller, (s) => s.tunnel.nextRetryAt !== null, 15_000, 'the tunnel to wait for its next attempt');
    other = await openPanel(session.browser, session.served.url, failing.controller);
  }, 60_000);

  afterAll(async () => {
    await other?.close();
    await failing?.stop();
  });

  it.each(['light', 'dark'] as const)('%s theme', async (theme) => {
    await other.page.emulateMedia({ colorScheme: theme });
    for (const [hash, ready] of [
      ['/scim/public-url', 'text=Retry now'],
      ['/scim/okta', 'text=Okta cannot reach this URL'],
    ] as const) {
      await other.page.evaluate((h) => ((globalThis as any).location.hash = h), hash);
      await other.page.locator(ready).first().waitFor();
      expect((await violations(other.page)).map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
    }
  });

});

describe('keyboard', () => {
  it('reaches the users table with Tab, moves with the arrows, opens a user with Enter, closes with Escape', async () => {
    await go('/users', 'table tbody tr');
    await page.getByLabel('Search users').focus();
    let reachedRow = false;
    for (let i = 0; i < 15 && !reachedRow; i++) {
      await page.keyboard.press('Tab');
      reachedRow = await page.evaluate(() => (globalThis as any).document.activeElement?.closest('tbody tr') !== null);
    }
    expect(reachedRow).toBe(true);
    await page.keyboard.press('ArrowDown');
    const focused = await page.evaluate(() => (globalThis as any).document.activeElement?.textContent as string);
    await page.keyboard.press('Enter');
    const details = page.getByRole('region', { name: 'User details' });
    await details.waitFor();
    const userName = focused.split('@')[0]!;
    await expect.poll(() => details.textContent()).toContain(userName);
    await page.keyboard.press('Escape');
    await expect.poll(() => details.count()).toBe(0);
  });

  it('the New SCIM Token dialog takes the focus and Escape cancels it without a new token', async () => {
    await go('/scim/okta', 'text=SCIM URL');
    const before = t.controller.status().connections.find((c) => c.name === 'okta')!.tokenCreatedAt;
    await page.getByRole('button', { name: 'New SCIM Token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Generate a new SCIM token?' });
    await dialog.waitFor();
    expect(await page.evaluate(() => !!(globalThis as any).document.activeElement?.closest('[role="dialog"]'))).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(t.controller.status().connections.find((c) => c.name === 'okta')!.tokenCreatedAt).toBe(before);
  });
});

describe('when the core cannot start', () => {
  it('shows the reason, not a blank window', async () => {
    const failed = await openPanel(session.browser, session.served.url, t.controller, undefined, () => ({ failure: 'The database was written by a newer ScimDesk (schema 9; this version knows up to 2). It was not changed; update ScimDesk to open it.' }));
    try {
      await failed.page.getByText('The database was written by a newer ScimDesk').waitFor();
      expect(await failed.page.getByRole('alert').count()).toBeGreaterThan(0);
    } finally {
      await failed.close();
    }
  });
});

describe('the simulator (issue 13): its card, a passed and a failed report with a step opened, and the fault drill banner', () => {
  afterAll(() => page.emulateMedia({ colorScheme: 'light' }));

  it.each(['light', 'dark'] as const)('%s theme', async (theme) => {
    await page.emulateMedia({ colorScheme: theme });
    const axeIds = async (): Promise<string[]> => (await violations()).map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
    const card = page.getByRole('region', { name: 'Simulate Okta' });
    await go('/scim/okta', 'text=Simulate Okta');
    expect(await axeIds()).toEqual([]);

    await card.getByLabel('Scenario').selectOption({ label: 'Test API credentials' });
    await card.getByRole('button', { name: 'Run simulation' }).click();
    await card.getByText('The Okta simulation passed').waitFor({ timeout: 60_000 });
    await card.locator('.sim-step summary').first().click();
    await card.locator('.sim-exchange').first().waitFor();
    expect(await axeIds()).toEqual([]);

    // A 503 on every request: the run fails, the banner is up across the app.
    const drill = page.getByRole('region', { name: 'Fault drill' });
    await drill.getByLabel('Answer with').selectOption({ label: '503 Service Unavailable, with Retry-After' });
    await drill.getByRole('spinbutton', { name: 'Requests' }).fill('1000');
    await drill.getByRole('spinbutton', { name: 'Retry-After (s)' }).fill('0');
    await drill.getByRole('button', { name: 'Arm' }).click();
    await page.locator('.fault-drill-banner').waitFor();
    await card.getByRole('button', { name: 'Run simulation' }).click();
    await card.getByText('The Okta simulation failed').waitFor({ timeout: 60_000 });
    await card.locator('.sim-step.is-failed summary').first().click();
    expect(await axeIds()).toEqual([]);

    await page.locator('.fault-drill-banner').getByRole('button', { name: 'Stop the fault drill on Okta' }).click();
    await page.locator('.fault-drill-banner').waitFor({ state: 'detached' });
  }, 150_000);
});
