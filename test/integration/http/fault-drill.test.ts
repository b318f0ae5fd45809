/**
 * The fault drill (issue 13), end to end over real HTTP against the real controller: armed and
 * cleared through the real IPC handlers, it makes the next N requests of one connection answer
 * 429 or 503 (with Retry-After and an RFC 7644 body, nothing written) or hold the real answer;
 * the request log marks exactly the answers it changed; it ends by itself after its count or at
 * its expiry (the controller's injectable clock moves past it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionName } from '../../../contract/connections';
import { type CallName, INVOKE_CHANNELS, type Result } from '../../../contract/ipc';
import type { ActivitySummary, AppStatus } from '../../../contract/model';
import { type IpcDeps, registerIpc } from '../../../electron/ipc';
import { oktaExistsQuery, oktaUser } from '../../../tools/idp/okta';
import { entraUser } from '../../../tools/idp/entra';
import { ScimClient } from '../../../tools/scim-client';
import { type TestController, startController } from '../../support/controller';

type IpcEvent = Parameters<IpcDeps['isTrustedSender']>[0];
type Handler = (event: IpcEvent, payload?: unknown) => Promise<Result<unknown>>;

let t: TestController;
let clockMs = Date.now();
let call: (name: CallName, payload: unknown) => Promise<Result<AppStatus>>;
const clients = {} as Record<ConnectionName, ScimClient>;
let wrongToken: ScimClient;
let run = 0;

/** A userName no earlier test used. */
const fresh = (what: string): string => `${what}-${++run}@drill.example`;

beforeAll(async () => {
  t = await startController({ now: () => new Date(clockMs) });
  const handlers = new Map<string, Handler>();
  registerIpc({
    ipcMain: { handle: (channel: string, fn: Handler) => void handlers.set(channel, fn), removeHandler: (channel: string) => void handlers.delete(channel) } as unknown as IpcDeps['ipcMain'],
    shell: { openExternal: async () => undefined, showItemInFolder: () => undefined },
    controller: () => ({ controller: t.controller }),
    isTrustedSender: () => true,
  });
  call = (name, payload) => handlers.get(INVOKE_CHANNELS[name])!({} as IpcEvent, payload) as Promise<Result<AppStatus>>;
  const base = `${t.controller.status().server.localUrl}/scim/v2`;
  for (const name of ['okta', 'entra'] as const) {
    const { token } = await t.controller.core.connections.setEnabled(name, true);
    clients[name] = new ScimClient(base, `Bearer ${token}`);
  }
  wrongToken = new ScimClient(base, 'Bearer not-a-scimdesk-token-at-all');
});
afterAll(async () => t?.stop());

async function arm(payload: Record<string, unknown>): Promise<AppStatus> {
  const res = await call('armFaultDrill', payload);
  if (!res.ok) throw new Error(`armFaultDrill refused: ${res.error.message}`);
  return res.value;
}

