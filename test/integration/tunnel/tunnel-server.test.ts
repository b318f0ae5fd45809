/**
 * The test tunnel server against the REAL localtunnel client (2.0.2): every client gets
 * `host: server.url`, so all traffic stays on 127.0.0.1. A few cases use a raw TCP socket as a
 * deliberately misbehaving client (silent, dying) to reach the 502/504 paths.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, request as httpRequest, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import localtunnel from 'localtunnel';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { publicFetch } from '../../../tools/public-fetch';
import { INVALID_SUBDOMAIN_MESSAGE, isValidSubdomain, TestTunnelServer, type TestTunnelServerOptions } from '../../../tools/tunnel-server';

/** How long an open may take before the test calls it a hang (the client never rejects by itself). */
const OPEN_LIMIT_MS = 5000;

const servers: TestTunnelServer[] = [];
const clients: any[] = [];
const apps: Server[] = [];
const rawSockets: Socket[] = [];

beforeAll(() => {
  // The client's axios honours http(s)_proxy: a proxy would carry our loopback claims off the machine.
  for (const name of ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY']) delete process.env[name];
});

afterEach(async () => {
  // Clients first: a client left open keeps reconnecting to whatever listens on its tunnel port.
  for (const client of clients.splice(0)) client.close();
  for (const socket of rawSockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(
    apps.splice(0).map(
      (app) =>
        new Promise<void>((resolve) => {
          app.closeAllConnections();
          app.close(() => resolve());
        }),
    ),
  );
});

async function startTunnelServer(opts?: TestTunnelServerOptions): Promise<TestTunnelServer> {
  const server = await TestTunnelServer.start(opts);
  servers.push(server);
  return server;
}

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Buffer;
}

/** The local app behind the tunnel: echoes what it received, 201 for POST, with a custom header. */
async function startLocalApp(): Promise<{ port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const app = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const answer = JSON.stringify({
        method: req.method,
        url: req.url,
        authorization: req.headers.authorization ?? null,
        host: req.headers.host,
        bytes: body.length,
        sha256: createHash('sha256').update(body).digest('hex'),
        text: body.length < 1024 ? body.toString('utf8') : null,
      });
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json', 'x-local-app': 'scimdesk-test' });
      res.end(answer);
    });
  });
  apps.push(app);
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  return { port: (app.address() as AddressInfo).port, seen };
}

/** Opens a real localtunnel client against `server`, with its errors collected (never thrown). */
async function openClient(server: TestTunnelServer, localPort: number, subdomain?: string): Promise<{ client: any; errors: Error[] }> {
  const errors: Error[] = [];
  let client: any;
  const opened = new Promise<void>((resolve, reject) => {
    client = localtunnel({ port: localPort, host: server.hostUrl, ...(subdomain ? { subdomain } : {}) }, (err) => (err ? reject(new Error(String(err))) : resolve()));
  });
  clients.push(client);
  // Attached before any socket exists: an unhandled 'error' would crash the worker.
  client.on('error', (err: Error) => errors.push(err));
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`localtunnel open did not settle in ${OPEN_LIMIT_MS} ms`)), OPEN_LIMIT_MS);
  });
  try {
    await Promise.race([opened, limit]);
  } finally {
    clearTimeout(timer);
  }
  return { client, errors };
}

/** Polls until `check` returns a truthy value (generous limit, no timing assertion). */
async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** A plain http.request, so the Host header can name the tunnel (`<id>.localhost` does not resolve). */
function requestWithHost(port: number, host: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A hand-made tunnel socket: a raw TCP connection to a claimed tunnel port. */
async function rawTunnelSocket(port: number): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port });
  rawSockets.push(socket);
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return socket;
}

