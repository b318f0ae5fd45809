/**
 * Issue 12, points 4–6: the token is never lost by accident, in real Chromium over the real core
 * (real SQLite, real keychain, real SCIM server on loopback).
 * 4. While a new token is on screen, leaving (a sidebar link, Back, another IdP's page, reloading)
 *    asks first; Stay keeps the token and the URL, Leave goes.
 * 5. Turning provisioning off asks first; a disabled connection keeps showing its token's details.
 * 6. New SCIM Token is a labelled danger button whose dialog offers a rotation overlap (default
 *    "No time"); during an overlap both tokens are listed, the old one still works and the request
 *    log says so, and "End overlap now" stops it.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../../contract/model';
import type { TestController } from '../support/controller';
import { type PanelSession, startPanelSession } from '../support/panel-session';
import { ScimClient } from '../../tools/scim-client';

let session: PanelSession;
let t: TestController;
let page: Page;

beforeAll(async () => {
  session = await startPanelSession();
  ({ t, page } = session);
}, 120_000);

afterAll(async () => session?.close());

const okta = (): ConnectionStatus => t.controller.status().connections.find((c) => c.name === 'okta')!;
const hash = (): Promise<string> => page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash);
const focused = (l: Locator): Promise<boolean> => l.evaluate((el) => el === (el.ownerDocument as unknown as { activeElement: unknown }).activeElement);
const tokenField = (): Locator => page.getByRole('textbox', { name: 'SCIM Token', exact: true });
const leaveDialog = (): Locator => page.getByRole('dialog', { name: 'Leave without saving the token?' });

/** Asks to leave, answers Stay, and checks nothing moved: same URL, same token on screen. */
async function stayAfter(leave: () => Promise<unknown>, token: string): Promise<void> {
  await leave();
  const dialog = leaveDialog();
  await dialog.waitFor();
  expect(await dialog.textContent()).toContain('You cannot see it again');
  const stay = dialog.getByRole('button', { name: 'Stay' });
  expect(await focused(stay)).toBe(true);
  await stay.click();
  await expect.poll(() => dialog.count()).toBe(0);
  expect(await hash()).toBe('#/scim/okta');
  await page.getByRole('heading', { level: 1, name: 'Okta' }).waitFor();
  expect(await tokenField().inputValue()).toBe(token);
}

describe('4. leaving while a new token is on screen asks first', () => {
  let token: string;

  it('enabling Okta shows its token', async () => {
    await session.go('/scim');
    await page.getByRole('link', { name: /Okta/ }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Okta' }).waitFor();
    await page.getByRole('switch', { name: 'Enable Okta provisioning' }).click();
    await tokenField().waitFor();
    token = await tokenField().inputValue();
    expect(token).toMatch(/^scimdesk_/);
  });

  it('a sidebar link, Back, the breadcrumb and Entra’s page all ask; Stay keeps the token and the URL', async () => {
    await stayAfter(() => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Users/ }).click(), token);
    await stayAfter(() => page.goBack({ waitUntil: 'commit' }).catch(() => undefined), token);
    await stayAfter(() => page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'SCIM' }).click(), token);
    // Another IdP's page (the URL an in-app link or the address would set).
    await stayAfter(() => session.go('/scim/entra'), token);
  });

  it('reloading the window asks too (beforeunload), and dismissing keeps the token', async () => {
    const asked = page.waitForEvent('dialog');
    void page.evaluate(() => (globalThis as unknown as { location: { reload(): void } }).location.reload()).catch(() => undefined);
    const dialog = await asked;
    expect(dialog.type()).toBe('beforeunload');
    await dialog.dismiss();
    expect(await tokenField().inputValue()).toBe(token);
  });

  it('Leave goes where the user asked, and the token is gone', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Users/ }).click();
    await leaveDialog().getByRole('button', { name: 'Leave' }).click();
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    expect(await hash()).toBe('#/users');
    expect(await page.evaluate(() => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText)).not.toContain(token);
  });

  it('once the user says the token is saved, leaving does not ask', async () => {
    await session.go('/scim/okta');
    await page.getByRole('heading', { level: 1, name: 'Okta' }).waitFor();
    await page.getByRole('button', { name: 'New SCIM Token' }).click();
    await page.getByRole('dialog', { name: 'Generate a new SCIM token?' }).getByRole('button', { name: 'Generate new token' }).click();
    await tokenField().waitFor();
    await page.getByRole('button', { name: 'I have saved the token' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /Groups/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Groups' }).waitFor();
    expect(await leaveDialog().count()).toBe(0);
  });
});

