/**
 * Crash safety of the headless server: the real CLI (`node --import tsx server/cli/main.ts serve`)
 * over a real SQLite file in WAL mode, a 10 000-user Okta import over real HTTP with 16
 * concurrent creates, and a SIGKILL while creates are in flight. Afterwards the store must open
 * cleanly, every create that was answered 201 must be there exactly as it was sent, nothing may
 * be half-written, and the import must be able to finish (no spurious 409s).
 *
 * The token hashes live in the opt-in file store (`--secret-store file`), so no keychain is used.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { oktaUser } from '../../../tools/idp/okta';
import { ERROR_SCHEMA, ScimClient } from '../../../tools/scim-client';
import { cliProcesses, lines } from '../../support/cli-process';

/** One CLI command may take 30 s before the test gives up on it (a hang is a failure). */
const { newDir, cli, enable, serve, stop } = cliProcesses({ limitMs: 30_000, dirPrefix: 'scimdesk-crash-' });
const TEST_TIMEOUT_MS = 300_000;

const TOTAL_USERS = 10_000;
const CONCURRENCY = 16;
/** The kill comes once this many creates were answered 201 (somewhere in 3 000–5 000). */
const KILL_AFTER = 3_000 + Math.floor(Math.random() * 2_001);
/** Attributes compared between what was sent and what is stored. */
const COMPARED = ['userName', 'name', 'emails', 'externalId', 'active', 'displayName', 'locale'] as const;

/** The i-th user of the import: Okta's create body with its own userName, name and externalId. */
function importedUser(i: number): Record<string, unknown> {
  const userName = `import.user.${String(i).padStart(5, '0')}@example.com`;
  return oktaUser(userName, {
    externalId: `00u${String(i).padStart(8, '0')}crash`,
    name: { givenName: `Given${i}`, familyName: `Family${i}` },
    displayName: `Given${i} Family${i}`,
    active: i % 7 !== 0,
  });
}

/** Index of an imported user from its userName. */
function indexOf(userName: unknown): number | undefined {
  const m = typeof userName === 'string' ? /^import\.user\.(\d{5})@example\.com$/.exec(userName) : null;
  return m ? Number(m[1]) : undefined;
}

/** Differences between a stored user and what was sent for it ([] when it is complete and exact). */
function differences(stored: Record<string, unknown>, sent: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of COMPARED) {
    if (JSON.stringify(normalise(stored[key])) !== JSON.stringify(normalise(sent[key]))) out.push(`${key}: sent ${JSON.stringify(sent[key])}, stored ${JSON.stringify(stored[key])}`);
  }
  if ('password' in stored) out.push('password is returned');
  if (typeof stored['id'] !== 'string' || !stored['id']) out.push('no id');
  return out;
}

/** Object keys sorted, so the comparison ignores key order only. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, normalise((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** Runs `work` over `items` with at most `limit` at once. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

type Outcome =
  /** Never sent. */
  | { readonly kind: 'unsent' }
  /** Sent; no answer yet. */
  | { readonly kind: 'in-flight' }
  /** Answered 201. */
  | { readonly kind: 'created'; readonly id: string }
  /** Sent, but the connection died before an answer (the kill): it may or may not be committed. */
  | { readonly kind: 'unknown'; readonly error: string }
  /** Answered with anything but 201 (never expected). */
  | { readonly kind: 'refused'; readonly status: number; readonly text: string };

