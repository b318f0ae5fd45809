/**
 * The Public URL place (issue 12, points 1–3), in real headless Chromium over the real core:
 * - a tunnel host that does not resolve: the provider page says the real reason (not "the
 *   server is not running"), the empty SCIM URL cannot be copied, the "cannot reach" banner
 *   shows, the header chip leads to the Public URL place, which says the cause and the fix and
 *   has Retry now;
 * - the check from outside: an http:// own URL that does not resolve (warning, DNS failed, no
 *   green badge), a working tunnel (passes with the one-time code), an impostor at the own URL
 *   (the proof fails);
 * - one tunnel form for both IdPs, on the Public URL place only.
 * The tunnels run through tools/tunnel-server.ts on loopback; no public host is reached.
 */
import { createServer, type Server } from 'node:http';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppStatus } from '../../contract/model';
import { type Panel, launchChromium, openPanel, serveRenderer } from '../../tools/panel-harness';
import { localhostLookup } from '../../tools/public-fetch';
import { TestTunnelServer } from '../../tools/tunnel-server';
import { FAST_TUNNEL, type TestController, startController, waitForStatus } from '../support/controller';

let served: Awaited<ReturnType<typeof serveRenderer>>;
let browser: Browser;
const cleanups: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  served = await serveRenderer();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await browser?.close();
  served?.server.close();
});

async function controller(options: Parameters<typeof startController>[0]): Promise<TestController> {
  const t = await startController(options);
  cleanups.push(() => t.stop());
  return t;
}

async function panelOn(t: TestController): Promise<{ panel: Panel; page: Page; go: (hash: string) => Promise<void> }> {
  const panel = await openPanel(browser, served.url, t.controller);
  cleanups.push(() => panel.close());
  const page = panel.page;
  const go = (hash: string): Promise<void> =>
    page.evaluate((h) => {
      (globalThis as unknown as { location: { hash: string } }).location.hash = h;
    }, hash);
  return { panel, page, go };
}

/** The text of the elements an element's aria-describedby names. */
const description = (l: Locator): Promise<string> =>
  l.evaluate((el) => {
    const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    return ids.map((id: string) => (el.ownerDocument as unknown as { getElementById(i: string): { textContent: string } | null }).getElementById(id)?.textContent ?? '').join(' | ');
  });

/** The page's h1 has the focus. */
const focusedHeading = (page: Page): Promise<string | null> =>
  page.evaluate(() => {
    const active = (globalThis as unknown as { document: { activeElement: { tagName: string; textContent: string } | null } }).document.activeElement;
    return active?.tagName === 'H1' ? active.textContent : null;
  });

const okta = (s: AppStatus) => s.connections.find((c) => c.name === 'okta')!;

