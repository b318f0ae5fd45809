/**
 * Wrong-token throttling over real HTTP, with a short window (5 failures per 2 s):
 * a client guessing tokens gets 401 until it has used up its failures, then 429 with
 * Retry-After and a SCIM body; its valid token is never throttled; after the window it is
 * let back in. The client is the socket peer, so a forged X-Forwarded-For on a direct
 * connection changes nothing. Through the tunnel no caller's address is known (the localtunnel
 * server, like tools/tunnel-server.ts, adds no X-Forwarded-For): every tunnel request is one
 * client, "tunnel", so callers changing the header, or their own address, share one budget.
 *
 * Distinct callers are distinct loopback source addresses (127.0.0.2, 127.0.0.3, … bound with
 * `localAddress`). */
import { type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Activity } from '../../../server/core/activity';
import type { StoredRefusal, StoredRequest as ActivityEntry } from '../../../server/store/request-log-reader';
import { oktaUser } from '../../../tools/idp/okta';
import { FAST_TUNNEL, type TestController, online, startController, waitForStatus } from '../../support/controller';
import { ERROR_SCHEMA, OKTA_HEADERS } from '../../../tools/scim-client';
import { type TestServer, startTestServer } from '../../support/scim-server';
import { localhostLookup } from '../../../tools/public-fetch';
import { TestTunnelServer } from '../../../tools/tunnel-server';

const LIMITS = { maxFailures: 5, windowMs: 2000, maxClients: 100 } as const;
const WRONG = 'Bearer scimdesk_wrongwrongwrongwrongwrongwrongwrongwrongwr';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  readonly body: any;
}

