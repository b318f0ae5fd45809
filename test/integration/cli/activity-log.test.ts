/**
 * The request log and the audit trail as an admin meets them through the headless CLI, against
 * a real `serve` process: `log --json` entries with their target, summary and explanation;
 * `history --json` oldest first with the Create; `status --json` with each connection's health
 * and the tunnel; `--activity-keep 100` bounding the successes only; and a flood of 5 000
 * wrong-token requests with 8 KB headers that evicts nothing and grows the data folder by less
 * than 1 MB.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { oktaDeactivate, oktaUser } from '../../../tools/idp/okta';
import { patchOp } from '../../../tools/scim-client';
import { cliProcesses } from '../../support/cli-process';

const scimdesk = cliProcesses({ limitMs: 60_000, dirPrefix: 'scimdesk-log-' });
const { newDir, cli, serve, stop } = scimdesk;

async function json<T>(args: string[]): Promise<T> {
  const res = await cli(args);
  expect(res.code, res.output).toBe(0);
  return JSON.parse(res.stdout) as T;
}

function folderBytes(dir: string): number {
  return readdirSync(dir).reduce((n, name) => {
    const p = join(dir, name);
    const s = statSync(p);
    return n + (s.isDirectory() ? folderBytes(p) : s.size);
  }, 0);
}

interface LogEntry {
  at: string;
  connection: string | null;
  method: string;
  path: string;
  status: number;
  action: string;
  target: string | null;
  summary: string | null;
  explanation: string | null;
  count?: number;
}

/** Sends `n` requests with a wrong token and an 8 KB header, `parallel` at a time, on keep-alive connections. */
async function flood(base: string, n: number, parallel = 32): Promise<Map<number, number>> {
  const agent = new Agent({ keepAlive: true, maxSockets: parallel });
  const statuses = new Map<number, number>();
  const url = new URL(`${base}/Users?filter=${encodeURIComponent('userName eq "x"')}`);
  // 8 KB of headers in all: a long User-Agent (stored cut) and padding.
  const big = 'x'.repeat(4 * 1024);
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, agent, headers: { authorization: 'Bearer scimdesk_notavalidtokennotavalidtokennotavalidtoken', 'user-agent': `flood ${big}`, 'x-padding': big } }, (res) => {
        statuses.set(res.statusCode!, (statuses.get(res.statusCode!) ?? 0) + 1);
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
  let sent = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (sent < n) {
        sent++;
        await one();
      }
    }),
  );
  agent.destroy();
  return statuses;
}

