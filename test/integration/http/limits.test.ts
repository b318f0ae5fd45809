/**
 * Every limit the server enforces answers a SCIM error (RFC 7644 §3.12: JSON body with the Error
 * URN, the status as a string, the scimType where one is defined, `application/scim+json`),
 * never a hang, a 500 or an empty answer: body size, filter length and nesting, page size, PATCH
 * operations, slow clients (headers or body), oversized headers, and bytes that are not HTTP.
 * The server keeps serving afterwards, and every answer carries the security headers.
 *
 * Slow clients need short timeouts: the server here is started with
 * headersTimeout 500 ms / requestTimeout 1 s, checked every 100 ms (product: 20 s / 30 s / 1 s).
 * Raw TCP sockets play the misbehaving clients, since fetch cannot stall or send garbage.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FILTER_LIMITS } from '../../../server/scim/filter-parser';
import { DEFAULT_PATCH_LIMITS } from '../../../server/scim/patch';
import { oktaUser } from '../../../tools/idp/okta';
import { ERROR_SCHEMA, OKTA_HEADERS, type ScimClient, type ScimResponse, patchOp } from '../../../tools/scim-client';
import { type TestServer, startTestServer } from '../../support/scim-server';

const BODY_LIMIT = 64 * 1024;
const SLOW_CLIENT_TIMEOUTS = { headersTimeout: 500, requestTimeout: 1000, connectionsCheckingInterval: 100 };
/** Longest a raw exchange may take before it counts as a hang (the server's limits are ~1 s). */
const HANG_MS = 10_000;

const SECURITY_HEADERS: Readonly<Record<string, RegExp>> = {
  'x-content-type-options': /^nosniff$/i,
  'cache-control': /(^|,\s*)no-store(\s*,|$)/i,
  'content-security-policy': /(^|;\s*)default-src 'none'(\s*;|$)/,
  'x-frame-options': /^DENY$/i,
  'cross-origin-resource-policy': /^same-origin$/i,
};

/** RFC 7644 §3.12 status codes that define a scimType; the others must not carry one. */
const SCIM_TYPES = ['invalidFilter', 'tooMany', 'uniqueness', 'mutability', 'invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'invalidVers', 'sensitive'];

let t: TestServer;
let okta: ScimClient;

beforeAll(async () => {
  t = await startTestServer({ bodyLimit: BODY_LIMIT, http: SLOW_CLIENT_TIMEOUTS });
  okta = t.client('okta');
});
afterAll(async () => t?.stop());

/** What any error answer is checked against, whether it came through fetch or a raw socket. */
interface Answer {
  readonly status: number;
  /** Lower-case header names. */
  header(name: string): string | null;
  readonly text: string;
}

function fromFetch(res: { status: number; headers: Headers; text: string }): Answer {
  return { status: res.status, header: (name) => res.headers.get(name), text: res.text };
}

/** An RFC 7644 §3.12 error as a client sees it. */
function expectScimError(res: Answer, status: number, scimType?: string): any {
  expect(res.status, res.text).toBe(status);
  expect(res.header('content-type') ?? '(no content-type)', `content-type of the ${status}`).toMatch(/^application\/scim\+json/);
  let body: any;
  expect(() => (body = JSON.parse(res.text)), `the ${status} body is JSON: ${res.text}`).not.toThrow();
  expect(body.schemas).toEqual([ERROR_SCHEMA]);
  expect(body.status).toBe(String(status));
  expect(typeof body.detail).toBe('string');
  expect(body.detail.length).toBeGreaterThan(0);
  if (scimType !== undefined) expect(body.scimType).toBe(scimType);
  else if (body.scimType !== undefined) expect(SCIM_TYPES).toContain(body.scimType);
  for (const leak of ['    at ', 'node_modules', 'SQLITE', '.ts:']) expect(res.text).not.toContain(leak);
  return body;
}

function expectSecurityHeaders(res: Answer, what: string): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.header(name) ?? `(no ${name} header)`, `${name} on ${what}`).toMatch(value);
}

async function userCount(): Promise<number> {
  return (await okta.get('/Users?count=0')).body.totalResults;
}

// ---------------------------------------------------------------------------------------------
// Raw HTTP over TCP, for clients fetch cannot imitate.