describe('5. disabling asks first, and a disabled connection keeps its token’s details', () => {
  it('Cancel keeps it enabled, with focus back on the switch; confirming disables; the page still shows the token', async () => {
    await session.go('/scim/okta');
    await page.getByRole('heading', { level: 1, name: 'Okta' }).waitFor();
    const toggle = page.getByRole('switch', { name: 'Enable Okta provisioning' });
    await toggle.click();
    const dialog = page.getByRole('dialog', { name: 'Turn off Okta provisioning?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("Okta's requests are refused until you turn it on again; the token is kept");
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(okta().enabled).toBe(true);
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
    expect(await focused(toggle)).toBe(true);

    await toggle.click();
    await dialog.getByRole('button', { name: 'Turn off' }).click();
    await expect.poll(() => okta().enabled).toBe(false);
    await expect.poll(() => toggle.getAttribute('aria-checked')).toBe('false');
    await expect.poll(() => focused(toggle)).toBe(true);
    const created = okta().tokenCreatedAt!;
    const summary = page.getByRole('group', { name: 'SCIM Token' });
    await expect.poll(() => summary.locator(`time[datetime="${created}"]`).count()).toBe(1);
    await expect.poll(() => page.getByText(/Provisioning is paused/).count()).toBeGreaterThan(0);
    expect(await page.getByText('The first time you turn it on').count()).toBe(0);
  });
});

describe('6. New SCIM Token is destructive and offers a rotation overlap', () => {
  let oldToken: string;

  it('is a visible danger button whose dialog defaults to "No time"', async () => {
    await t.controller.core.connections.setEnabled('okta', true);
    oldToken = (await t.controller.core.connections.rotateToken('okta')).token;
    await session.go('/scim/okta');
    await page.getByRole('heading', { level: 1, name: 'Okta' }).waitFor();
    const button = page.getByRole('button', { name: 'New SCIM Token' });
    expect((await button.innerText()).trim()).toBe('New SCIM Token');
    expect(await button.getAttribute('class')).toMatch(/\bbtn-danger/);
    await button.click();
    const dialog = page.getByRole('dialog', { name: 'Generate a new SCIM token?' });
    const group = dialog.getByRole('radiogroup', { name: 'The old token keeps working for' });
    await group.waitFor();
    expect(await group.getByRole('radio', { name: 'No time' }).isChecked()).toBe(true);
    expect(await group.getByRole('radio', { name: '1 hour' }).isChecked()).toBe(false);
    expect(await group.getByRole('radio', { name: '24 hours' }).isChecked()).toBe(false);
    expect(await dialog.textContent()).toContain("Okta's provisioning fails until you paste the new token");
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  it('with 1 hour: both tokens are listed with the old one’s expiry; the old token still works and Activity says it was the previous one', async () => {
    await page.getByRole('button', { name: 'New SCIM Token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Generate a new SCIM token?' });
    await dialog.getByRole('radio', { name: '1 hour' }).check();
    await dialog.getByRole('button', { name: 'Generate new token' }).click();
    await tokenField().waitFor();
    const newToken = await tokenField().inputValue();
    await page.getByRole('button', { name: 'I have saved the token' }).click();

    await expect.poll(() => okta().previousToken !== null).toBe(true);
    const previous = okta().previousToken!;
    const current = page.getByRole('group', { name: 'Current token' });
    const old = page.getByRole('group', { name: 'Previous token' });
    await current.locator(`time[datetime="${okta().tokenCreatedAt}"]`).waitFor();
    await old.locator(`time[datetime="${previous.expiresAt}"]`).waitFor();
    expect(await old.textContent()).toMatch(/Stops working at .+, in (59|60) min/);

    const scimUrl = t.controller.status().scimUrl!;
    expect((await new ScimClient(scimUrl, `Bearer ${oldToken}`).get('/Users')).status).toBe(200);
    expect((await new ScimClient(scimUrl, `Bearer ${newToken}`).get('/Groups')).status).toBe(200);
    await expect.poll(() => old.textContent(), { timeout: 10_000 }).toMatch(/Last used/);

    const recent = await t.controller.panel.listActivity({ limit: 5 });
    const byOld = recent.find((e) => /\/Users\b/.test(e.path))!;
    const byNew = recent.find((e) => /\/Groups\b/.test(e.path))!;
    await session.go('/activity?connection=okta');
    await page.getByRole('heading', { level: 1, name: 'Activity' }).waitFor();
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'previous token' }).count(), { timeout: 10_000 }).toBe(1);
    await session.go(`/activity/${byOld.seq}`);
    await expect.poll(() => page.getByRole('region', { name: 'Request details' }).textContent()).toMatch(/Token\s*Previous token/);
    await session.go(`/activity/${byNew.seq}`);
    await expect.poll(() => page.getByRole('region', { name: 'Request details' }).textContent()).toMatch(/Token\s*Current token/);
  });

  it('"End overlap now" asks, then the old token stops working', async () => {
    await session.go('/scim/okta');
    await page.getByRole('button', { name: 'End overlap now' }).click();
    const dialog = page.getByRole('dialog', { name: 'End the overlap now?' });
    await dialog.getByRole('button', { name: 'End overlap' }).click();
    await expect.poll(() => okta().previousToken).toBeNull();
    await expect.poll(() => page.getByRole('group', { name: 'Previous token' }).count()).toBe(0);
    expect((await new ScimClient(t.controller.status().scimUrl!, `Bearer ${oldToken}`).get('/Users')).status).toBe(401);
    expect(session.panel.problems).toEqual([]);
  });
});
