/**
 * One e2e session: the built renderer served, headless Chromium, a real controller (its core,
 * SCIM server and IPC handlers) and the panel open on it. Every e2e file starts one in beforeAll
 * and closes it in afterAll.
 */
import type { Browser, Page } from 'playwright-core';
import { type Panel, launchChromium, openPanel, serveRenderer } from '../../tools/panel-harness';
import { type TestController, startController } from './controller';

export interface PanelSession {
  readonly served: Awaited<ReturnType<typeof serveRenderer>>;
  readonly browser: Browser;
  readonly t: TestController;
  readonly panel: Panel;
  readonly page: Page;
  /** Navigates the panel to a route (`#/users`…). */
  go(hash: string): Promise<void>;
  close(): Promise<void>;
}

/** `prepare` runs on the started controller before the panel opens (seeding, enabling…). */
export async function startPanelSession(prepare?: (t: TestController) => Promise<void>): Promise<PanelSession> {
  const served = await serveRenderer();
  const browser = await launchChromium();
  const t = await startController();
  await prepare?.(t);
  const panel = await openPanel(browser, served.url, t.controller);
  const page = panel.page;
  return {
    served,
    browser,
    t,
    panel,
    page,
    async go(hash) {
      await page.evaluate((h) => {
        (globalThis as unknown as { location: { hash: string } }).location.hash = h;
      }, hash);
    },
    async close() {
      await panel.close();
      await browser.close();
      served.server.close();
      await t.stop();
    },
  };
}