interface RawAnswer extends Answer {
  readonly headers: Readonly<Record<string, string>>;
  /** Bytes the server sent after the first complete response (none expected: it closes). */
  readonly trailing: string;
}

/** Parses the first HTTP/1.1 response in `data`. */
function parseRaw(data: Buffer): RawAnswer {
  const text = data.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no complete HTTP response, got ${JSON.stringify(text.slice(0, 300))}`);
  const [statusLine = '', ...headerLines] = text.slice(0, end).split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine);
  if (!m) throw new Error(`not an HTTP status line: ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = data.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1'));
  const length = headers['content-length'] !== undefined ? Number(headers['content-length']) : rest.length;
  return {
    status: Number(m[1]),
    headers,
    header: (name) => headers[name.toLowerCase()] ?? null,
    text: rest.subarray(0, length).toString('utf8'),
    trailing: rest.subarray(length).toString('latin1'),
  };
}

/**
 * Opens a TCP connection to the server, lets `drive` write to it, and resolves with the answer
 * once the SERVER closes the connection (the test never closes it first). No close within
 * HANG_MS is a hang, and fails.
 */
function rawExchange(drive: (socket: Socket) => void): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: t.server.port });
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    // A reset after the answer (the server closing while bytes are in flight) still ends in 'close'.
    socket.on('error', () => undefined);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`hang: the server neither answered and closed within ${HANG_MS} ms; got ${JSON.stringify(Buffer.concat(chunks).toString('latin1').slice(0, 300))}`));
    }, HANG_MS);
    socket.once('connect', () => drive(socket));
    socket.once('close', () => {
      clearTimeout(timer);
      try {
        resolve(parseRaw(Buffer.concat(chunks)));
      } catch (err) {
        reject(err as Error);
      }
    });
  });
}

/** Writes `pieces` one after another every `everyMs` (cycling), until the server answers or closes. */
function trickle(socket: Socket, pieces: readonly string[], everyMs = 100): void {
  let i = 0;
  const timer = setInterval(() => {
    if (!socket.writable) return clearInterval(timer);
    socket.write(pieces[i++ % pieces.length]!);
  }, everyMs);
  socket.once('data', () => clearInterval(timer));
  socket.once('close', () => clearInterval(timer));
}