async function userCount(userName: string): Promise<number> {
  const res = await clients.entra.get(`/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
  expect(res.status).toBe(200);
  return res.body.totalResults as number;
}

/** Okta's log entries after `afterSeq`, oldest first. */
async function oktaEntriesAfter(afterSeq: number): Promise<ActivitySummary[]> {
  const all = await t.controller.core.activity.list({ connection: 'okta', limit: 200 });
  return all.filter((e) => e.seq > afterSeq).reverse();
}

async function lastSeq(): Promise<number> {
  const [last] = await t.controller.core.activity.list({ limit: 1 });
  return last?.seq ?? 0;
}

describe('429 ×3 on Okta', () => {
  it('answers the next 3 Okta requests 429 with Retry-After and a SCIM error, writes nothing, then lets requests through', async () => {
    const before = await lastSeq();
    const status = await arm({ connection: 'okta', kind: '429', count: 3, retryAfterSeconds: 7 });
    expect(status.faultDrills).toEqual([expect.objectContaining({ connection: 'okta', kind: '429', remaining: 3, retryAfterSeconds: 7 })]);

    // A request with no valid token is refused as ever and does not consume the drill.
    expect((await wrongToken.get('/Users')).status).toBe(401);
    // Entra's requests are not Okta's drill.
    expect((await clients.entra.post('/Users', entraUser(fresh('entra'), `ext-${run}`))).status).toBe(201);
    expect(t.controller.status().faultDrills[0]?.remaining).toBe(3);

    const names = [fresh('ada'), fresh('grace')];
    const answers = [await clients.okta.post('/Users', oktaUser(names[0])), await clients.okta.get(oktaExistsQuery(names[1]!)), await clients.okta.post('/Users', oktaUser(names[1]))];
    for (const res of answers) {
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(res.body).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '429', detail: expect.stringMatching(/fault drill/i) });
    }
    // Nothing was written by the drilled creates.
    for (const name of names) expect(await userCount(name)).toBe(0);
    expect(t.controller.status().faultDrills).toEqual([]);

    // The drill is over: the fourth Okta request gets its real answer.
    expect((await clients.okta.post('/Users', oktaUser(names[0]))).status).toBe(201);

    const entries = await oktaEntriesAfter(before);
    const drilled = entries.filter((e) => e.fault !== null);
    expect(drilled.map((e) => [e.method, e.status, e.fault])).toEqual([
      ['POST', 429, '429'],
      ['GET', 429, '429'],
      ['POST', 429, '429'],
    ]);
    for (const e of drilled) expect(e.explanation).toMatch(/^Answered 429 by the fault drill armed at .+ — not a real failure/);
    expect(entries.filter((e) => e.fault === null).map((e) => e.status)).toEqual([201]);

    // The drill's answers are not the IdP's failures: Okta's health does not call them so.
    const okta = t.controller.status().connections.find((c) => c.name === 'okta')!;
    expect(okta.health.state).not.toBe('failing');
    expect(okta.health.sentence).not.toMatch(/failed|failing/);
  });
});

describe('503 and delay', () => {
  it('answers 503 with Retry-After (30 s unless given) and writes nothing', async () => {
    const before = await lastSeq();
    await arm({ connection: 'entra', kind: '503', count: 1 });
    const name = fresh('linus');
    const res = await clients.entra.post('/Users', entraUser(name, `ext-${run}`));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('30');
    expect(res.body).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503', detail: expect.stringMatching(/fault drill/i) });
    expect(await userCount(name)).toBe(0);
    const entries = (await t.controller.core.activity.list({ connection: 'entra', limit: 50 })).filter((e) => e.seq > before);
    expect(entries.filter((e) => e.fault === '503').map((e) => e.method)).toEqual(['POST']);
  });

  it('delay: holds the real answer at least delayMs, and marks it', async () => {
    const before = await lastSeq();
    await arm({ connection: 'okta', kind: 'delay', count: 1, delayMs: 400 });
    const name = fresh('margaret');
    const started = performance.now();
    const res = await clients.okta.post('/Users', oktaUser(name));
    const took = performance.now() - started;
    expect(res.status).toBe(201);
    expect(res.body.userName).toBe(name);
    expect(took).toBeGreaterThanOrEqual(400);
    expect(await userCount(name)).toBe(1);
    const drilled = (await oktaEntriesAfter(before)).filter((e) => e.fault !== null);
    expect(drilled.map((e) => [e.status, e.fault])).toEqual([[201, 'delay']]);
    expect(drilled[0]!.explanation).toMatch(/^Held 400 ms by the fault drill armed at .+ — not a real delay/);
  });

  it('refuses a delay drill without delayMs', async () => {
    const res = await call('armFaultDrill', { connection: 'okta', kind: 'delay', count: 2 });
    expect(res).toEqual({ ok: false, error: { code: 'invalid-settings', message: expect.stringMatching(/delay/i) } });
    expect(t.controller.status().faultDrills).toEqual([]);
  });
});

describe('how a drill ends', () => {
  it('shows in the status while armed; clear ends it; re-arming replaces', async () => {
    await arm({ connection: 'okta', kind: '429', count: 5 });
    const replaced = await arm({ connection: 'okta', kind: '503', count: 2, retryAfterSeconds: 4 });
    expect(replaced.faultDrills).toEqual([expect.objectContaining({ connection: 'okta', kind: '503', remaining: 2, retryAfterSeconds: 4 })]);
    const cleared = await call('clearFaultDrill', { connection: 'okta' });
    expect(cleared.ok && cleared.value.faultDrills).toEqual([]);
    expect((await clients.okta.get(oktaExistsQuery(fresh('nobody')))).status).toBe(200);
  });

  it('ends by itself at its expiry (10 minutes after arming) with requests remaining', async () => {
    const status = await arm({ connection: 'okta', kind: '429', count: 50 });
    const drill = status.faultDrills[0]!;
    expect(Date.parse(drill.expiresAt) - Date.parse(drill.armedAt)).toBe(10 * 60_000);
    expect((await clients.okta.get(oktaExistsQuery(fresh('early')))).status).toBe(429);
    clockMs += 10 * 60_000 + 1_000;
    expect((await clients.okta.get(oktaExistsQuery(fresh('late')))).status).toBe(200);
    expect(t.controller.status().faultDrills).toEqual([]);
  });
});

describe('a stopping server', () => {
  it('answers a request the drill holds now, with its real answer, instead of after the delay', async () => {
    const own = await startController();
    try {
      const { token } = await own.controller.core.connections.setEnabled('okta', true);
      const okta = new ScimClient(`${own.controller.status().server.localUrl}/scim/v2`, `Bearer ${token}`);
      own.controller.core.faultDrills.arm({ connection: 'okta', kind: 'delay', count: 1, delayMs: 60_000 });
      const answer = okta.post('/Users', oktaUser('held@drill.example'));
      // Held once the drill's one request is taken.
      while (own.controller.status().faultDrills.length) await new Promise((resolve) => setTimeout(resolve, 10));
      await own.stop();
      const res = await answer;
      expect(res.status).toBe(201);
      expect(res.body.userName).toBe('held@drill.example');
    } finally {
      await own.stop();
    }
  });
});
