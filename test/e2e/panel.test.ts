/**
 * The admin panel end to end, in real headless Chromium with the app's CSP, bound to the real
 * IPC handlers over the real core: enable Okta → the token is shown once and can be copied →
 * Okta's create, deactivate and group-push requests over real HTTP → the users, groups and
 * activity screens show them without a reload → New SCIM Token → the old token gets 401 →
 * no token is visible anywhere any more.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oktaAddMembers, oktaDeactivate, oktaGroup, oktaRename, oktaUser } from '../../tools/idp/okta';
import type { TestController } from '../support/controller';
import { type PanelSession, startPanelSession } from '../support/panel-session';
import { ScimClient, patchOp } from '../../tools/scim-client';

let session: PanelSession;
let t: TestController;
let page: Page;

beforeAll(async () => {
  session = await startPanelSession();
  ({ t, page } = session);
}, 120_000);

afterAll(async () => session?.close());

const go = (hash: string): Promise<void> => session.go(hash);

/** Every piece of text the page shows, including form field values. */
async function everythingVisible(): Promise<string> {
  return page.evaluate(() => {
    const doc = (globalThis as any).document;
    const values = [...doc.querySelectorAll('input, textarea')].map((el: any) => el.value);
    return `${doc.body.innerText}\n${values.join('\n')}`;
  });
}