describe('protocol with the real localtunnel client', () => {
  it('carries a request to the local app and its response back: status, headers, body, Authorization', async () => {
    const server = await startTunnelServer();
    const app = await startLocalApp();
    const { client, errors } = await openClient(server, app.port);
    expect(client.url).toBe(server.publicUrl(client.clientId));

    const get = await publicFetch(`${client.url}/hello?x=1`, { headers: { authorization: 'Bearer tunnel-token' } });
    expect(get.status).toBe(200);
    expect(get.headers.get('x-local-app')).toBe('scimdesk-test');
    const getBody = await get.json();
    expect(getBody).toMatchObject({ method: 'GET', url: '/hello?x=1', authorization: 'Bearer tunnel-token', bytes: 0 });

    const payload = JSON.stringify({ userName: 'ada@example.com', active: true });
    const post = await publicFetch(`${client.url}/scim/v2/Users`, {
      method: 'POST',
      headers: { authorization: 'Bearer tunnel-token', 'content-type': 'application/scim+json' },
      body: payload,
    });
    expect(post.status).toBe(201);
    expect(post.headers.get('content-type')).toBe('application/json');
    expect(await post.json()).toMatchObject({ method: 'POST', url: '/scim/v2/Users', authorization: 'Bearer tunnel-token', text: payload });
    const seenPost = app.seen.find((s) => s.method === 'POST');
    expect(seenPost?.headers['content-type']).toBe('application/scim+json');

    // A larger binary body survives the trip intact (no re-encoding on the way).
    const blob = randomBytes(300 * 1024);
    const big = await publicFetch(`${client.url}/upload`, { method: 'POST', body: blob });
    expect(await big.json()).toMatchObject({ bytes: blob.length, sha256: createHash('sha256').update(blob).digest('hex') });

    // The bare tunnel URL and a bare query string map to the app's root.
    expect(((await (await publicFetch(client.url)).json()) as any).url).toBe('/');
    expect(((await (await publicFetch(`${client.url}?q=1`)).json()) as any).url).toBe('/?q=1');

    expect(server.requestsProxied).toBe(5);
    expect(errors).toEqual([]);
  });

  it('serves several requests at once through the socket pool', async () => {
    const server = await startTunnelServer();
    const app = await startLocalApp();
    const { client } = await openClient(server, app.port);
    const results = await Promise.all(
      Array.from({ length: 25 }, async (_, i) => ((await (await publicFetch(`${client.url}/n/${i}`)).json()) as any).url as string),
    );
    expect(results).toEqual(Array.from({ length: 25 }, (_, i) => `/n/${i}`));
  });

  it('gives a wanted valid name; a second client asking for it gets a different random id', async () => {
    const server = await startTunnelServer();
    const app = await startLocalApp();
    const name = 'scimdesk-test';
    const first = await openClient(server, app.port, name);
    expect(first.client.clientId).toBe(name);
    expect(first.client.url).toBe(`http://${name}.localhost:${server.port}`);

    const second = await openClient(server, app.port, name);
    expect(second.client.clientId).not.toBe(name);
    expect(isValidSubdomain(second.client.clientId)).toBe(true);

    // Both tunnels work and are distinct.
    expect((await publicFetch(`${first.client.url}/a`)).status).toBe(200);
    expect((await publicFetch(`${second.client.url}/b`)).status).toBe(200);
    expect(server.tunnels().sort()).toEqual([name, second.client.clientId].sort());
  });

  it('reports connected sockets per tunnel, 404 for an unknown id, and the tunnel count', async () => {
    const server = await startTunnelServer();
    const app = await startLocalApp();
    const { client } = await openClient(server, app.port, 'status-check');
    const status = await eventually(async () => {
      const res = await getJson(`${server.url}/api/tunnels/status-check/status`);
      return res.status === 200 && res.body.connected_sockets >= 1 ? res : undefined;
    }, 'a connected tunnel socket');
    expect(status.body.connected_sockets).toBeGreaterThanOrEqual(1);
    expect(server.connectedSockets(client.clientId)).toBeGreaterThanOrEqual(1);
    expect((await getJson(`${server.url}/api/tunnels/nobody-here/status`)).status).toBe(404);
    expect(server.connectedSockets('nobody-here')).toBeUndefined();
    expect(await getJson(`${server.url}/api/status`)).toEqual({ status: 200, body: { tunnels: 1 } });
  });

  it('announces max_conn_count = maxSockets and the client opens that many sockets', async () => {
    const server = await startTunnelServer({ maxSockets: 3 });
    const app = await startLocalApp();
    const { client } = await openClient(server, app.port);
    expect(await server.waitForSockets(client.clientId, 3)).toBe(3);
    expect((await publicFetch(`${client.url}/ok`)).status).toBe(200);
  });

  it('routes by Host: <id>.localhost as the real server does', async () => {
    const server = await startTunnelServer();
    const app = await startLocalApp();
    const { client } = await openClient(server, app.port, 'host-routed');
    const host = `host-routed.localhost:${server.port}`;
    const res = await requestWithHost(server.port, host, '/hello?via=host');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ url: '/hello?via=host', host });
    expect(client.clientId).toBe('host-routed');
    // An unknown id under the domain: the real server's plain 404.
    expect(await requestWithHost(server.port, `someone-else.localhost:${server.port}`, '/')).toEqual({ status: 404, body: '404' });
  });

  it('frees a name only after the grace period once the client closed', async () => {
    // A long grace, so "still held" does not depend on how fast a busy machine is.
    const server = await startTunnelServer({ graceMs: 3000 });
    const app = await startLocalApp();
    const name = 'grace-name';
    const first = await openClient(server, app.port, name);
    await server.waitForSockets(name, 1);
    first.client.close();

    // Within the grace period the name is still held: a new claim quietly gets a random id.
    const early = await openClient(server, app.port, name);
    expect(early.client.clientId).not.toBe(name);

    await eventually(() => !server.tunnels().includes(name), 'the name to be released');
    const later = await openClient(server, app.port, name);
    expect(later.client.clientId).toBe(name);
    expect((await publicFetch(`${later.client.url}/again`)).status).toBe(200);
  });

  it('after kill() the client errors and requests fail; after restart() a new client reclaims the name', async () => {
    const server = await startTunnelServer();
    const app = await startLocalApp();
    const name = 'restart-me';
    const old = await openClient(server, app.port, name);
    await server.waitForSockets(name, 1);
    expect((await publicFetch(`${old.client.url}/before`)).status).toBe(200);
    const port = server.port;

    await server.kill();
    await eventually(() => old.errors.length > 0, 'the client to emit an error');
    expect(old.errors[0]?.message).toMatch(/connection refused/);
    await expect(publicFetch(`${old.client.url}/during`)).rejects.toThrow();

    await server.restart();
    expect(server.port).toBe(port);
    expect(server.tunnels()).toEqual([]);
    // The old client never reconnects: its URL is now unknown to the server.
    expect((await publicFetch(`${old.client.url}/after`)).status).toBe(404);

    const fresh = await openClient(server, app.port, name);
    expect(fresh.client.clientId).toBe(name);
    expect((await publicFetch(`${fresh.client.url}/after`)).status).toBe(200);
    expect(fresh.errors).toEqual([]);
  });
});