/** A raw request head with the valid Okta token. */
function head(method: string, path: string, extra: Record<string, string | number> = {}): string {
  const headers: Record<string, string | number> = { host: `127.0.0.1:${t.server.port}`, authorization: `Bearer ${t.tokens.okta}`, 'user-agent': OKTA_HEADERS['user-agent'], ...extra };
  return `${method} ${path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
}

// ---------------------------------------------------------------------------------------------

describe('size and query limits', () => {
  it('a body over the limit → 413 SCIM error naming the limit, also when sent chunked; nothing is created', async () => {
    const before = await userCount();
    for (const size of [BODY_LIMIT + 1024, 5 * 1024 * 1024]) {
      const res = await okta.post('/Users', oktaUser(`big.${size}@x.com`, { title: 'x'.repeat(size) }));
      expectScimError(fromFetch(res), 413);
      expect(res.body.detail).toContain(String(BODY_LIMIT));
    }

    // Chunked (no Content-Length): the limit is enforced while reading.
    const bytes = new TextEncoder().encode(JSON.stringify(oktaUser('big.chunked@x.com', { title: 'y'.repeat(BODY_LIMIT * 2) })));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
        controller.close();
      },
    });
    const chunked = await fetch(`${t.base}/Users`, {
      method: 'POST',
      headers: { ...OKTA_HEADERS, authorization: `Bearer ${t.tokens.okta}` },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expectScimError(fromFetch({ status: chunked.status, headers: chunked.headers, text: await chunked.text() }), 413);

    expect(await userCount()).toBe(before);
    // Just under the limit is accepted.
    expect((await okta.post('/Users', oktaUser('under.limit@x.com', { externalId: 'under-limit', title: 'z'.repeat(BODY_LIMIT - 2048) }))).status).toBe(201);
  });

  it('a filter longer than the limit → 400 invalidFilter (query and .search); one at the limit works', async () => {
    const { maxLength } = DEFAULT_FILTER_LIMITS;
    const filterOf = (length: number): string => {
      const prefix = 'userName eq "';
      return `${prefix}${'a'.repeat(length - prefix.length - 1)}"`;
    };
    const atLimit = filterOf(maxLength);
    expect(atLimit).toHaveLength(maxLength);
    const ok = await okta.get(`/Users?filter=${encodeURIComponent(atLimit)}`);
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.totalResults).toBe(0);

    for (const length of [maxLength + 1, maxLength * 2]) {
      const res = await okta.get(`/Users?filter=${encodeURIComponent(filterOf(length))}`);
      expectScimError(fromFetch(res), 400, 'invalidFilter');
      expect(res.body.Resources).toBeUndefined();
      const search = await okta.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: filterOf(length) });
      expectScimError(fromFetch(search), 400, 'invalidFilter');
    }
    expectScimError(fromFetch(await okta.get(`/Groups?filter=${encodeURIComponent(`displayName eq "${'g'.repeat(maxLength)}"`)}`)), 400, 'invalidFilter');
  });

  it('a filter nested deeper than the limit → 400 invalidFilter; at the limit it works; thousands of levels are no crash', async () => {
    const { maxDepth, maxLength } = DEFAULT_FILTER_LIMITS;
    const nested = (depth: number, open = '(', close = ')'): string => `${open.repeat(depth)}userName pr${close.repeat(depth)}`;
    // The parser counts the top level as one level.
    const okDepth = maxDepth - 1;
    const ok = await okta.get(`/Users?filter=${encodeURIComponent(nested(okDepth))}`);
    expect(ok.status, ok.text).toBe(200);

    const deep = [
      nested(maxDepth + 1),
      nested(maxDepth + 1, 'not(', ')'),
      nested(Math.floor((maxLength - 20) / 2)), // as deep as the length limit allows
      `emails[${nested(maxDepth + 1).replace('userName', 'value')}]`,
    ];
    for (const filter of deep) {
      expect(filter.length).toBeLessThanOrEqual(maxLength);
      const res = await okta.get(`/Users?filter=${encodeURIComponent(filter)}`);
      expectScimError(fromFetch(res), 400, 'invalidFilter');
      expect(res.body.detail).toMatch(/nest|deep/i);
    }
  });

  it('a filter with more comparisons than the limit → 400 invalidFilter naming it; flat filters at the limit work', async () => {
    const { maxComparisons } = DEFAULT_FILTER_LIMITS;
    for (const [term, comparisons] of [['id pr', 1], ['emails[value pr or type pr]', 2], ['not(userName pr)', 1]] as const) {
      const filterOf = (n: number): string => Array.from({ length: n }, () => term).join(' or ');
      const atLimit = Math.floor(maxComparisons / comparisons);
      const ok = await okta.get(`/Users?filter=${encodeURIComponent(filterOf(atLimit))}`);
      expect(ok.status, `${term}…: ${ok.text.slice(0, 300)}`).toBe(200);
      const res = await okta.get(`/Users?filter=${encodeURIComponent(filterOf(atLimit + 1))}`);
      expectScimError(fromFetch(res), 400, 'invalidFilter');
      expect(res.body.detail).toContain(`at most ${maxComparisons}`);
    }
    // A PATCH path's filter too (its comparisons run on every entry it visits); a value list has no such limit.
    const group = await okta.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Comparisons' });
    const ids = Array.from({ length: maxComparisons + 1 }, (_, i) => `id-${i}`);
    const path = `members[${ids.map((id) => `value eq "${id}"`).join(' or ')}]`;
    const tooMany = await okta.patch(`/Groups/${group.body.id}`, patchOp({ op: 'remove', path }));
    expectScimError(fromFetch(tooMany), 400, 'invalidPath');
    expect(tooMany.body.detail).toContain(`at most ${maxComparisons}`);
    const asList = await okta.patch(`/Groups/${group.body.id}`, patchOp({ op: 'remove', path: 'members', value: ids.map((value) => ({ value })) }));
    expect(asList.status, asList.text).toBe(204);
  });

  it('count=100000 is capped: itemsPerPage equals Resources.length and is at most filter.maxResults', async () => {
    const spc = await okta.get('/ServiceProviderConfig');
    expect(spc.status).toBe(200);
    const maxResults: number = spc.body.filter.maxResults;
    expect(Number.isInteger(maxResults) && maxResults > 0).toBe(true);
    // More users than one page may hold (written straight into the directory: fast, still real).
    const have = await userCount();
    for (let i = have; i < maxResults + 5; i++) t.core.directory.create('User', { userName: `bulk.${i}@x.com` }, 'okta');
    const total = await userCount();
    expect(total).toBeGreaterThan(maxResults);

    for (const path of ['/Users?count=100000', '/Users?count=100000&startIndex=1&attributes=userName', `/Users?startIndex=${total - 2}&count=100000`]) {
      const res = await okta.get(path);
      expect(res.status, res.text.slice(0, 300)).toBe(200);
      expect(res.body.totalResults).toBe(total);
      expect(res.body.itemsPerPage).toBe(res.body.Resources.length);
      expect(res.body.itemsPerPage).toBeLessThanOrEqual(maxResults);
    }
    expect((await okta.get('/Users?count=100000')).body.itemsPerPage).toBe(maxResults);
    expect((await okta.get(`/Users?startIndex=${total - 2}&count=100000`)).body.itemsPerPage).toBe(3);

    const search = await okta.post('/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], count: 100000 });
    expect(search.status).toBe(200);
    expect(search.body.itemsPerPage).toBe(search.body.Resources.length);
    expect(search.body.itemsPerPage).toBeLessThanOrEqual(maxResults);
  });

  it('a PATCH with more operations than allowed → 400 and nothing is applied; exactly the maximum works', async () => {
    const { maxOperations } = DEFAULT_PATCH_LIMITS;
    const created = await okta.post('/Users', oktaUser('many.ops@x.com', { externalId: 'many-ops', title: 'Before' }));
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    const ops = (n: number) => Array.from({ length: n }, (_, i) => ({ op: 'replace', path: 'title', value: `T${i}` }));

    const tooMany = await okta.patch(`/Users/${id}`, patchOp(...ops(maxOperations + 1)));
    expectScimError(fromFetch(tooMany), 400);
    expect(tooMany.body.detail).toContain(String(maxOperations));
    const after = await okta.get(`/Users/${id}`);
    expect(after.body.title).toBe('Before');
    expect(after.body.meta.version).toBe(created.body.meta.version);

    const max = await okta.patch(`/Users/${id}`, patchOp(...ops(maxOperations)));
    expect(max.status, max.text.slice(0, 300)).toBe(200);
    expect(max.body.title).toBe(`T${maxOperations - 1}`);
  });
});

