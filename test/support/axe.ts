/**
 * axe-core's serious and critical violations on the page, or inside what a selector matches, run in
 * the page (evaluated over the DevTools protocol, so the page's CSP is untouched).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

export async function seriousViolations(page: Page, within?: string): Promise<AxeViolation[]> {
  await page.evaluate(AXE);
  const result = await page.evaluate(
    (selector) => {
      const g = globalThis as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: unknown[] }> }; document: unknown };
      // The selector itself, not the element it finds: axe throws when it matches nothing (a
      // null context would quietly audit the whole page instead).
      return g.axe.run(selector ?? g.document, { resultTypes: ['violations'] });
    },
    within ?? null,
  );
  return (result.violations as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