interface SendOptions {
  /** The loopback source address to connect from (default: the system's choice, 127.0.0.1). */
  readonly from?: string;
  readonly method?: string;
  readonly authorization?: string;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

/** One request on a fresh connection (no keep-alive), optionally from a given source address. */
function send(url: string, options: SendOptions = {}): Promise<Reply> {
  const target = new URL(url);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string | number> = { ...OKTA_HEADERS, ...options.headers };
  if (options.authorization !== undefined) headers['authorization'] = options.authorization;
  if (payload !== undefined) headers['content-length'] = Buffer.byteLength(payload);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        agent: false,
        headers,
        lookup: localhostLookup as never,
        ...(options.from ? { localAddress: options.from } : {}),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error(`no answer from ${url} within 15 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

function expectScimError(res: Reply, status: number): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
  expect(res.body, res.text).toMatchObject({ schemas: [ERROR_SCHEMA], status: String(status) });
  expect(typeof res.body.detail).toBe('string');
  expect(res.body.scimType).toBeUndefined();
}

/** A 429 as the limiter answers it: SCIM body and Retry-After in whole seconds, at least 1. */
function expectThrottled(res: Reply): number {
  expectScimError(res, 429);
  const retryAfter = res.headers['retry-after'];
  expect(retryAfter, 'Retry-After header').toMatch(/^\d+$/);
  const seconds = Number(retryAfter);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(Math.ceil(LIMITS.windowMs / 1000));
  return seconds;
}

/**
 * Sends wrong tokens until a 429 (at most maxFailures + 1 attempts, which must be enough) and
 * returns every answer. `vary(i)` may add headers per attempt.
 */
async function failUntilThrottled(url: string, from: string | undefined, vary: (i: number) => Record<string, string> = () => ({})): Promise<Reply[]> {
  const answers: Reply[] = [];
  for (let i = 0; i <= LIMITS.maxFailures; i++) {
    const res = await send(url, { ...(from ? { from } : {}), authorization: WRONG, headers: { 'user-agent': `guesser ${from ?? 'default'} #${i}`, ...vary(i) } });
    answers.push(res);
    if (res.status === 429) break;
    expectScimError(res, 401);
  }
  expect(answers.map((a) => a.status).at(-1), `statuses: ${answers.map((a) => a.status).join(', ')}`).toBe(429);
  // Never before the client had some 401s: a client is not throttled on its first mistakes.
  expect(answers.slice(0, LIMITS.maxFailures - 1).every((a) => a.status === 401)).toBe(true);
  expectThrottled(answers.at(-1)!);
  return answers;
}

/** Activity entries matching `predicate`, once at least `n` are recorded (recording follows the response). */
/** Authenticated requests in the request log matching `predicate`, once there are `n`. */
async function recorded(activity: Activity, predicate: (e: ActivityEntry) => boolean, n: number): Promise<ActivityEntry[]> {
  let found: ActivityEntry[] = [];
  for (let i = 0; i < 300 && found.length < n; i++) {
    await activity.settled();
    found = activity.reader.list({ limit: 500 }).filter(predicate);
    if (found.length < n) await sleep(10);
  }
  return found;
}

/** The refused-request aggregates from one client address (written with the next batch). */
async function refusedFrom(activity: Activity, ip: string): Promise<StoredRefusal[]> {
  await activity.settled();
  return activity.reader.refused(1000).filter((r) => r.clientIp === ip);
}

describe('wrong-token throttling on direct connections', () => {
  let t: TestServer;
  let users: string;

  beforeEach(async () => {
    t = await startTestServer({ authLimits: LIMITS });
    users = `${t.base}/Users`;
  });
  afterEach(async () => t?.stop());

  it(`the first ${LIMITS.maxFailures} wrong tokens are 401, then 429 with Retry-After and a SCIM body`, async () => {
    const answers: Reply[] = [];
    for (let i = 0; i < LIMITS.maxFailures + 2; i++) answers.push(await send(users, { authorization: WRONG }));
    // The whole sequence first, so a failure shows where throttling began.
    expect(answers.map((a) => a.status)).toEqual([...Array<number>(LIMITS.maxFailures).fill(401), 429, 429]);
    for (const res of answers.slice(0, LIMITS.maxFailures)) {
      expectScimError(res, 401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    for (const res of answers.slice(LIMITS.maxFailures)) {
      expectThrottled(res);
      expect(res.body.detail).toMatch(/try again/i);
    }
  });

  it('while throttled, the valid token from the same client still gets 200 (and can write)', async () => {
    await failUntilThrottled(users, undefined);
    const ok = await send(users, { authorization: `Bearer ${t.tokens.okta}` });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    const created = await send(users, { method: 'POST', authorization: `Bearer ${t.tokens.okta}`, body: oktaUser('throttled.but.valid@x.com') });
    expect(created.status, created.text).toBe(201);
    // The other connection's valid token too.
    expect((await send(users, { authorization: `Bearer ${t.tokens.entra}` })).status).toBe(200);
    // And the guessing client is still throttled.
    expectThrottled(await send(users, { authorization: WRONG }));
  });

  it('after the window has passed (Retry-After), a wrong token is 401 again', async () => {
    const answers = await failUntilThrottled(users, undefined);
    const wait = expectThrottled(answers.at(-1)!);
    await sleep(wait * 1000 + 250);
    const again = await send(users, { authorization: WRONG });
    expectScimError(again, 401);
    // A fresh window: the client is counted from zero.
    expect((await send(users, { authorization: WRONG })).status).toBe(401);
  });

  it('a forged X-Forwarded-For on a direct connection is not trusted: every attempt counts against the loopback peer', async () => {
    const forged = (i: number) => ({ 'x-forwarded-for': i % 2 ? `203.0.113.${i + 1}` : `198.51.100.${i + 1}, 192.0.2.${i + 1}` });
    const answers = await failUntilThrottled(users, '127.0.0.1', forged);
    expect(answers.length).toBeLessThanOrEqual(LIMITS.maxFailures + 1);
    // Even a forged header naming a fresh address is still the same (throttled) client.
    expectThrottled(await send(users, { from: '127.0.0.1', authorization: WRONG, headers: { 'x-forwarded-for': '192.0.2.200' } }));

    // The request log counts them against the socket peer, never a forged address: one
    // aggregate per status (401, then 429), not a row each.
    const mine = await refusedFrom(t.core.activity, '127.0.0.1');
    expect(mine.map((r) => r.status).sort()).toEqual([401, 429]);
    expect(mine.reduce((n, r) => n + r.count, 0)).toBe(answers.length + 1);
    const all = await t.core.activity.reader.refused(1000);
    expect(all.every((r) => r.clientIp === '127.0.0.1')).toBe(true);

    // Another peer address is another client: not throttled.
    const other = await send(users, { from: '127.0.0.2', authorization: WRONG });
    expectScimError(other, 401);
  });
});

describe('wrong-token throttling through the tunnel', () => {
  let tunnel: TestTunnelServer;
  let t: TestController;
  let scimUrl: string;
  let token: string;

  beforeAll(async () => {
    tunnel = await TestTunnelServer.start();
    t = await startController({ tunnel: { mode: 'localtunnel', host: tunnel.hostUrl, subdomain: 'auth-abuse' }, tunnelTiming: FAST_TUNNEL, authLimits: LIMITS });
    const status = await waitForStatus(t.controller, online, 15_000, 'tunnel online');
    scimUrl = status.scimUrl!;
    expect(scimUrl).toBe(`${tunnel.publicUrl('auth-abuse')}/scim/v2`);
    token = (await t.controller.core.connections.setEnabled('okta', true)).token!;
    expect(token).toBeTruthy();
  });
  afterAll(async () => {
    await t?.stop();
    await tunnel?.close();
  });
  // Each test starts with the tunnel's budget unused.
  beforeEach(() => sleep(LIMITS.windowMs + 100));

  it('a changing X-Forwarded-For (and changing source addresses) buys no extra wrong tokens: the tunnel has one budget in total', async () => {
    const callers = ['127.0.0.2', '127.0.0.3', '127.0.0.4'];
    const statuses: number[] = [];
    for (let i = 0; i < 3 * LIMITS.maxFailures; i++) {
      const res = await send(`${scimUrl}/Users`, {
        from: callers[i % callers.length]!,
        authorization: WRONG,
        headers: { 'user-agent': `guesser #${i}`, 'x-forwarded-for': `203.0.113.${i + 1}` },
      });
      statuses.push(res.status);
      if (res.status === 429) expectThrottled(res);
      else expectScimError(res, 401);
    }
    const accepted = statuses.filter((s) => s === 401).length;
    console.log(`through the tunnel: ${accepted} of ${statuses.length} spoofed wrong-token attempts answered 401 before throttling (limit ${LIMITS.maxFailures})`);
    expect(accepted).toBe(LIMITS.maxFailures);
    expect(statuses.slice(LIMITS.maxFailures)).toEqual(Array(statuses.length - LIMITS.maxFailures).fill(429));
    expect(tunnel.requestsProxied).toBeGreaterThanOrEqual(statuses.length);
    // The 429 says why every caller is throttled together.
    const throttled = await send(`${scimUrl}/Users`, { from: '127.0.0.5', authorization: WRONG, headers: { 'x-forwarded-for': '198.51.100.9' } });
    expect(throttled.body.detail).toMatch(/through the tunnel/);
    // A valid token is never throttled, whoever sends it.
    for (const from of callers) {
      const ok = await send(`${scimUrl}/Users`, { from, authorization: `Bearer ${token}`, headers: { 'user-agent': `valid ${from}` } });
      expect(ok.status, ok.text).toBe(200);
    }
  });

  it('the request log and the connection show "tunnel" as the address of tunnel requests, never what a header claims', async () => {
    const created = await send(`${scimUrl}/Users`, {
      from: '127.0.0.6',
      method: 'POST',
      authorization: `Bearer ${token}`,
      headers: { 'user-agent': 'client C', 'x-forwarded-for': '203.0.113.77' },
      body: oktaUser('via.tunnel@x.com'),
    });
    expect(created.status, created.text).toBe(201);
    const refused = await send(`${scimUrl}/Users`, { from: '127.0.0.6', authorization: WRONG, headers: { 'user-agent': 'client C', 'x-forwarded-for': '203.0.113.78' } });
    expectScimError(refused, 401);

    const entries = await recorded(t.controller.core.activity, (e) => e.userAgent === 'client C', 1);
    expect(entries.map((e) => [e.status, e.clientIp])).toEqual([[201, 'tunnel']]);
    expect((await t.controller.panel.getActivity(entries[0]!.seq)).clientIp).toBe('tunnel');
    const all = await t.controller.core.activity.reader.refused(1000);
    expect(all.length).toBeGreaterThan(0);
    expect(all.every((r) => r.clientIp === 'tunnel')).toBe(true);
    const okta = t.controller.core.connections.statuses().find((c) => c.name === 'okta')!;
    expect(okta.lastUsedIp).toBe('tunnel');
  });

  it('a direct request to the local port of a tunnelled server does not trust X-Forwarded-For', async () => {
    const local = `${t.controller.status().server.localUrl}/scim/v2/Users`;
    const D = '127.0.0.5';
    const res = await send(local, { from: D, authorization: `Bearer ${token}`, headers: { 'user-agent': 'client D', 'x-forwarded-for': '127.0.0.2' } });
    expect(res.status).toBe(200);
    const [entry] = await recorded(t.controller.core.activity, (e) => e.userAgent === 'client D', 1);
    expect(entry?.clientIp).toBe(D);
  });
});