describe('crash safety', () => {
  it(
    'SIGKILL during a 10 000-user import: every 201 is there as sent, nothing half-written, the store opens cleanly, the import can finish',
    async () => {
      const dataDir = newDir();
      const dbFile = join(dataDir, 'scimdesk.db');

      const { token } = await enable(dataDir, { args: ['--secret-store', 'file'] });

      // --- The import, killed part-way --------------------------------------------------------
      const first = await serve(dataDir, { args: ['--secret-store', 'file'] });
      const okta = new ScimClient(first.base, `Bearer ${token}`);
      const outcomes: Outcome[] = Array.from({ length: TOTAL_USERS }, () => ({ kind: 'unsent' }));
      let created = 0;
      let inFlight = 0;
      let killed = false;
      let inFlightAtKill = -1;
      let next = 0;
      const importStarted = performance.now();

      const worker = async (): Promise<void> => {
        while (!killed && next < TOTAL_USERS) {
          const i = next++;
          outcomes[i] = { kind: 'in-flight' };
          inFlight++;
          try {
            const res = await okta.post('/Users', importedUser(i));
            if (res.status === 201) {
              outcomes[i] = { kind: 'created', id: res.body.id };
              created++;
            } else {
              outcomes[i] = { kind: 'refused', status: res.status, text: res.text.slice(0, 300) };
            }
          } catch (err) {
            const cause = (err as { cause?: { code?: string; message?: string } }).cause;
            outcomes[i] = { kind: 'unknown', error: cause?.code ?? cause?.message ?? (err as Error).message };
          } finally {
            inFlight--;
          }
          if (!killed && created >= KILL_AFTER) {
            killed = true;
            // This worker's request is done; the other workers' requests are still on the wire.
            inFlightAtKill = inFlight;
            first.child.kill('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const importMs = performance.now() - importStarted;

      const crashed = await first.exited;
      expect(crashed.signal).toBe('SIGKILL');
      expect(killed).toBe(true);
      // The kill really hit a server with creates in flight.
      expect(inFlightAtKill).toBeGreaterThan(0);
      const refused = outcomes.flatMap((o, i) => (o.kind === 'refused' ? [`#${i}: ${o.status} ${o.text}`] : []));
      expect(refused, 'no create may be refused during the import').toEqual([]);
      expect(outcomes.filter((o) => o.kind === 'in-flight')).toHaveLength(0);

      const createdIdx = outcomes.flatMap((o, i) => (o.kind === 'created' ? [i] : []));
      const unknownIdx = outcomes.flatMap((o, i) => (o.kind === 'unknown' ? [i] : []));
      const unsentIdx = outcomes.flatMap((o, i) => (o.kind === 'unsent' ? [i] : []));
      expect(createdIdx.length).toBe(created);
      expect(createdIdx.length).toBeGreaterThanOrEqual(KILL_AFTER);
      expect(createdIdx.length + unknownIdx.length + unsentIdx.length).toBe(TOTAL_USERS);
      // The SIGKILL left the write-ahead log behind (no clean close happened).
      const walLeft = existsSync(`${dbFile}-wal`);

      // --- The store opens cleanly (integrity check at open) -----------------------------------
      const status = await cli(['status', '--json', '--data-dir', dataDir, '--secret-store', 'file']);
      expect(status.stderr).toBe('');
      expect(status.code).toBe(0);
      const counts = JSON.parse(status.stdout) as { users: number; groups: number };
      expect(counts.users).toBeGreaterThanOrEqual(createdIdx.length);
      expect(counts.users).toBeLessThanOrEqual(createdIdx.length + unknownIdx.length);
      expect(counts.groups).toBe(0);

      // --- Restart: every 201 is there, exactly as sent ----------------------------------------
      const second = await serve(dataDir, { args: ['--secret-store', 'file'] });
      const client = new ScimClient(second.base, `Bearer ${token}`);
      const missingOrWrong: string[] = [];
      await pool(createdIdx, CONCURRENCY, async (i) => {
        const id = (outcomes[i] as { id: string }).id;
        const res = await client.get(`/Users/${id}`);
        if (res.status !== 200) {
          missingOrWrong.push(`#${i} (${id}): GET ${res.status}`);
          return;
        }
        const diff = differences(res.body, importedUser(i));
        if (res.body.id !== id) diff.push(`id ${res.body.id}`);
        if (diff.length) missingOrWrong.push(`#${i} (${id}): ${diff.join('; ')}`);
      });
      expect(missingOrWrong.slice(0, 20), `${missingOrWrong.length} users answered 201 are missing or differ`).toEqual([]);

      // --- Every user present is complete; no user appeared that was never sent ----------------
      const pageSize = 1000;
      const present = new Map<number, string>();
      const broken: string[] = [];
      let totalResults = -1;
      for (let startIndex = 1; ; startIndex += pageSize) {
        const page = await client.get(`/Users?startIndex=${startIndex}&count=${pageSize}`);
        expect(page.status).toBe(200);
        if (totalResults < 0) totalResults = page.body.totalResults;
        expect(page.body.totalResults).toBe(totalResults);
        const resources: Record<string, any>[] = page.body.Resources ?? [];
        for (const user of resources) {
          const i = indexOf(user['userName']);
          if (i === undefined) {
            broken.push(`unexpected user ${JSON.stringify(user).slice(0, 200)}`);
            continue;
          }
          if (present.has(i)) broken.push(`#${i} listed twice`);
          present.set(i, user['id']);
          if (!Array.isArray(user['emails']) || user['emails'].length === 0) broken.push(`#${i}: no emails`);
          const diff = differences(user, importedUser(i));
          if (diff.length) broken.push(`#${i}: ${diff.join('; ')}`);
          const o = outcomes[i]!;
          if (o.kind === 'created' && o.id !== user['id']) broken.push(`#${i}: id ${user['id']}, but the 201 said ${o.id}`);
          if (o.kind !== 'created' && o.kind !== 'unknown') broken.push(`#${i} exists but was ${o.kind}`);
        }
        if (resources.length < pageSize) break;
      }
      expect(broken.slice(0, 20), `${broken.length} listed users are broken`).toEqual([]);
      expect(totalResults).toBeGreaterThanOrEqual(createdIdx.length);
      expect(present.size).toBe(totalResults);
      expect(totalResults).toBe(counts.users);
      const committedInFlight = unknownIdx.filter((i) => present.has(i));

      // --- The rest of the import goes through -------------------------------------------------
      const rest = [...unknownIdx, ...unsentIdx];
      const restProblems: string[] = [];
      let conflicts = 0;
      await pool(rest, CONCURRENCY, async (i) => {
        const res = await client.post('/Users', importedUser(i));
        if (res.status === 201) {
          if (present.has(i)) restProblems.push(`#${i}: listed before, created again (201)`);
          return;
        }
        if (res.status === 409 && outcomes[i]!.kind === 'unknown') {
          // Its request was in flight at the kill: it was committed. It must be whole.
          conflicts++;
          expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '409', scimType: 'uniqueness' });
          const found = await client.get(`/Users?filter=${encodeURIComponent(`userName eq "${importedUser(i)['userName'] as string}"`)}`);
          if (found.body?.totalResults !== 1) restProblems.push(`#${i}: 409 but ${found.body?.totalResults} found`);
          else {
            const diff = differences(found.body.Resources[0], importedUser(i));
            if (diff.length) restProblems.push(`#${i}: 409, stored user differs: ${diff.join('; ')}`);
          }
          return;
        }
        restProblems.push(`#${i} (${outcomes[i]!.kind}): ${res.status} ${res.text.slice(0, 200)}`);
      });
      expect(restProblems.slice(0, 20), `${restProblems.length} of the remaining creates failed`).toEqual([]);
      expect(conflicts).toBe(committedInFlight.length);
      expect((await client.get('/Users?count=0')).body.totalResults).toBe(TOTAL_USERS);

      const stopped = await stop(second);
      expect(stopped.code).toBe(0);
      expect(lines(stopped.stdout).at(-1)).toBe('Stopped.');

      // --- The file itself, read-only ----------------------------------------------------------
      const db = new Database(dbFile, { readonly: true, fileMustExist: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(db.pragma('foreign_key_check')).toEqual([]);
        expect(db.prepare('SELECT count(*) AS n FROM users').get()).toEqual({ n: TOTAL_USERS });
        expect(db.prepare('SELECT count(DISTINCT user_name_ci) AS n FROM users').get()).toEqual({ n: TOTAL_USERS });
        expect(db.prepare("SELECT count(*) AS n FROM users WHERE json_extract(data, '$.password') IS NOT NULL").get()).toEqual({ n: 0 });
      } finally {
        db.close();
      }

      console.log(
        `crash-safety: killed after ${createdIdx.length} creates answered 201 (target ${KILL_AFTER}, ${Math.round(importMs)} ms), ` +
          `${inFlightAtKill} in flight at the kill, ${unknownIdx.length} without an answer of which ${committedInFlight.length} were committed, ` +
          `WAL left behind: ${walLeft}`,
      );
    },
    TEST_TIMEOUT_MS,
  );
});