describe('Okta provisioning, seen in the panel', () => {
  let firstToken: string;
  let userId: string;

  it('shows both IdP tiles, Okta disabled', async () => {
    await go('/scim');
    const okta = page.getByRole('link', { name: /Okta/ }).first();
    await expect.poll(() => okta.textContent()).toContain('Disabled');
    await expect.poll(() => page.getByRole('link', { name: /Microsoft Entra ID/ }).count()).toBeGreaterThan(0);
  });

  it('enabling Okta shows the SCIM URL and the token once, with the warning; both copy', async () => {
    await page.getByRole('link', { name: /Okta/ }).first().click();
    await page.getByRole('heading', { level: 1, name: 'Okta' }).waitFor();
    const toggle = page.getByRole('switch', { name: 'Enable Okta provisioning' });
    expect(await toggle.getAttribute('aria-checked')).toBe('false');
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-checked')).toBe('true');

    await page.getByText('The newly generated token will be shown only once. Make sure to copy and save it.').waitFor();
    firstToken = await page.getByLabel('SCIM Token').inputValue();
    expect(firstToken).toMatch(/^scimdesk_[A-Za-z0-9_-]{43}$/);
    const scimUrl = await page.getByLabel('SCIM URL').inputValue();
    expect(scimUrl).toBe(t.controller.status().scimUrl);

    await page.getByRole('button', { name: 'Copy SCIM token' }).click();
    await expect.poll(() => page.evaluate(() => (globalThis as any).navigator.clipboard.readText())).toBe(firstToken);
    await page.getByRole('button', { name: 'Copy SCIM URL' }).click();
    await expect.poll(() => page.evaluate(() => (globalThis as any).navigator.clipboard.readText())).toBe(scimUrl);
    // The core itself can never give the token back.
    expect(JSON.stringify(t.controller.status())).not.toContain(firstToken);
    // Saved: leaving no longer asks (see token-safety.test.ts).
    await page.getByRole('button', { name: 'I have saved the token' }).click();
  });

  it('lists a user Okta creates without a reload, and shows the deactivation live', async () => {
    await go('/users');
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    const okta = new ScimClient(t.controller.status().scimUrl!, `Bearer ${firstToken}`);
    const created = await okta.post('/Users', oktaUser('live.user@example.com', { displayName: 'Live User' }));
    expect(created.status).toBe(201);
    userId = created.body.id;
    const row = page.getByRole('row', { name: /live\.user@example\.com/ });
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('Active');

    expect((await okta.patch(`/Users/${userId}`, oktaDeactivate)).status).toBe(200);
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('Deactivated');

    await row.click();
    const details = page.getByRole('region', { name: 'User details' });
    await details.waitFor();
    // Its History (the audit trail): created, then deactivated.
    await expect.poll(() => details.textContent()).toContain('active: true → false');
    expect(await details.locator('li.history-entry').first().textContent()).toContain('Created');
  });

  it('shows a group Okta pushes, with its member, without a reload', async () => {
    await go('/groups');
    await page.getByRole('heading', { level: 1, name: 'Groups' }).waitFor();
    const okta = new ScimClient(t.controller.status().scimUrl!, `Bearer ${firstToken}`);
    const group = await okta.post('/Groups', oktaGroup('Live Sales'));
    expect(group.status).toBe(201);
    const push = await okta.patch(`/Groups/${group.body.id}`, patchOp(oktaRename(group.body.id, 'Live Sales'), oktaAddMembers([{ value: userId, display: 'live.user@example.com' }])));
    expect(push.status).toBe(204);
    const row = page.getByRole('row', { name: /Live Sales/ });
    await row.waitFor({ timeout: 10_000 });
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toMatch(/\b1\b/);
    await row.click();
    const details = page.getByRole('region', { name: 'Group details' });
    await expect.poll(() => details.textContent(), { timeout: 10_000 }).toContain('live.user@example.com');
  });

  it('logs the IdP actions live, with what was normalised', async () => {
    await go('/activity');
    await page.getByRole('heading', { level: 1, name: 'Activity' }).waitFor();
    for (const action of ['Create user', 'Deactivate user', 'Create group', 'Push group members']) {
      await page.getByRole('row', { name: new RegExp(action) }).first().waitFor({ timeout: 10_000 });
    }
    // Another request arrives while the log is open.
    const okta = new ScimClient(t.controller.status().scimUrl!, `Bearer ${firstToken}`);
    await okta.patch(`/Users/${userId}`, patchOp({ op: 'Replace', value: { active: 'True' } }));
    const reactivated = page.getByRole('row', { name: /Reactivate user/ }).first();
    await reactivated.waitFor({ timeout: 10_000 });
    await reactivated.click();
    const details = page.getByRole('region', { name: 'Request details' });
    await expect.poll(() => details.textContent()).toContain('"Replace" → "replace"');
    expect(await details.textContent()).toContain('"True" → true');
  });

  it('New SCIM Token: confirm, the new token is shown once, the old one gets 401', async () => {
    await go('/scim/okta');
    await page.getByRole('heading', { level: 1, name: 'Okta' }).waitFor();
    // Leaving the page forgot the first token.
    expect(await everythingVisible()).not.toContain(firstToken);
    await page.getByRole('button', { name: 'New SCIM Token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Generate a new SCIM token?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Generate new token' }).click();
    await page.getByText('The newly generated token will be shown only once. Make sure to copy and save it.').waitFor();
    const secondToken = await page.getByLabel('SCIM Token').inputValue();
    expect(secondToken).toMatch(/^scimdesk_/);
    expect(secondToken).not.toBe(firstToken);

    const scimUrl = t.controller.status().scimUrl!;
    const old = await new ScimClient(scimUrl, `Bearer ${firstToken}`).get('/Users');
    expect(old.status).toBe(401);
    expect((await new ScimClient(scimUrl, `Bearer ${secondToken}`).get('/Users')).status).toBe(200);

    await page.getByRole('button', { name: 'I have saved the token' }).click();
    await expect.poll(everythingVisible).not.toContain(secondToken);
    for (const hash of ['/users', '/groups', '/activity', '/scim', '/scim/okta']) {
      await go(hash);
      await page.waitForTimeout(300);
      const text = await everythingVisible();
      expect(text).not.toContain(firstToken);
      expect(text).not.toContain(secondToken);
    }
    expect(session.panel.problems).toEqual([]);
  });
});