describe('a tunnel host that does not resolve', () => {
  let t: TestController;
  let page: Page;
  let go: (hash: string) => Promise<void>;

  beforeAll(async () => {
    // The real supervisor with fast timings, except a long wait between attempts: the only
    // attempt in test time after the first failure is the one Retry now starts.
    t = await controller({
      tunnel: { mode: 'localtunnel', host: 'http://nohost.invalid' },
      tunnelTiming: { ...FAST_TUNNEL, backoff: { initialMs: 120_000, maxMs: 120_000, jitter: 0 } },
    });
    await t.controller.core.connections.setEnabled('okta', true);
    await waitForStatus(t.controller, (s) => s.tunnel.nextRetryAt !== null, 15_000, 'the tunnel to wait for its next attempt');
    ({ page, go } = await panelOn(t));
  }, 60_000);

  it("the provider page says the tunnel is the reason, the empty SCIM URL can't be copied, and the banner shows", async () => {
    await go('/scim/okta');
    await page.getByRole('heading', { level: 1, name: 'Okta' }).waitFor();
    // The header says the server runs; nothing on the page says otherwise.
    await expect.poll(() => page.getByRole('list', { name: 'App health' }).textContent()).toContain('Running');
    const main = page.locator('main');
    expect(await main.textContent()).not.toMatch(/server is not running/i);

    // The Base URL step says why, with the way to the Public URL place.
    const baseUrlStep = page.locator('li.step').filter({ hasText: 'Base URL' });
    expect(await baseUrlStep.textContent()).toMatch(/tunnel is not online yet/i);
    expect(await baseUrlStep.getByRole('link', { name: /Public URL/ }).getAttribute('href')).toBe('#/scim/public-url');
    expect(await baseUrlStep.getByRole('button', { name: /Copy/ }).count()).toBe(0);

    // The SCIM URL field is empty, says it is not available, and cannot be copied.
    const field = page.getByRole('textbox', { name: 'SCIM URL' });
    expect(await field.inputValue()).toBe('');
    expect(await description(field)).toMatch(/not available/i);
    expect(await page.getByRole('button', { name: 'Copy SCIM URL' }).isDisabled()).toBe(true);

    const banner = page.locator('.alert').filter({ hasText: 'Okta cannot reach this URL' });
    await banner.waitFor();
    expect(await banner.getByRole('link', { name: /Public URL/ }).getAttribute('href')).toBe('#/scim/public-url');
  });

  it("the header's tunnel chip leads to the Public URL place, focused on its heading, which says the cause and the fix", async () => {
    await go('/scim/okta');
    await page.getByRole('heading', { level: 1, name: 'Okta' }).waitFor();
    await page.getByRole('list', { name: 'App health' }).getByRole('link', { name: /Public URL|Tunnel/ }).click();
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash)).toBe('#/scim/public-url');
    await expect.poll(() => focusedHeading(page)).toBe('Public URL');

    const problem = t.controller.status().tunnel.problem;
    expect(problem?.cause).toBe('dns');
    await page.getByText(problem!.sentence).waitFor();
    await page.getByText(problem!.fix).waitFor();
  });

  it('Retry now starts an attempt at once: the failed attempts grow', async () => {
    await go('/scim/public-url');
    const before = t.controller.status().tunnel.attempt;
    const attempts = page.locator('.fact').filter({ hasText: 'Failed attempts' }).locator('dd');
    await expect.poll(() => attempts.textContent()).toBe(String(before));
    await page.getByRole('button', { name: 'Retry now' }).click();
    await expect.poll(() => t.controller.status().tunnel.attempt, { timeout: 10_000 }).toBeGreaterThan(before);
    await expect.poll(() => attempts.textContent(), { timeout: 10_000 }).toBe(String(t.controller.status().tunnel.attempt));
    // Back to waiting: Retry now is offered again.
    await page.getByRole('button', { name: 'Retry now' }).waitFor({ timeout: 10_000 });
  });
});