describe('slow and malformed clients', () => {
  it('headers sent too slowly (the request line, then nothing) → 408 SCIM JSON, and the connection is closed', async () => {
    const res = await rawExchange((s) => s.write(`GET /scim/v2/Users HTTP/1.1\r\n`));
    expectScimError(res, 408);
    expect(res.trailing).toBe('');
    expect(res.header('connection')).toMatch(/close/i);
  });

  it('headers trickled a line at a time, never finished → 408 SCIM JSON, closed (trickling does not extend the deadline)', async () => {
    const res = await rawExchange((s) => {
      s.write(`GET /scim/v2/Users HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
      trickle(s, ['X-Slow: 1\r\n']);
    });
    expectScimError(res, 408);
  });

  it('a body sent too slowly → 408 SCIM JSON, closed, and nothing is created', async () => {
    const before = await userCount();
    const res = await rawExchange((s) => {
      s.write(head('POST', '/scim/v2/Users', { 'content-type': 'application/scim+json', 'content-length': 400 }));
      s.write('{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"slow.body@x.com","title":"');
      trickle(s, ['x']);
    });
    expectScimError(res, 408);
    expect(res.trailing).toBe('');
    expect(await userCount()).toBe(before);
    expect((await okta.get(`/Users?filter=${encodeURIComponent('userName eq "slow.body@x.com"')}`)).body.totalResults).toBe(0);
  });

  it('many stalled connections at once do not keep normal requests out; each of them gets its 408', async () => {
    const stalled = Array.from({ length: 25 }, (_, i) => rawExchange((s) => s.write(i % 2 ? 'GET /scim/v2/Users HTTP/1.1\r\n' : head('POST', '/scim/v2/Users', { 'content-type': 'application/scim+json', 'content-length': 100 }))));
    // While they hang on, the IdP is served.
    const list = await okta.get('/Users?count=1');
    expect(list.status).toBe(200);
    const created = await okta.post('/Users', oktaUser('during.stall@x.com', { externalId: 'during-stall' }));
    expect(created.status).toBe(201);
    for (const res of await Promise.all(stalled)) expectScimError(res, 408);
  });

  it('oversized headers (a 100 KB header) → 431 SCIM JSON, closed', async () => {
    const res = await rawExchange((s) => s.write(head('GET', '/scim/v2/Users', { 'x-big': 'b'.repeat(100 * 1024) })));
    expectScimError(res, 431);
    expect(res.trailing).toBe('');
    // Many medium headers adding up are the same.
    const many = await rawExchange((s) => s.write(head('GET', '/scim/v2/Users', Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x-h${i}`, 'v'.repeat(200)])))));
    expectScimError(many, 431);
  });

  it.each([
    ['a garbage request line', 'HELLO THERE\r\n\r\n'],
    ['a TLS ClientHello on the plain-HTTP port', Buffer.from('16030100c8010000c40303', 'hex').toString('latin1')],
    ['NUL and control bytes', '\u0000\u0001\u0002 nonsense\r\n\r\n'],
    ['an unknown HTTP version', 'GET /scim/v2/Users HTTP/9.9\r\nHost: x\r\n\r\n'],
    ['a header name with a space', 'GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n'],
    ['Content-Length together with Transfer-Encoding (request smuggling)', 'POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['a bad chunk size', 'POST /scim/v2/Users HTTP/1.1\r\nHost: x\r\nContent-Type: application/scim+json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'],
  ])('%s → 400 SCIM JSON (invalidSyntax), closed', async (_label, bytes) => {
    const res = await rawExchange((s) => s.write(Buffer.from(bytes, 'latin1')));
    expectScimError(res, 400, 'invalidSyntax');
    expect(res.trailing).toBe('');
  });

  it('an HTTP/1.1 request without a Host header → 400 SCIM JSON, closed', async () => {
    // RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without Host. Node does so
    // itself before Fastify sees the request; the answer must still be a SCIM error.
    const res = await rawExchange((s) => s.write(`GET /scim/v2/Users HTTP/1.1\r\nAuthorization: Bearer ${t.tokens.okta}\r\nConnection: close\r\n\r\n`));
    expectScimError(res, 400);
  });

  it('a path with malformed percent-encoding → 400 SCIM JSON with the security headers, no framework internals', async () => {
    // E.g. an IdP that does not escape a "%" in an id. Fastify's router refuses such URLs itself.
    for (const path of ['/Users/%zz', '/Groups/%E0%A4%A', '/Users/abc%']) {
      const res = fromFetch(await okta.get(path));
      expectScimError(res, 400);
      expectSecurityHeaders(res, `GET ${path}`);
      expect(res.text).not.toContain('FST_');
    }
  });

  it('a resource id longer than the router accepts → a SCIM error with the security headers, no framework internals', async () => {
    // Ids are UUIDs; a longer path parameter is refused by Fastify's router (maxParamLength)
    // before any SCIM code runs. Whatever the status, the answer must be a SCIM error.
    for (const length of [101, 257, 4000]) {
      for (const [method, path] of [['GET', `/Users/${'a'.repeat(length)}`], ['DELETE', `/Groups/${'b'.repeat(length)}`]] as const) {
        const res = fromFetch(await okta.request(method, path));
        expect([400, 404, 414], `${method} …/${length} chars: ${res.text.slice(0, 120)}`).toContain(res.status);
        expectScimError(res, res.status);
        expectSecurityHeaders(res, `${method} with a ${length}-character id`);
        expect(res.text).not.toContain('FST_');
      }
    }
  });

  it('the server keeps serving normal requests afterwards', async () => {
    // One more of each abuse, interleaved with real work.
    const abuse = Promise.all([
      rawExchange((s) => s.write('GET /scim/v2/Users HTTP/1.1\r\n')),
      rawExchange((s) => s.write(head('GET', '/scim/v2/Users', { 'x-big': 'b'.repeat(64 * 1024) }))),
      rawExchange((s) => s.write('\u0016\u0003\u0001 garbage\r\n\r\n')),
    ]);
    const created = await okta.post('/Users', oktaUser('after.abuse@x.com', { externalId: 'after-abuse' }));
    expect(created.status).toBe(201);
    expect((await okta.get(`/Users/${created.body.id}`)).body.userName).toBe('after.abuse@x.com');
    const statuses = (await abuse).map((r) => r.status);
    expect(statuses).toEqual([408, 431, 400]);
    const list = await okta.get(`/Users?filter=${encodeURIComponent('userName eq "after.abuse@x.com"')}`);
    expect(list.status).toBe(200);
    expect(list.body.totalResults).toBe(1);
    expect((await okta.delete(`/Users/${created.body.id}`)).status).toBe(204);
    // A fresh raw connection is served normally too.
    const raw = await rawExchange((s) => s.write(head('GET', '/scim/v2/ServiceProviderConfig', { connection: 'close' })));
    expect(raw.status).toBe(200);
    expect(JSON.parse(raw.text).schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig']);
  });
});

