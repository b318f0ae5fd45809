/**
 * Stable live views (issue 12, point 7), in real Chromium over the real core, while real SCIM
 * requests arrive over HTTP: during an import, the row the admin reads is the row they click
 * (Users sorted by Created, Groups likewise during a group push); what arrived meanwhile waits
 * behind "N new — show"; Activity can be paused (new requests are counted, not shown) and
 * resumed, and its rows stay put while the pointer is over them.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oktaGroup, oktaUser } from '../../tools/idp/okta';
import { ScimClient } from '../../tools/scim-client';
import type { TestController } from '../support/controller';
import { type PanelSession, startPanelSession } from '../support/panel-session';

let session: PanelSession;
let t: TestController;
let page: Page;
let okta: ScimClient;

beforeAll(async () => {
  session = await startPanelSession(async (started) => {
    const token = (await started.controller.core.connections.setEnabled('okta', true)).token!;
    okta = new ScimClient(`${started.controller.status().server.localUrl}/scim/v2`, `Bearer ${token}`);
    // A directory to start from: the import below adds to it.
    for (let i = 0; i < 30; i++) expect((await okta.post('/Users', oktaUser(`first.${i}@example.com`))).status).toBe(201);
    for (let i = 0; i < 8; i++) expect((await okta.post('/Groups', oktaGroup(`First group ${i}`))).status).toBe(201);
  });
  ({ t, page } = session);
  // A step that cannot happen fails here, naming itself, before the test's own timeout.
  page.setDefaultTimeout(10_000);
}, 120_000);

afterAll(async () => session?.close());

/**
 * Runs `count` creates one after the other, a few milliseconds apart, as an IdP's import does
 * (Okta sends them one by one); `done` turns true at the end.
 */
