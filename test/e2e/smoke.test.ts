import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type TestController, startController } from '../support/controller';
import { launchChromium, openPanel, serveRenderer } from './support/panel';

let browser: Browser;
let t: TestController;
let served: Awaited<ReturnType<typeof serveRenderer>>;

beforeAll(async () => {
  served = await serveRenderer();
  browser = await launchChromium();
  t = await startController();
});
afterAll(async () => {
  await browser?.close();
  served?.server.close();
  await t?.stop();
});

it('loads the panel with the bridge', async () => {
  const panel = await openPanel(browser, served.url, t.controller);
  const status = await panel.page.evaluate(async () => (globalThis as any).scimdesk.getStatus());
  expect(status.ok).toBe(true);
  await panel.page.screenshot({ path: '/tmp/smoke.png' });
  expect(panel.problems).toEqual([]);
  await panel.close();
});