describe('claims (raw HTTP, as the real server answers)', () => {
  it('GET /?new answers id, port, max_conn_count and the url built from the claim\'s Host, as the real server', async () => {
    const server = await startTunnelServer({ maxSockets: 7 });
    const { status, body } = await getJson(`${server.url}/?new`);
    expect(status).toBe(200);
    expect(isValidSubdomain(body.id)).toBe(true);
    expect(body).toEqual({ id: body.id, port: expect.any(Number), max_conn_count: 7, url: `http://${body.id}.127.0.0.1:${server.port}` });
    // Through a name, the URL is a name too.
    const named = await getJson(`${server.hostUrl}/?new`);
    expect(named.body.url).toBe(server.publicUrl(named.body.id));
    expect(body.port).not.toBe(server.port);
  });

  it('refuses invalid names with 403 { message } and accepts valid ones', async () => {
    const server = await startTunnelServer();
    for (const bad of ['ab', 'UPPER', 'abc', 'ab-cd', '-abcd', 'abcd-', 'under_score', 'a'.repeat(66)]) {
      const res = await getJson(`${server.url}/${bad}`);
      expect(res, bad).toEqual({ status: 403, body: { message: INVALID_SUBDOMAIN_MESSAGE } });
    }
    // The real rule's first alternative lets 64 and 65 characters through; mirrored on purpose.
    for (const good of ['abcd', 'a-b-c-d', 'x'.repeat(63), 'y'.repeat(65), 'okta-tenant-42']) {
      const res = await getJson(`${server.url}/${good}`);
      expect(res.status, good).toBe(200);
      expect(res.body.id).toBe(good);
    }
    expect((await getJson(`${server.url}/two/levels`)).status).toBe(404);
  });

  it('forgets a claim whose client never connects, then the name is free again', async () => {
    const server = await startTunnelServer({ connectWaitMs: 1000 });
    expect((await getJson(`${server.url}/no-show`)).body.id).toBe('no-show');
    expect(server.tunnels()).toEqual(['no-show']);
    await eventually(() => server.tunnels().length === 0, 'the unconnected claim to expire');
    expect((await getJson(`${server.url}/no-show`)).body.id).toBe('no-show');
  });

  it('caps a client at maxSockets tunnel sockets and closes extra ones', async () => {
    const server = await startTunnelServer({ maxSockets: 2 });
    const { body } = await getJson(`${server.url}/?new`);
    await rawTunnelSocket(body.port);
    await rawTunnelSocket(body.port);
    await server.waitForSockets(body.id, 2);
    const extra = await rawTunnelSocket(body.port);
    await new Promise<void>((resolve) => extra.once('close', () => resolve()));
    expect(server.connectedSockets(body.id)).toBe(2);
  });
});