function importInBackground(count: number, create: (i: number) => Promise<{ status: number }>): { done: () => boolean; finished: Promise<void> } {
  let done = false;
  const finished = (async () => {
    for (let i = 0; i < count; i++) {
      expect((await create(i)).status).toBe(201);
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    done = true;
  })();
  return { done: () => done, finished };
}

const waitingBar = (): Locator => page.getByRole('button', { name: /new — show$|^List changed — show$/ });

/** The N of a "N new — show" bar. */
async function waitingCount(): Promise<number> {
  const name = (await waitingBar().textContent()) ?? '';
  const match = /^([\d,]+) new/.exec(name.trim());
  return match ? Number(match[1]!.replace(/,/g, '')) : 0;
}

/**
 * Five times (or `rounds`): reads the first row's primary cell, waits 250 ms as a person does,
 * clicks that row, and answers the name the detail pane then shows.
 */
async function readThenClick(table: string, pane: string, titleOf: (pane: Locator) => Locator, rounds: number, importing: () => boolean): Promise<{ read: string; opened: string }[]> {
  const seen: { read: string; opened: string }[] = [];
  for (let round = 0; round < rounds; round++) {
    const first = page.locator(`${table} tbody tr`).first();
    const read = (await first.locator('.cell-primary').innerText()).trim();
    await page.waitForTimeout(250);
    // The import is still running: the list had every chance to move.
    expect(importing()).toBe(true);
    await page.locator(`${table} tbody tr`).first().click();
    const region = page.getByRole('region', { name: pane });
    await region.waitFor();
    await expect.poll(() => titleOf(region).count(), { timeout: 10_000 }).toBeGreaterThan(0);
    seen.push({ read, opened: (await titleOf(region).innerText()).trim() });
  }
  return seen;
}

describe('Users during an import', () => {
  it('sorted by Created, newest first: the row read is the row opened, 5 of 5; then "N new — show" shows the newest at the top', async () => {
    await session.go('/users');
    await page.locator('.users-table tbody tr').first().waitFor();
    const run = importInBackground(300, (i) => okta.post('/Users', oktaUser(`imported.${String(i).padStart(3, '0')}@example.com`)));
    // The import has started to reach the panel.
    await expect.poll(() => t.controller.panel.listUsers({ limit: 1 }).total, { timeout: 10_000 }).toBeGreaterThan(40);

    const seen = await readThenClick('.users-table', 'User details', (r) => r.locator('.detail-subtitle'), 5, () => !run.done());
    for (const { read, opened } of seen) expect(opened).toBe(read);

    await run.finished;
    await expect.poll(waitingCount, { timeout: 10_000 }).toBeGreaterThan(0);
    // The bar is announced.
    expect(await waitingBar().evaluate((el) => el.closest('[aria-live="polite"]') !== null)).toBe(true);
    const newest = t.controller.panel.listUsers({ sort: 'created', order: 'desc', limit: 1 }).items[0]!;
    // All of the import has been counted before the bar is used.
    await page.waitForTimeout(500);
    await waitingBar().click();
    await expect.poll(() => page.locator('.users-table tbody tr').first().locator('.cell-primary').innerText(), { timeout: 10_000 }).toBe(newest.userName);
    await expect.poll(() => waitingBar().count()).toBe(0);
    // The open pane kept its user.
    expect((await page.getByRole('region', { name: 'User details' }).locator('.detail-subtitle').innerText()).trim()).toBe(seen[seen.length - 1]!.read);
  }, 90_000);
});

describe('Groups during a group push', () => {
  it('sorted by Created, newest first: the row read is the row opened, 3 of 3; then "N new — show" shows the newest', async () => {
    await session.go('/groups?sort=created&order=desc');
    await page.locator('.groups-table tbody tr').first().waitFor();
    const run = importInBackground(150, (i) => okta.post('/Groups', oktaGroup(`Pushed group ${String(i).padStart(3, '0')}`)));
    await expect.poll(() => t.controller.panel.listGroups({ limit: 1 }).total, { timeout: 10_000 }).toBeGreaterThan(15);

    const seen = await readThenClick('.groups-table', 'Group details', (r) => r.locator('.detail-title'), 3, () => !run.done());
    for (const { read, opened } of seen) expect(opened).toBe(read);

    await run.finished;
    await expect.poll(waitingCount, { timeout: 10_000 }).toBeGreaterThan(0);
    const newest = t.controller.panel.listGroups({ sort: 'created', order: 'desc', limit: 1 }).items[0]!;
    await page.waitForTimeout(500);
    await waitingBar().click();
    await expect.poll(() => page.locator('.groups-table tbody tr').first().locator('.cell-primary').innerText(), { timeout: 10_000 }).toBe(newest.displayName);
  }, 90_000);
});

describe('Activity', () => {
  const rows = (): Locator => page.locator('.activity-table tbody tr');
  const pause = (): Locator => page.getByRole('button', { name: 'Pause', exact: true });

  it('Pause: requests sent meanwhile are counted behind "N new", not listed; Resume lists them', async () => {
    // The imports above are all in the log (it is written in batches): only this test's requests arrive now.
    let last = -1;
    await expect
      .poll(
        async () => {
          const [newest] = await t.controller.panel.listActivity({ limit: 1 });
          const quiet = newest?.seq === last;
          last = newest?.seq ?? -1;
          return quiet;
        },
        { interval: 500, timeout: 20_000 },
      )
      .toBe(true);
    await session.go('/activity');
    await rows().first().waitFor();
    await pause().click();
    expect(await pause().getAttribute('aria-pressed')).toBe('true');
    await page.getByText('Paused', { exact: true }).waitFor();
    const firstBefore = await rows().first().innerText();

    const sent = 4;
    for (let i = 0; i < sent; i++) expect((await okta.get(`/Users?filter=${encodeURIComponent(`userName eq "paused.${i}@example.com"`)}`)).status).toBe(200);
    await expect.poll(waitingCount, { timeout: 10_000 }).toBe(sent);
    expect(await rows().first().innerText()).toBe(firstBefore);
    expect(await rows().filter({ hasText: 'paused.0@example.com' }).count()).toBe(0);

    // Keyboard: the same button resumes.
    await pause().focus();
    await page.keyboard.press('Enter');
    expect(await pause().getAttribute('aria-pressed')).toBe('false');
    await page.getByText('Live', { exact: true }).waitFor();
    for (let i = 0; i < sent; i++) await rows().filter({ hasText: `paused.${i}@example.com` }).first().waitFor({ timeout: 10_000 });
    expect(await waitingBar().count()).toBe(0);
  }, 60_000);

  it('paused stays paused while you stay on the screen (opening an entry, changing a filter)', async () => {
    await pause().click();
    await rows().first().click();
    await page.getByRole('region', { name: 'Request details' }).waitFor();
    await page.getByLabel('Result').selectOption('success');
    await expect.poll(() => pause().getAttribute('aria-pressed')).toBe('true');
    await page.getByLabel('Result').selectOption('all');
    await pause().click();
    expect(await pause().getAttribute('aria-pressed')).toBe('false');
    await page.keyboard.press('Escape');
  });

  it('live, with the pointer over the list: rows do not move; new requests wait behind "N new — show", which shows them', async () => {
    await session.go('/activity');
    await expect.poll(() => page.getByRole('region', { name: 'Request details' }).count()).toBe(0);
    await rows().first().waitFor({ timeout: 5_000 });
    const third = rows().nth(2);
    await third.hover({ timeout: 5_000 });
    const under = await third.innerText();
    const box = await third.boundingBox();

    for (let i = 0; i < 3; i++) expect((await okta.get(`/Users?filter=${encodeURIComponent(`userName eq "hovered.${i}@example.com"`)}`)).status).toBe(200);
    await expect.poll(waitingCount, { timeout: 10_000, message: 'three requests wait behind the bar' }).toBe(3);
    expect(await rows().nth(2).innerText()).toBe(under);
    expect(await rows().nth(2).boundingBox()).toEqual(box);
    expect(await rows().filter({ hasText: 'hovered.0@example.com' }).count()).toBe(0);

    await waitingBar().click({ timeout: 5_000 });
    await rows().filter({ hasText: 'hovered.2@example.com' }).first().waitFor({ timeout: 10_000 });
    expect(session.panel.problems).toEqual([]);
  });
});
