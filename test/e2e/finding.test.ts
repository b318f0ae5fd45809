/**
 * Finding people and groups in the panel, in real headless Chromium over the real core:
 * searches fold accents whichever side carries them, and a part of an id finds its resource.
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