describe('failures a test must not hang on', () => {
  it('answers 504 when no tunnel socket becomes free', async () => {
    const server = await startTunnelServer({ socketWaitMs: 300 });
    const { body } = await getJson(`${server.url}/?new`);
    const res = await publicFetch(`${server.publicUrl(body.id)}/anything`);
    expect(res.status).toBe(504);
  });

  it('answers 504 when the client takes the request but never answers', async () => {
    const server = await startTunnelServer({ responseTimeoutMs: 300 });
    const { body } = await getJson(`${server.url}/?new`);
    await rawTunnelSocket(body.port);
    await server.waitForSockets(body.id, 1);
    expect((await publicFetch(`${server.publicUrl(body.id)}/silent`)).status).toBe(504);
  });

  it('answers 502 when the tunnel socket dies mid-request', async () => {
    const server = await startTunnelServer();
    const { body } = await getJson(`${server.url}/?new`);
    const socket = await rawTunnelSocket(body.port);
    await server.waitForSockets(body.id, 1);
    socket.once('data', () => socket.destroy());
    expect((await publicFetch(`${server.publicUrl(body.id)}/dies`)).status).toBe(502);
  });

  it('cuts the caller when the tunnel socket dies after the headers were sent', async () => {
    const server = await startTunnelServer();
    const { body } = await getJson(`${server.url}/?new`);
    const socket = await rawTunnelSocket(body.port);
    await server.waitForSockets(body.id, 1);
    socket.once('data', () => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\npartial');
      setTimeout(() => socket.destroy(), 50);
    });
    // The 200 went out, then the connection is cut: the caller sees an aborted response.
    await expect(publicFetch(`${server.publicUrl(body.id)}/half`)).rejects.toThrow(/aborted/);
  });

  it('routes by Host only: a path naming a tunnel is no route (the real server has none)', async () => {
    const server = await startTunnelServer();
    const app = await startLocalApp();
    await openClient(server, app.port, 'by-host-only');
    expect((await fetch(`${server.url}/t/by-host-only/x`)).status).toBe(404);
    expect((await publicFetch(`${server.publicUrl('unknown-id')}/x`)).status).toBe(404);
    expect(server.requestsProxied).toBe(0);
  });
});

describe('what the local app sees', () => {
  it('no X-Forwarded-For is added: a caller\'s own header arrives unchanged, none when it sent none', async () => {
    const server = await startTunnelServer();
    const app = await startLocalApp();
    const { client } = await openClient(server, app.port, 'no-forwarding');
    expect((await publicFetch(`${client.url}/plain`)).status).toBe(200);
    expect((await publicFetch(`${client.url}/forged`, { headers: { 'x-forwarded-for': '203.0.113.77' } })).status).toBe(200);
    const seen = Object.fromEntries(app.seen.map((s) => [s.url, s.headers['x-forwarded-for'] ?? null]));
    expect(seen).toEqual({ '/plain': null, '/forged': '203.0.113.77' });
  });
});
