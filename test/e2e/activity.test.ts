/**
 * The redesigned activity log in the real panel (headless Chromium, the app's CSP, the real IPC
 * handlers over the real core), fed by real SCIM requests over HTTP: a request entry reads as
 * action · target; a write shows its field diff and a group push its member delta; an error
 * shows its explanation and remedy, and the remedy works; requests with a replaced token or to a
 * disabled connection are refused aggregates with what to do; the overview tile says a
 * connection uses an old token instead of plain "Enabled"; a user's History starts with its
 * Create; the filters live in the URL (reload keeps them) and Escape closes the details. The
 * details pane: Escape closes it from the filters too, a filter that excludes its entry closes
 * it (also an entry older than the first page of results), and a cut body's Copy button leaves
 * its warning readable.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTION_LABELS } from '../../contract/connections';
import { oktaAddMembers, oktaDeactivate, oktaGroup, oktaRename, oktaUser } from '../../tools/idp/okta';
import { ScimClient, patchOp } from '../../tools/scim-client';
import type { TestController } from '../support/controller';
import { type PanelSession, startPanelSession } from '../support/panel-session';

let session: PanelSession;
let t: TestController;
let page: Page;
let scimUrl: string;
let oktaToken: string;
let okta: ScimClient;

const ADA = 'ada.lovelace@example.com';

beforeAll(async () => {
  session = await startPanelSession(async (started) => {
    oktaToken = (await started.controller.core.connections.setEnabled('okta', true)).token!;
    scimUrl = `${started.controller.status().server.localUrl}/scim/v2`;
    okta = new ScimClient(scimUrl, `Bearer ${oktaToken}`);
  });
  ({ t, page } = session);
}, 120_000);

afterAll(async () => session?.close());

const go = (hash: string): Promise<void> => session.go(hash);

const hash = (): Promise<string> => page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash);
/** What the element shows (rendered text: nothing display:none). */
const text = (l: Locator): Promise<string> => l.innerText();
const details = (): Locator => page.getByRole('region', { name: 'Request details' });
/**
 * With an entry open, new requests wait behind "N new — show" instead of pushing the rows down
 * (the list is stable while it is read): shows them.
 */
const showNew = (): Promise<void> => page.getByRole('button', { name: /new — show$/ }).click({ timeout: 10_000 });