describe('security headers', () => {
  it('on SCIM responses: list, read, create, replace, delete, discovery', async () => {
    const answers: [string, Answer][] = [];
    const keep = (what: string, res: ScimResponse): ScimResponse => {
      answers.push([what, fromFetch(res)]);
      return res;
    };
    keep('GET /Users', await okta.get('/Users?count=2'));
    const created = keep('POST /Users', await okta.post('/Users', oktaUser('headers@x.com', { externalId: 'headers' })));
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    keep('GET /Users/:id', await okta.get(`/Users/${id}`));
    keep('PUT /Users/:id', await okta.put(`/Users/${id}`, oktaUser('headers@x.com', { externalId: 'headers', title: 'Put' })));
    keep('PATCH /Users/:id', await okta.patch(`/Users/${id}`, patchOp({ op: 'replace', value: { active: false } })));
    keep('DELETE /Users/:id', await okta.delete(`/Users/${id}`));
    keep('GET /ServiceProviderConfig', await okta.get('/ServiceProviderConfig'));
    keep('GET /Schemas', await okta.get('/Schemas'));
    keep('GET /ResourceTypes', await okta.get('/ResourceTypes'));
    for (const [what, res] of answers) {
      expect(res.status, what).toBeLessThan(300);
      expectSecurityHeaders(res, what);
    }
  });

  it('on SCIM errors: 400, 401, 404, 413, 415, 501', async () => {
    const bigBody = JSON.stringify(oktaUser('x@x.com', { title: 'x'.repeat(BODY_LIMIT) }));
    const cases: [string, number, Promise<{ status: number; headers: Headers; text: string }>][] = [
      ['invalid filter', 400, okta.get(`/Users?filter=${encodeURIComponent('userName zz "a"')}`)],
      ['wrong token', 401, t.client('okta').get('/Users', { headers: { authorization: 'Bearer not-the-token' } })],
      ['unknown route', 404, okta.get('/Nope')],
      ['too large', 413, okta.post('/Users', undefined, { raw: bigBody })],
      ['text/plain', 415, okta.post('/Users', undefined, { raw: '{}', headers: { 'content-type': 'text/plain' } })],
      ['/Bulk', 501, okta.post('/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: [] })],
    ];
    for (const [what, status, pending] of cases) {
      const res = fromFetch(await pending);
      expectScimError(res, status);
      expectSecurityHeaders(res, `${status} ${what}`);
    }
  });

  it('on the errors answered before a request exists (408, 431, 400) too', async () => {
    const answers: [string, RawAnswer][] = [
      ['408', await rawExchange((s) => s.write('GET /scim/v2/Users HTTP/1.1\r\n'))],
      ['431', await rawExchange((s) => s.write(head('GET', '/scim/v2/Users', { 'x-big': 'b'.repeat(100 * 1024) })))],
      ['400', await rawExchange((s) => s.write('HELLO THERE\r\n\r\n'))],
    ];
    for (const [what, res] of answers) {
      expectScimError(res, Number(what));
      expectSecurityHeaders(res, `the raw ${what}`);
    }
  });
});