describe('focus stays where the user is working', () => {
  /** Whether the element has focus (not the page body). */
  const focused = (l: Locator): Promise<boolean> => l.evaluate((el) => el === (el.ownerDocument as any).activeElement);

  it('the switch keeps focus while it turns provisioning on and off', async () => {
    await go('/scim/entra');
    await page.getByRole('heading', { level: 1, name: 'Microsoft Entra ID' }).waitFor();
    const toggle = page.getByRole('switch', { name: 'Enable Microsoft Entra ID provisioning' });
    await toggle.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => toggle.getAttribute('aria-checked')).toBe('true');
    await expect.poll(() => toggle.getAttribute('aria-busy')).toBeNull();
    expect(await focused(toggle)).toBe(true);
    // The first enable showed Entra's token: saved, so the next page does not ask about it.
    await page.getByRole('button', { name: 'I have saved the token' }).click();
    await toggle.focus();
    await page.keyboard.press('Space');
    // Turning off asks first; focus comes back to the switch once answered.
    await page.getByRole('dialog', { name: 'Turn off Microsoft Entra ID provisioning?' }).getByRole('button', { name: 'Turn off' }).click();
    await expect.poll(() => toggle.getAttribute('aria-checked')).toBe('false');
    await expect.poll(() => toggle.getAttribute('aria-busy')).toBeNull();
    expect(await focused(toggle)).toBe(true);
  });

  it('after New SCIM Token, focus is on the new token', async () => {
    if (!t.controller.status().connections.find((c) => c.name === 'okta')!.enabled) await t.controller.core.connections.setEnabled('okta', true);
    await go('/scim/okta');
    await page.getByRole('heading', { level: 1, name: 'Okta' }).waitFor();
    await page.getByRole('button', { name: 'New SCIM Token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Generate a new SCIM token?' });
    await dialog.getByRole('button', { name: 'Generate new token' }).click();
    const field = page.getByRole('textbox', { name: 'SCIM Token', exact: true });
    await field.waitFor();
    await expect.poll(() => focused(field)).toBe(true);
    await page.getByRole('button', { name: 'I have saved the token' }).click();
  });

  it('the Users and Groups count links are named by what they count', async () => {
    await go('/scim');
    const { users, groups } = t.controller.status().counts;
    const card = page.locator('.endpoint-stats');
    await card.waitFor();
    const names = await card.getByRole('link').evaluateAll((links) => links.map((a) => (a as any).textContent as string));
    expect(names.length).toBe(2);
    await page.getByRole('link', { name: `${users} ${users === 1 ? 'user' : 'users'}`, exact: true }).waitFor({ timeout: 5_000 });
    await page.getByRole('link', { name: `${groups} ${groups === 1 ? 'group' : 'groups'}`, exact: true }).waitFor({ timeout: 5_000 });
  });
});

describe('the tunnel subdomain field', () => {
  it('a subdomain the rule refuses: the field is marked invalid and says why, beside it, and the hint states the same rule', async () => {
    const before = t.controller.status().tunnelSettings;
    // The tunnel settings live on the Public URL page, shared by both IdPs.
    await go('/scim/public-url');
    await page.getByRole('heading', { level: 1, name: 'Public URL' }).waitFor();
    await page.getByRole('radio', { name: /Tunnel \(localtunnel\)/ }).check();
    const field = page.getByRole('textbox', { name: 'Subdomain', exact: true });
    await field.fill('ab-c');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    const description = await field.evaluate((el) => {
      const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
      return ids.map((id: string) => (el.ownerDocument as any).getElementById(id)?.textContent ?? '').join(' | ');
    });
    expect(description).toContain('The subdomain "ab-c" is not valid');
    expect(description).toContain('at least 6');
    expect(await everythingVisible()).not.toContain('invalid-settings');
    expect(t.controller.status().tunnelSettings).toEqual(before);
    await page.getByRole('button', { name: 'Discard changes' }).click();
  });
});