describe('request entries read as sentences', () => {
  let userId: string;
  let groupId: string;

  it('a create shows the action, the target by name, the connection label and a dated success', async () => {
    const created = await okta.post('/Users', oktaUser(ADA, { displayName: 'Ada Lovelace', name: { givenName: 'Ada', familyName: 'Lovelace' }, title: 'Analyst' }));
    expect(created.status).toBe(201);
    userId = created.body.id;
    await go('/activity');
    const row = page.getByRole('row', { name: /Create user/ }).filter({ hasText: ADA }).first();
    await row.waitFor({ timeout: 10_000 });
    const cells = await text(row);
    expect(cells).toContain(`Create user · ${ADA}`);
    expect(cells).toContain('Okta');
    expect(cells).toContain('201');
    expect(cells).toContain('Success');
    // The time names the day, not just the hour.
    const shown = await row.locator('time').first().textContent();
    const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' }).format(new Date());
    expect(shown).toContain(day);

    await row.click();
    await details().waitFor();
    await expect.poll(() => text(details())).toContain(ADA);
    // By name, linked to the user; the SCIM id only underneath.
    const link = details().getByRole('link', { name: ADA });
    expect(await link.getAttribute('href')).toBe(`#/users/${userId}`);
  });

  it("a write shows its field diff, before → after", async () => {
    const res = await okta.patch(`/Users/${userId}`, patchOp({ op: 'replace', value: { title: 'Countess' } }));
    expect(res.status).toBe(200);
    await showNew();
    const row = page.getByRole('row', { name: /Update user attributes/ }).filter({ hasText: ADA }).first();
    await row.waitFor({ timeout: 10_000 });
    await row.click();
    const diff = details().getByRole('table', { name: /field by field/ });
    await diff.waitFor({ timeout: 10_000 });
    const titleRow = diff.getByRole('row', { name: /title/ });
    expect(await text(titleRow)).toMatch(/title\s*Analyst\s*→\s*Countess/);
  });

  it('a deactivation reads "active: true → false"', async () => {
    expect((await okta.patch(`/Users/${userId}`, oktaDeactivate)).status).toBe(200);
    await showNew();
    const row = page.getByRole('row', { name: /Deactivate user/ }).filter({ hasText: ADA }).first();
    await row.waitFor({ timeout: 10_000 });
    expect(await text(row)).toContain('active: true → false');
  });

  it('a group push shows the member delta', async () => {
    const group = await okta.post('/Groups', oktaGroup('Finance EMEA'));
    expect(group.status).toBe(201);
    groupId = group.body.id;
    const push = await okta.patch(`/Groups/${groupId}`, patchOp(oktaRename(groupId, 'Finance EMEA'), oktaAddMembers([{ value: userId, display: ADA }])));
    expect(push.status).toBe(204);
    await showNew();
    const row = page.getByRole('row', { name: /Push group members/ }).filter({ hasText: 'Finance EMEA' }).first();
    await row.waitFor({ timeout: 10_000 });
    expect(await text(row)).toContain('Push group members · Finance EMEA · +1 member');
    await row.click();
    await expect.poll(() => text(details()), { timeout: 10_000 }).toContain(`+1 member: ${ADA}`);
    expect(await details().getByRole('link', { name: 'Finance EMEA' }).getAttribute('href')).toBe(`#/groups/${groupId}`);
  });

  it('an error shows its explanation in the row and, in the details, with its remedy', async () => {
    // Okta creates a user whose userName is taken: 409.
    const dup = await okta.post('/Users', oktaUser(ADA.toUpperCase()));
    expect(dup.status).toBe(409);
    const [logged] = await t.controller.panel.listActivity({ status: 'client-error', limit: 1 });
    expect(logged?.status).toBe(409);
    expect(logged?.explanation).toBeTruthy();
    await showNew();
    const row = page.getByRole('row', { name: /Create user/ }).filter({ hasText: '409' }).first();
    await row.waitFor({ timeout: 10_000 });
    const cells = await text(row);
    expect(cells).toContain('Client error');
    expect(cells).toContain(logged!.explanation!);
    await row.click();
    const note = details().getByRole('note');
    await expect.poll(() => text(note), { timeout: 10_000 }).toContain(logged!.explanation!);
    // The remedy opens the user the request collided with.
    expect(logged!.remedy).toEqual({ kind: 'open-user', id: expect.any(String), userName: ADA.toUpperCase() });
    const remedy = logged!.remedy as { id: string; userName: string };
    await note.getByRole('link', { name: `Open user ${remedy.userName}` }).click();
    await expect.poll(hash).toBe(`#/users/${remedy.id}`);
    await page.getByRole('region', { name: 'User details' }).getByText(ADA).first().waitFor();
  });
});

