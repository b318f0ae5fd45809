/**
 * Demo data at the sizes the bench and screenshots need: seedDirectory provisions hundreds of
 * groups over real SCIM requests, and the panel lists them all, the Asia-Pacific offices'
 * local-script names drawn with real glyphs (a missing CJK font draws identical boxes).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PanelSession, startPanelSession } from '../support/panel-session';
import { type Seeded, seedDirectory } from '../../tools/seed';

const GROUPS = 300;

let session: PanelSession;
let seeded: Seeded;
let page: Page;

beforeAll(async () => {
  session = await startPanelSession(async (started) => {
    seeded = await seedDirectory(started.controller, { users: 30, groups: GROUPS });
  });
  ({ page } = session);
}, 180_000);

afterAll(async () => session?.close());

describe('seeding beyond the names the generator draws at random', () => {
  it(`provisions ${GROUPS} distinct groups, and the Groups screen counts them all`, async () => {
    expect(new Set(seeded.groupIds).size).toBe(GROUPS);
    await session.go('/groups');
    await expect.poll(() => page.locator('.toolbar-count').textContent()).toBe(`${GROUPS} groups`);
  });

  it('shows the local-script group names with real glyphs, not boxes', async () => {
    await page.getByLabel('Search groups').fill('部');
    const cell = page.locator('table tbody tr .cell-primary').first();
    await expect.poll(() => cell.textContent()).toMatch(/部/);
    // Two different ideographs drawn in the cell's own font: a missing CJK font makes both the same box.
    const distinct = await cell.evaluate((el) => {
      const g = globalThis as any;
      const font = g.getComputedStyle(el).font as string;
      const draw = (ch: string): string => {
        const canvas = g.document.createElement('canvas');
        canvas.width = 64;
        canvas.height = 64;
        const ctx = canvas.getContext('2d');
        ctx.font = font;
        ctx.fillText(ch, 4, 48);
        return canvas.toDataURL();
      };
      return draw('開') !== draw('部') && draw('부') !== draw('산');
    });
    expect(distinct).toBe(true);
  });
});