describe('the request log and the audit trail through the CLI', { timeout: 180_000 }, () => {
  it('log, history and status answer with targets, diffs, explanations and health; a flood of refused requests evicts nothing and costs < 1 MB', async () => {
    const dataDir = newDir();
    const enabled = await scimdesk.enable(dataDir);
    const served = await serve(dataDir, { args: ['--activity-keep', '100'] });
    const okta = served.client(enabled.token);

    // Authenticated traffic: creates, a deactivation, a 409, a bad filter, a group push.
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await okta.post('/Users', oktaUser(`flood.user${i}@example.com`, { externalId: `fu-${i}` }));
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    expect((await okta.patch(`/Users/${ids[0]}`, oktaDeactivate)).status).toBe(200);
    expect((await okta.post('/Users', oktaUser('FLOOD.user1@example.com'))).status).toBe(409);
    expect((await okta.get(`/Users?filter=${encodeURIComponent('userName xx "a"')}`)).status).toBe(400);
    const group = await okta.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Finance EMEA', members: [] });
    expect(group.status).toBe(201);
    expect((await okta.patch(`/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: ids.slice(0, 7).map((value) => ({ value })) }))).status).toBe(204);
    const authenticated = 20 + 1 + 1 + 1 + 1 + 1;
    await new Promise((r) => setTimeout(r, 300)); // the log writes within ~50 ms

    const before = await json<LogEntry[]>(['log', '--json', '--limit', '1000', '--data-dir', dataDir]);
    expect(before).toHaveLength(authenticated);
    // Newest first; every entry names its target; every failure explains itself.
    expect(before[0]).toMatchObject({ action: 'Push group members', target: 'Finance EMEA', summary: '+7 members', status: 204, connection: 'okta' });
    expect(before.find((e) => e.status === 409)).toMatchObject({ target: 'FLOOD.user1@example.com', explanation: expect.stringMatching(/already exists.*open it/) });
    expect(before.find((e) => e.status === 400)!.explanation).toMatch(/refused: .*filter/i);
    expect(before.find((e) => e.action === 'Deactivate user')).toMatchObject({ target: 'flood.user0@example.com', summary: 'active: true → false' });
    for (const e of before) {
      expect(Object.keys(e)).toEqual(expect.arrayContaining(['at', 'connection', 'method', 'path', 'status', 'action', 'target', 'explanation']));
      if (e.status >= 400) expect(typeof e.explanation).toBe('string');
      else expect(e.explanation).toBeNull();
    }
    const errorsOnly = await json<LogEntry[]>(['log', '--json', '--errors', '--data-dir', dataDir]);
    expect(errorsOnly.map((e) => e.status).sort()).toEqual([400, 409]);

    const sizeBefore = folderBytes(dataDir);
    const statuses = await flood(served.base, 5_000);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(5_000);
    expect([...statuses.keys()].sort()).toEqual([401, 429]);
    await new Promise((r) => setTimeout(r, 500));
    // Every authenticated entry is still there, and the flood is two aggregates, not 5 000 rows.
    const after = await json<LogEntry[]>(['log', '--json', '--limit', '1000', '--connection', 'okta', '--data-dir', dataDir]);
    expect(after.map((e) => e.at + e.path + e.status)).toEqual(before.map((e) => e.at + e.path + e.status));
    const refused = await json<LogEntry[]>(['log', '--json', '--connection', 'none', '--data-dir', dataDir]);
    expect(refused.map((e) => [e.status, e.count])).toEqual(expect.arrayContaining([[401, expect.any(Number)], [429, expect.any(Number)]]));
    expect(refused.reduce((n, e) => n + (e.count ?? 0), 0)).toBe(5_000);
    expect(refused.find((e) => e.status === 429)!.explanation).toMatch(/Throttled/);
    for (const e of refused) expect(e.path.length).toBeLessThanOrEqual(600);
    const grown = folderBytes(dataDir) - sizeBefore;
    expect(grown, `the data folder grew by ${grown} bytes`).toBeLessThan(1024 * 1024);

    // The audit trail: oldest first, the Create first, then the change as before → after.
    const history = await json<{ at: string; connection: string; action: string; changes: { field: string; before?: unknown; after?: unknown }[] }[]>(['history', '--user', 'flood.user0@example.com', '--json', '--data-dir', dataDir]);
    expect(history.map((h) => h.action)).toEqual(['create', 'deactivate']);
    expect(history[0]!.changes).toContainEqual({ field: 'userName', after: 'flood.user0@example.com' });
    expect(history[1]).toMatchObject({ connection: 'okta', changes: [{ field: 'active', before: true, after: false }] });
    const groupHistory = await json<{ action: string; members: { added: number; addedSample: string[] } | null }[]>(['history', '--group', 'finance emea', '--json', '--data-dir', dataDir]);
    expect(groupHistory.map((h) => h.action)).toEqual(['create', 'members']);
    expect(groupHistory[1]!.members).toMatchObject({ added: 7, addedSample: ['flood.user0@example.com', 'flood.user1@example.com', 'flood.user2@example.com', 'flood.user3@example.com', 'flood.user4@example.com'] });
    const table = await cli(['history', '--user', 'flood.user0@example.com', '--data-dir', dataDir]);
    expect(table.stdout).toMatch(/create .*Okta .*Created/);
    expect(table.stdout).toMatch(/active: true → false/);
    expect((await cli(['history', '--user', 'nobody@example.com', '--data-dir', dataDir])).code).toBe(1);

    // Status: the health of each connection and the running server's tunnel.
    const status = await json<{ server: { running: boolean }; tunnel: { state: string }; connections: { name: string; health: { state: string; sentence: string; lastSuccessAt: string | null; failuresLastHour: number } }[] }>(['status', '--json', '--data-dir', dataDir]);
    expect(status.server.running).toBe(true);
    expect(status.tunnel.state).toBe('off');
    const oktaHealth = status.connections.find((c) => c.name === 'okta')!.health;
    expect(oktaHealth).toMatchObject({ state: 'ok', lastSuccessAt: expect.any(String), failuresLastHour: 2 });
    expect(oktaHealth.sentence).toMatch(/^Okta's last request succeeded at \d\d:\d\d; 2 requests failed in the last hour$/);
    expect(status.connections.find((c) => c.name === 'entra')!.health).toMatchObject({ state: 'idle', sentence: 'No requests from Microsoft Entra ID yet' });

    expect((await stop(served)).code).toBe(0);
    // Stopped: status says so; the log is still readable.
    expect((await json<{ server: { running: boolean }; tunnel: { state: string } }>(['status', '--json', '--data-dir', dataDir])).tunnel.state).toBe('not-running');
    expect(await json<LogEntry[]>(['log', '--json', '--limit', '1000', '--connection', 'okta', '--data-dir', dataDir])).toHaveLength(authenticated);
  });

  it('serve --activity-keep N keeps the newest N successful requests; failed ones are kept apart', async () => {
    const dataDir = newDir();
    const enabled = await scimdesk.enable(dataDir);
    const served = await serve(dataDir, { args: ['--activity-keep', '100'] });
    const okta = served.client(enabled.token);
    expect((await okta.get('/Users/no-such-user')).status).toBe(404);
    for (let round = 0; round < 12; round++) {
      const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => okta.get(`/Users?filter=${encodeURIComponent(`userName eq "keep${round}.${i}@example.com"`)}`)));
      expect(answers.every((a) => a.status === 200)).toBe(true);
      await new Promise((r) => setTimeout(r, 60)); // a batch of the log each round
    }
    expect((await stop(served)).code).toBe(0);
    const entries = await json<LogEntry[]>(['log', '--json', '--limit', '1000', '--data-dir', dataDir]);
    const ok = entries.filter((e) => e.status === 200);
    expect(ok).toHaveLength(100);
    // The newest: the last four rounds, none of the first; the lookups name what they looked up.
    expect(ok[0]!.target).toMatch(/^keep11\./);
    expect(ok.some((e) => e.target?.startsWith('keep0.'))).toBe(false);
    // The 404 of the very first request survived 300 successes.
    expect(entries.filter((e) => e.status === 404)).toHaveLength(1);
  });

  it('log --follow prints new entries as JSON lines until stopped', async () => {
    const dataDir = newDir();
    const enabled = await scimdesk.enable(dataDir);
    const served = await serve(dataDir);
    const okta = served.client(enabled.token);
    const follow = scimdesk.start(['log', '--follow', '--json', '--data-dir', dataDir]);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await okta.post('/Users', oktaUser('followed@example.com'))).status).toBe(201);
    await scimdesk.waitFor(follow, /followed@example\.com/, 'the followed entry');
    const exit = await stop(follow, 'SIGINT');
    expect(exit.code).toBe(0);
    const line = exit.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogEntry).find((e) => e.target === 'followed@example.com');
    expect(line).toMatchObject({ action: 'Create user', status: 201, connection: 'okta' });
    await stop(served);
  });
});