describe('the filters live in the URL', () => {
  it('search and result filter survive a reload; the details close when the filter excludes them; Escape closes them', async () => {
    await go('/activity');
    await page.getByRole('row', { name: /Create user/ }).first().waitFor({ timeout: 10_000 });
    await page.getByLabel('Search activity').fill('Finance EMEA');
    await expect.poll(hash).toContain('search=Finance');
    await expect.poll(() => page.locator('.activity-table tbody tr').count()).toBeGreaterThan(0);
    for (const row of await page.locator('.activity-table tbody tr').all()) expect(await text(row)).toContain('Finance EMEA');

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Activity' }).waitFor();
    expect(await page.getByLabel('Search activity').inputValue()).toBe('Finance EMEA');
    await page.getByRole('row', { name: /Push group members/ }).first().waitFor({ timeout: 10_000 });

    // Open an entry, then filter on server errors: it is not one, so its details close.
    await page.getByRole('row', { name: /Push group members/ }).first().click();
    await details().waitFor();
    expect(await hash()).toMatch(/^#\/activity\/\d+\?search=Finance/);
    await page.getByLabel('Result').selectOption('server-error');
    await expect.poll(() => details().count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(hash).toBe('#/activity?status=server-error&search=Finance+EMEA');
    await page.getByText('No matching requests.').waitFor();

    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await expect.poll(hash).toBe('#/activity');
    await page.getByRole('row', { name: /Create user/ }).first().click();
    await details().waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => details().count()).toBe(0);
  });

  it('states the retention in force', async () => {
    const r = t.controller.status().requestLog.retention;
    const note = page.locator('.retention-note');
    await expect.poll(() => text(note)).toContain(`Successful requests are kept for ${r.successes.maxAgeDays} days`);
    expect(await text(note)).toContain(`${r.auditDaysAfterDelete} days after it is deleted`);
  });
});

describe('refused without a valid token', () => {
  it('an old token: a refused aggregate with its explanation and the way to a new token; the tile says so', async () => {
    const old = oktaToken;
    oktaToken = (await t.controller.core.connections.rotateToken('okta')).token;
    const stale = new ScimClient(scimUrl, `Bearer ${old}`);
    for (let i = 0; i < 3; i++) expect((await stale.get('/Users?startIndex=1&count=2')).status).toBe(401);

    const [aggregate] = (await t.controller.panel.listRefused()).filter((r) => r.claimedConnection === 'okta');
    expect(aggregate).toBeDefined();
    expect(aggregate!.count).toBe(3);
    await go('/activity/refused');
    const item = page.locator('.refused-item').filter({ hasText: aggregate!.explanation });
    await item.waitFor({ timeout: 10_000 });
    const shown = await text(item);
    expect(shown).toContain('401');
    expect(shown).toContain('3 requests from');
    expect(shown).toContain('GET /scim/v2/Users');
    expect(shown).toContain('Okta SCIM Client 1.0.0');
    expect(aggregate!.remedy).toEqual({ kind: 'new-token', connection: 'okta' });
    await item.getByRole('link', { name: 'Make a new Okta token' }).click();
    await expect.poll(hash).toBe('#/scim/okta/token');
    await expect.poll(() => page.evaluate(() => (globalThis as any).document.activeElement?.textContent)).toBe('New SCIM Token');

    // The overview tile: not plain green "Enabled".
    const health = t.controller.status().connections.find((c) => c.name === 'okta')!.health;
    expect(health.state).toBe('old-token');
    await go('/scim');
    const tile = page.getByRole('link', { name: /Okta/ }).first();
    await expect.poll(() => text(tile), { timeout: 10_000 }).toContain('Enabled · old token');
    expect(await text(tile)).toContain(health.sentence);
    expect(await text(tile)).not.toContain('Enabled · working');
    expect(await tile.locator('.badge-danger').count()).toBe(1);
  });

  it('a disabled connection that is still called: the tile warns, the entry explains and offers to enable it, and the button does', async () => {
    const entraToken = (await t.controller.core.connections.setEnabled('entra', true)).token!;
    await t.controller.core.connections.setEnabled('entra', false);
    const entra = new ScimClient(scimUrl, `Bearer ${entraToken}`, { 'content-type': 'application/scim+json', 'user-agent': 'Azure AD SCIM client' });
    expect((await entra.get('/Users?filter=userName%20eq%20%22x%22')).status).toBe(403);

    // Its token matched: a request entry of Entra's, not a refused aggregate.
    const [logged] = await t.controller.panel.listActivity({ connection: 'entra', limit: 1 });
    expect(logged?.status).toBe(403);
    expect(logged?.remedy).toEqual({ kind: 'enable', connection: 'entra' });

    const health = t.controller.status().connections.find((c) => c.name === 'entra')!.health;
    expect(health.state).toBe('disabled');
    await go('/scim');
    const tile = page.getByRole('link', { name: /Microsoft Entra ID/ }).first();
    await expect.poll(() => text(tile), { timeout: 10_000 }).toContain('Paused · still called');
    expect(await text(tile)).toContain(health.sentence);

    await go(`/activity/${logged!.seq}?connection=entra`);
    const note = details().getByRole('note');
    await expect.poll(() => text(note), { timeout: 10_000 }).toContain(logged!.explanation!);
    await note.getByRole('button', { name: `Enable ${CONNECTION_LABELS.entra}` }).click();
    await expect.poll(() => t.controller.status().connections.find((c) => c.name === 'entra')!.enabled).toBe(true);
    await note.getByText(`${CONNECTION_LABELS.entra} is enabled now.`).waitFor({ timeout: 10_000 });
    // The row in the list says the same, in its own words.
    const row = page.getByRole('row', { name: /403/ }).first();
    expect(await text(row)).toContain(logged!.explanation!);
    expect(await text(row)).toContain('Client error');
  });
});

describe("a user's History is its audit trail", () => {
  it('starts with its Create, then its changes with their diffs', async () => {
    const [user] = t.controller.panel.listUsers({ search: ADA }).items;
    expect(user).toBeDefined();
    await go(`/users/${user!.id}`);
    const pane = page.getByRole('region', { name: 'User details' });
    await pane.waitFor();
    const list = pane.getByRole('list', { name: /Changes to this user, oldest first/ });
    await list.waitFor({ timeout: 10_000 });
    const entries = list.locator(':scope > li.history-entry');
    await expect.poll(() => entries.count()).toBeGreaterThanOrEqual(3);
    expect(await text(entries.first())).toContain('Created');
    expect(await text(entries.first())).toContain('by Okta');
    const all = await entries.allTextContents();
    const deactivated = all.findIndex((e) => e.includes('Deactivated'));
    const updated = all.findIndex((e) => e.includes('Updated'));
    expect(updated).toBeGreaterThan(0);
    expect(deactivated).toBeGreaterThan(updated);
    expect(all[deactivated]).toContain('active: true → false');

    // The update's diff opens under it.
    const update = entries.nth(updated);
    await update.getByText('Show what changed').click();
    expect(await text(update.getByRole('table'))).toMatch(/title\s*Analyst\s*→\s*Countess/);
    expect(session.panel.problems).toEqual([]);
  });
});

describe('the request details pane', () => {
  const pane = (): Locator => page.getByRole('region', { name: 'Request details' });
  // Okta's current token: the refused-request tests above replaced the first one.
  const client = (): ScimClient => new ScimClient(scimUrl, `Bearer ${oktaToken}`);

  it('Escape closes it wherever focus is on the screen, filters included', async () => {
    await client().post('/Users', oktaUser('escape.probe@example.com'));
    await go('/activity');
    const row = page.getByRole('row', { name: /Create user/ }).filter({ hasText: 'escape.probe@example.com' }).first();
    await row.waitFor({ timeout: 10_000 });

    // From inside the pane (the response body has focus).
    await row.click();
    await pane().getByLabel('Response').focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => pane().count()).toBe(0);

    // From a filter the user just used: the entry still passes it, so only Escape can close it.
    await row.click();
    await pane().waitFor();
    await page.getByLabel('Result').selectOption('success');
    await expect.poll(hash).toMatch(/^#\/activity\/\d+\?status=success$/);
    await page.getByLabel('Result').focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => pane().count()).toBe(0);
    expect(await hash()).toBe('#/activity?status=success');
  });

  it('closes when a new search excludes its entry', async () => {
    await go('/activity');
    const row = page.getByRole('row', { name: /Create user/ }).filter({ hasText: 'escape.probe@example.com' }).first();
    await row.click();
    await pane().waitFor();
    await page.getByLabel('Search activity').fill('Finance EMEA');
    await expect.poll(hash).toContain('search=Finance');
    await expect.poll(() => pane().count(), { timeout: 10_000 }).toBe(0);
    await page.getByLabel('Search activity').fill('');
    await expect.poll(hash).not.toContain('search=');
  });

  it('on a truncated body, the Copy button and the warning do not overlap', async () => {
    // The log keeps the first 16 KiB of a request body: this one is cut.
    await client().post('/Users', oktaUser('big.body@example.com', { nickName: 'n'.repeat(20_000) }));
    const [logged] = await t.controller.panel.listActivity({ limit: 1 });
    await go(`/activity/${logged!.seq}`);
    const section = pane().getByRole('region', { name: 'Request', exact: true });
    const warning = section.getByText(/Not complete JSON/);
    await warning.waitFor({ timeout: 10_000 });
    const copy = section.getByRole('button', { name: /^Copy/ });
    const a = (await warning.boundingBox())!;
    const b = (await copy.boundingBox())!;
    const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    expect(overlap).toBe(false);
  });

  it('closes when a new action filter excludes its entry', async () => {
    expect((await client().get('/Users?startIndex=1&count=1')).status).toBe(200);
    await go('/activity');
    const row = page.getByRole('row', { name: /Create user/ }).filter({ hasText: 'escape.probe@example.com' }).first();
    await row.click();
    await pane().waitFor();
    await page.getByLabel('Action').selectOption('List users');
    await expect.poll(hash).toContain('action=');
    await expect.poll(() => pane().count(), { timeout: 10_000 }).toBe(0);
  });

  it('closes when a search excludes its entry even when the entry is older than the first page of results', async () => {
    // More than a page of entries that match "20" in their path, all newer than the probe's Create.
    const [probe] = await t.controller.panel.listActivity({ search: 'escape.probe@example.com', limit: 1 });
    expect(probe?.status).toBe(201);
    for (let i = 0; i < 105; i++) await client().get(`/Users/x20-${i}`);
    await go(`/activity/${probe!.seq}`);
    await pane().waitFor();
    // "20" is in none of its target, path or action, and its status is 201, not 20: the server excludes it.
    await page.getByLabel('Search activity').fill('20');
    await expect.poll(hash).toContain('search=20');
    await expect.poll(() => pane().count(), { timeout: 10_000 }).toBe(0);
    await page.getByLabel('Search activity').fill('');
  });
});
