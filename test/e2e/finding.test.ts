/**
 * Finding people and groups in the panel, in real headless Chromium over the real core:
 * searches fold accents whichever side carries them, a part of an id finds its resource, and
 * the lists' search, filters, sort and page live in the URL (a reload shows the same list).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oktaGroup, oktaUser } from '../../tools/idp/okta';
import { type PanelSession, startPanelSession } from '../support/panel-session';
import { ScimClient } from '../../tools/scim-client';

let session: PanelSession;
let page: Page;
let okta: ScimClient;
const ids: Record<string, string> = {};

async function create(path: '/Users' | '/Groups', body: Record<string, unknown>): Promise<string> {
  const res = await okta.post(path, body);
  if (res.status !== 201) throw new Error(`${path}: HTTP ${res.status} ${res.text}`);
  return res.body.id as string;
}

beforeAll(async () => {
  session = await startPanelSession(async (started) => {
    const token = (await started.controller.core.connections.setEnabled('okta', true)).token!;
    okta = new ScimClient(`${started.controller.status().server.localUrl}/scim/v2`, `Bearer ${token}`);
    // 55 others first (the newest come first), so the list has a second page (50 a page).
    for (let i = 0; i < 55; i++) await create('/Users', oktaUser(`filler.${String(i).padStart(2, '0')}@example.com`));
    ids.anders = await create('/Users', oktaUser('anders.a@example.com', { displayName: 'Anders Ångström', name: { givenName: 'Anders', familyName: 'Ångström' } }));
    ids.sigrid = await create('/Users', oktaUser('sigrid@example.com', { displayName: 'Sigrid Øverby', name: { givenName: 'Sigrid', familyName: 'Øverby' } }));
    ids.zoe = await create('/Users', oktaUser('zoe@example.com', { displayName: 'Zoe Plain', name: { givenName: 'Zoe', familyName: 'Plain' } }));
    await create('/Groups', oktaGroup('Équipe Montréal'));
    await create('/Groups', oktaGroup('Plain Team'));
  });
  ({ page } = session);
}, 120_000);

afterAll(async () => session?.close());

/**
 * Clears the search box (so no earlier answer lingers), waits for the whole list, types, then
 * waits until the table lists exactly one row and returns its text.
 */
async function onlyRowFor(searchLabel: string, typed: string): Promise<string> {
  const rows = page.getByRole('table').locator('tbody tr');
  await page.getByLabel(searchLabel).fill('');
  await expect.poll(() => rows.count()).toBeGreaterThan(1);
  await page.getByLabel(searchLabel).fill(typed);
  await expect.poll(() => rows.count(), { timeout: 5_000 }).toBe(1);
  return rows.first().innerText();
}



describe('search folds accents both ways', () => {
  it('finds Ångström by "angstrom" and Øverby by "overby", as by their accented forms', async () => {
    await session.go('/users');
    await page.getByRole('row', { name: /Zoe Plain/ }).waitFor();
    for (const typed of ['angstrom', 'ÅNGSTRÖM', 'Ångström', 'Angstrom']) expect(await onlyRowFor('Search users', typed)).toContain('Anders Ångström');
    for (const typed of ['overby', 'Øverby', 'OVERBY']) expect(await onlyRowFor('Search users', typed)).toContain('Sigrid Øverby');
  });

  it('finds "Équipe Montréal" by "equipe montreal"', async () => {
    await session.go('/groups');
    await page.getByRole('row', { name: /Plain Team/ }).waitFor();
    for (const typed of ['equipe montreal', 'Équipe Montréal', 'EQUIPE']) expect(await onlyRowFor('Search groups', typed)).toContain('Équipe Montréal');
  });
});

describe('search by a part of an id', () => {
  it('finds a user by the middle of its id, in either case, and only that user', async () => {
    await session.go('/users');
    const part = ids.sigrid!.slice(9, 18);
    await page.getByRole('row', { name: /Zoe Plain/ }).waitFor();
    expect(await onlyRowFor('Search users', part)).toContain('Sigrid Øverby');
    expect(await onlyRowFor('Search users', part.toUpperCase())).toContain('Sigrid Øverby');
  });
});

