/**
 * What the costly-requests test and bench share: a directory of 100 000 users seeded through
 * the store (in seconds, not the minutes POST /Users takes), and the measure of how long a
 * costly request holds up everyone else — the slowest of the `userName eq` lookups (Okta's
 * most frequent request) one client makes, one after another, while the costly request runs.
 */
import { randomUUID } from 'node:crypto';
import { Core } from '../server/core/core';
import { FileSecretStore } from '../server/secrets/file-store';
import type { ScimClient, ScimResponse } from './scim-client';

export const COSTLY_USERS = 100_000;
export const COSTLY_GROUPS = 50;
/** Emails of the one user seeded as a directory written before the per-attribute limit could hold it. */
export const CROWDED_EMAILS = 20_000;

export interface CostlyDirectory {
  readonly token: string;
  /** The id of the user with CROWDED_EMAILS emails. */
  readonly crowded: string;
}

export const userNameOf = (i: number): string => `user${i}@costly.example`;

/** COSTLY_USERS users (user i in group "Group <i mod COSTLY_GROUPS>"), those groups, and the crowded user; okta enabled. */
export async function seedCostlyDirectory(dataDir: string): Promise<CostlyDirectory> {
  const core = new Core({ dataDir, secretStore: new FileSecretStore(dataDir) });
  try {
    const { token } = await core.connections.setEnabled('okta', true);
    const now = new Date().toISOString();
    let crowded = '';
    core.db.transaction(() => {
      const { users, groups, memberships } = core.directory;
      const seqs: number[][] = Array.from({ length: COSTLY_GROUPS }, () => []);
      for (let i = 0; i < COSTLY_USERS; i++) {
        const attrs = { userName: userNameOf(i), displayName: `User ${i}`, emails: [{ value: userNameOf(i), type: 'work', primary: true }], active: true };
        seqs[i % COSTLY_GROUPS]!.push(users.insert(randomUUID(), attrs, 'okta', now).seq);
      }
      for (let g = 0; g < COSTLY_GROUPS; g++) memberships.addMany(groups.insert(randomUUID(), { displayName: `Group ${g}` }, 'okta', now).seq, seqs[g]!);
      const emails = Array.from({ length: CROWDED_EMAILS }, (_, k) => ({ value: `crowded${k}@costly.example`, type: 'other' }));
      crowded = users.insert(randomUUID(), { userName: 'crowded@costly.example', emails }, 'okta', now).id;
    })();
    core.db.pragma('wal_checkpoint(TRUNCATE)');
    return { token: token!, crowded };
  } finally {
    core.close();
  }
}

export function lookup(client: ScimClient, i: number): Promise<ScimResponse> {
  return client.get(`/Users?filter=${encodeURIComponent(`userName eq "${userNameOf(i)}"`)}`);
}

export interface Blocking<T> {
  /** The costly request's answer (of the run measured). */
  readonly result: T;
  /** The slowest lookup while `costly` ran, in ms. */
  readonly slowestMs: number;
  readonly lookups: number;
}

/**
 * Runs `costly` while one client looks users up one after another (at least five lookups);
 * `check` sees every lookup's answer (the test asserts each found its user).
 */
export async function whileLookingUp<T>(client: ScimClient, costly: () => Promise<T>, check: (res: ScimResponse) => void = () => undefined): Promise<Blocking<T>> {
  let done = false;
  const work = costly().finally(() => (done = true));
  let slowestMs = 0;
  let lookups = 0;
  while (!done || lookups < 5) {
    const t0 = performance.now();
    const res = await lookup(client, Math.floor(Math.random() * COSTLY_USERS));
    slowestMs = Math.max(slowestMs, performance.now() - t0);
    lookups++;
    check(res);
  }
  return { result: await work, slowestMs, lookups };
}

/**
 * whileLookingUp, run again (up to `attempts` runs in all) while the slowest lookup is not
 * under `underMs`; gives the run with the fastest slowest lookup. On a machine shared with
 * other work a lookup is descheduled now and then (a load average of 7 on 2 cores stalled
 * idle lookups for 190 ms); a request that blocks the server does so on every run. `costly`
 * must be repeatable (a read, or a write that gives the same result twice).
 */
export async function bestOf<T>(attempts: number, underMs: number, client: ScimClient, costly: () => Promise<T>, check?: (res: ScimResponse) => void): Promise<Blocking<T>> {
  let best = await whileLookingUp(client, costly, check);
  for (let i = 1; i < attempts && best.slowestMs >= underMs; i++) {
    const next = await whileLookingUp(client, costly, check);
    if (next.slowestMs < best.slowestMs) best = next;
  }
  return best;
}

/** `groups[display co "q0"] or …`: n comparisons, each a sub-query per user, matching nobody. */
export const groupTerms = (n: number): string => Array.from({ length: n }, (_, k) => `groups[display co "q${k}"]`).join(' or ');