describe('the check from outside', () => {
  let t: TestController;
  let page: Page;
  let go: (hash: string) => Promise<void>;
  let tunnels: TestTunnelServer;
  let impostor: Server;

  beforeAll(async () => {
    tunnels = await TestTunnelServer.start();
    cleanups.push(() => tunnels.close());
    // Something else answering at an address: 200 and a JSON body, whatever is asked.
    impostor = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => impostor.close(resolve)));
    // The agreed seam: the check resolves the test tunnel server's *.localhost names to loopback.
    t = await controller({ tunnelTiming: FAST_TUNNEL, publicCheck: { lookup: localhostLookup, timeoutMs: 5_000 } });
    await t.controller.core.connections.setEnabled('okta', true);
    ({ page, go } = await panelOn(t));
  }, 60_000);

  const place = (): Locator => page.locator('main');
  const checkCard = (): Locator => page.getByRole('region', { name: 'Check from outside' });
  const row = (step: string): Locator => checkCard().getByRole('row', { name: new RegExp(`^${step}`) });
  const placeBadge = (): Locator => page.locator('.page-header .badge');
  /** The public URL's badges (the place's header, the check's card) and the header chip: none green. */
  async function nothingGreen(): Promise<void> {
    expect(await page.locator('.page-header .badge-success, .card-header .badge-success').count()).toBe(0);
    const chip = page.getByRole('list', { name: 'App health' }).getByRole('link', { name: /Public URL|Tunnel/ });
    expect(await chip.getAttribute('class')).not.toContain('chip-success');
  }

  async function saveOwnUrl(url: string): Promise<void> {
    await page.getByRole('radio', { name: /My own public URL/ }).check();
    await page.getByRole('textbox', { name: 'Public URL', exact: true }).fill(url);
  }

  it('an http:// own URL that does not resolve: warned before saving, then the check fails at DNS and the badge is not green', async () => {
    await go('/scim/public-url');
    await page.getByRole('heading', { level: 1, name: 'Public URL' }).waitFor();
    await saveOwnUrl('http://scim.example.invalid');
    const form = page.locator('form.tunnel-form');
    await form.getByText(/require HTTPS/).waitFor();
    expect(t.controller.status().tunnelSettings.mode).toBe('none');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => t.controller.status().tunnelSettings.publicUrl).toBe('http://scim.example.invalid');

    await expect.poll(() => t.controller.status().publicCheck?.last?.url ?? null, { timeout: 15_000 }).toBe('http://scim.example.invalid');
    const last = t.controller.status().publicCheck!.last!;
    expect(last.ok).toBe(false);
    expect(last.dns.state).toBe('failed');
    await expect.poll(() => row('DNS').textContent()).toContain('Failed');
    await checkCard().getByText(last.sentence).waitFor();
    await nothingGreen();
    // Saved, the place still warns about plain http.
    expect(await place().locator('.alert').filter({ hasText: /require HTTPS/ }).count()).toBeGreaterThan(0);
  });

  it('a working tunnel: the check passes with the one-time code, shows the round trip, and the badges turn green', async () => {
    await page.getByRole('radio', { name: /Tunnel \(localtunnel\)/ }).check();
    await page.getByRole('textbox', { name: 'Tunnel server' }).fill(tunnels.hostUrl);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await waitForStatus(t.controller, (s) => s.tunnel.phase === 'online', 15_000, 'the tunnel to come online');
    await expect.poll(() => t.controller.status().publicCheck?.last?.ok ?? null, { timeout: 15_000 }).toBe(true);
    const last = t.controller.status().publicCheck!.last!;
    expect(last.url).toBe(t.controller.status().publicUrl);

    await expect.poll(() => row('Proof').textContent()).toContain('one-time code verified');
    expect(await row('DNS').textContent()).toContain(last.dns.addresses[0]!);
    expect(await row('TLS').textContent()).toMatch(/not used/i);
    expect(await row('HTTP').textContent()).toContain(String(last.http.status));
    expect(await row('HTTP').textContent()).toMatch(/\d+ ms/);
    await expect.poll(() => placeBadge().getAttribute('class')).toContain('badge-success');
    const chip = page.getByRole('list', { name: 'App health' }).getByRole('link', { name: /Public URL|Tunnel/ });
    expect(await chip.getAttribute('class')).toContain('chip-success');

    await go('/scim');
    await page.getByRole('heading', { level: 1, name: 'SCIM' }).waitFor();
    expect(await page.locator('.endpoint-card .badge').getAttribute('class')).toContain('badge-success');
  });

  it('an impostor at the own URL answers, but the proof fails and the badge is not green', async () => {
    await go('/scim/public-url');
    await page.getByRole('heading', { level: 1, name: 'Public URL' }).waitFor();
    const url = `http://impostor.localhost:${(impostor.address() as { port: number }).port}`;
    await saveOwnUrl(url);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => t.controller.status().publicCheck?.last?.url ?? null, { timeout: 15_000 }).toBe(url);
    await expect.poll(() => row('Proof').textContent()).toContain('Failed');
    await nothingGreen();

    // The button runs it again: a new check, the same verdict.
    const first = t.controller.status().publicCheck!.last!.startedAt;
    await checkCard().getByRole('button', { name: 'Check from outside' }).click();
    await expect.poll(() => t.controller.status().publicCheck?.last?.startedAt, { timeout: 15_000 }).not.toBe(first);
    const last = t.controller.status().publicCheck!.last!;
    expect(last.ok).toBe(false);
    expect(last.http.state).toBe('ok');
    expect(last.proof.state).toBe('failed');
    await checkCard().getByText(last.sentence).waitFor();
    await nothingGreen();
  });

  it('one tunnel form, on the Public URL place only, worded for both identity providers', async () => {
    for (const name of ['okta', 'entra']) {
      await go(`/scim/${name}`);
      await page.getByRole('heading', { level: 1, name: name === 'okta' ? 'Okta' : 'Microsoft Entra ID' }).waitFor();
      // No tunnel settings (the Simulate card's own radios, where the requests go, are another matter).
      expect(await page.getByRole('group', { name: /reach ScimDesk/ }).count()).toBe(0);
      expect(await page.getByRole('radio', { name: /No tunnel|Tunnel \(localtunnel\)|My own public URL/ }).count()).toBe(0);
      expect(await page.getByRole('textbox', { name: 'Tunnel server' }).count()).toBe(0);
      // Instead, a short line on the public URL with the way to its place.
      expect(await page.locator('main').getByRole('link', { name: /Public URL/ }).count()).toBeGreaterThan(0);
    }
    await go('/scim/public-url');
    await page.getByRole('heading', { level: 1, name: 'Public URL' }).waitFor();
    expect(await page.locator('main form').count()).toBe(1);
    const group = page.getByRole('group', { name: /reach ScimDesk/ });
    expect(await group.count()).toBe(1);
    const legend = await group.locator('legend').textContent();
    expect(legend).toContain('Okta');
    expect(legend).toContain('Microsoft Entra ID');
    expect(await page.getByRole('radio', { name: /Tunnel \(localtunnel\)/ }).count()).toBe(1);
    expect(okta(t.controller.status()).enabled).toBe(true);
  });
});