describe('the lists keep their state in the URL', () => {
  const hash = (): Promise<string> => page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash);

  it('a reload shows the same users: search, status, sort and page', async () => {
    await session.go('/users');
    await page.getByRole('row', { name: /Zoe Plain/ }).waitFor();
    await page.getByLabel('Search users').fill('filler');
    await page.getByLabel('Status').selectOption('active');
    await page.getByRole('button', { name: 'User name' }).click();
    await expect.poll(() => page.getByRole('columnheader', { name: 'User name' }).getAttribute('aria-sort')).toBe('ascending');
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('51–55 of 55').waitFor();
    await expect.poll(hash).toMatch(/^#\/users\?/);
    const params = new URLSearchParams((await hash()).split('?')[1]);
    expect(Object.fromEntries(params)).toEqual({ search: 'filler', status: 'active', sort: 'userName', order: 'asc', page: '2' });

    await page.reload();
    await page.getByText('51–55 of 55').waitFor();
    expect(await page.getByLabel('Search users').inputValue()).toBe('filler');
    expect(await page.getByLabel('Status').inputValue()).toBe('active');
    expect(await page.getByRole('columnheader', { name: 'User name' }).getAttribute('aria-sort')).toBe('ascending');
    expect(await page.getByRole('table').locator('tbody tr').first().innerText()).toContain('filler.50@example.com');
  });

  it('Back returns to the page before; opening and closing a user keeps the list', async () => {
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.getByText('1–50 of 55').waitFor();
    await page.goBack();
    await page.getByText('51–55 of 55').waitFor();

    const listHash = await hash();
    await page.getByRole('row', { name: /filler\.52@example\.com/ }).click();
    await page.getByRole('region', { name: 'User details' }).waitFor();
    expect(await hash()).toMatch(/^#\/users\/[^?]+\?search=filler&status=active&sort=userName&order=asc&page=2$/);
    await page.getByRole('button', { name: 'Close details' }).click();
    await expect.poll(hash).toBe(listHash);
    await page.getByText('51–55 of 55').waitFor();
  });

  it('opening a groups URL with a search shows that search', async () => {
    await session.go('/groups?search=equipe');
    expect(await page.getByLabel('Search groups').inputValue()).toBe('equipe');
    await expect.poll(() => page.getByRole('table').locator('tbody tr').allInnerTexts()).toEqual([expect.stringContaining('Équipe Montréal')]);
  });
});

describe('paging goes to the first, the last or any page', () => {
  it('has First, Last and a page number to jump to', async () => {
    await session.go('/users');
    await page.getByText('1–50 of 58').waitFor();
    await page.getByRole('button', { name: 'Last page' }).click();
    await page.getByText('51–58 of 58').waitFor();
    expect(await page.getByRole('button', { name: 'Last page' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'First page' }).click();
    await page.getByText('1–50 of 58').waitFor();
    expect(await page.getByRole('button', { name: 'First page' }).isDisabled()).toBe(true);

    const jump = page.getByRole('spinbutton', { name: 'Page number, of 2' });
    await jump.fill('2');
    await jump.press('Enter');
    await page.getByText('51–58 of 58').waitFor();
    expect(await jump.inputValue()).toBe('2');
  });
});

describe('times come with their date', () => {
  it('the Created column shows the time (today: the time alone), with the full date as a tooltip', async () => {
    await session.go('/users');
    const created = page.getByRole('row', { name: /Zoe Plain/ }).locator('td.col-created time');
    await created.waitFor();
    const shown = await created.innerText();
    expect(shown).toMatch(/^\d{1,2}:\d{2}(\s?[AP]M)?$/);
    expect(await created.getAttribute('title')).toMatch(/\d{4}.*\d{1,2}:\d{2}/);
  });
});

describe('truncated cells', () => {
  it('a cell cut off by its column shows its whole text as a tooltip; a whole one has none', async () => {
    const long = `a.very.long.user.name.that.cannot.fit.in.its.column.${'x'.repeat(60)}@example.com`;
    await okta.post('/Users', oktaUser(long, { displayName: 'Long Name' }));
    // Searched for: a list already on screen holds its rows (the new user would wait behind
    // "1 new — show" until clicked); a new search shows the directory as it is now.
    await session.go('/users?search=a.very.long.user');
    const row = page.getByRole('row', { name: /Long Name/ });
    await row.waitFor();
    const cut = row.locator('td.col-username');
    await cut.hover();
    await expect.poll(() => cut.getAttribute('title')).toBe(long);
    const whole = row.locator('td.col-status');
    await whole.hover();
    expect(await whole.getAttribute('title')).toBeNull();
  });
});

describe('the Users table at 1 440 px', () => {
  it('fits without scrolling sideways, also sorted by Last updated', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await session.go('/users');
    await page.getByRole('row', { name: /Zoe Plain/ }).waitFor();
    await page.getByRole('button', { name: 'Last updated' }).click();
    await expect.poll(() => page.getByRole('columnheader', { name: 'Last updated' }).getAttribute('aria-sort')).not.toBe('none');
    const overflow = await page.getByRole('table').evaluate((table) => {
      // The test files compile without the DOM library: the few fields used, by shape.
      type Box = { scrollWidth: number; clientWidth: number; scrollLeft: number; parentElement: Box | null };
      let el: Box | null = table as unknown as Box;
      let worst = 0;
      for (; el; el = el.parentElement) worst = Math.max(worst, el.scrollWidth - el.clientWidth, el.scrollLeft);
      return worst;
    });
    expect(overflow).toBe(0);
  });
});
