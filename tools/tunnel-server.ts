/**
 * A localtunnel SERVER for tests, on 127.0.0.1 only, so the real `localtunnel` client can be
 * exercised without ever reaching a public host.
 *
 * It behaves like the open-source server (github.com/localtunnel/server) where ScimDesk can tell:
 * - `GET /?new` or `GET /<name>` claims a tunnel and answers `{ id, port, max_conn_count, url }`;
 *   a name held by a live client (or within its grace period) quietly becomes a random id;
 *   `port` is a per-client TCP listener to which the client opens its "tunnel sockets";
 * - the `url` is built from the Host header of the claim, `http://<id>.<host>`: claimed through
 *   `http://localhost:PORT` (hostUrl) it is `http://<id>.localhost:PORT`, which Node's fetch
 *   cannot resolve (tests playing the IdP use tools/public-fetch.ts); claimed through an IP
 *   address it is `http://<id>.127.0.0.1:PORT`, no URL at all — as with the real server;
 * - public requests are routed by `Host: <id>.<domain>` only, written into an idle tunnel socket
 *   through an http.Agent, and the response is piped back. No `X-Forwarded-For` is added: what
 *   the caller sent arrives unchanged, as with the real server;
 * - a client is forgotten `graceMs` after its last tunnel socket closes.
 *
 * Deliberate differences from the real server, for tests: a request that finds no free tunnel
 * socket, or no answer, within a bounded time gets 504 instead of hanging; a tunnel socket that
 * dies mid-request gives 502; a client that never connects is forgotten after `connectWaitMs`
 * (real server: 1 s); WebSocket upgrades are not tunnelled. */
import { randomInt } from 'node:crypto';
import { Agent, type ClientRequestArgs, createServer, type IncomingMessage, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface TestTunnelServerOptions {
  /** Port of the public/control server (default 0: a free one, kept for restart()). */
  readonly port?: number;
  /** Host routing domain: `Host: <id>.<domain>` reaches client <id> (default `localhost`). */
  readonly domain?: string;
  /** Tunnel sockets per client, also sent as `max_conn_count` (default 10, as the real server). */
  readonly maxSockets?: number;
  /** How long a client's id stays reserved after its last tunnel socket closed (default 1000 ms). */
  readonly graceMs?: number;
  /** How long a claimed id waits for its first tunnel socket before it is dropped (default 5000 ms). */
  readonly connectWaitMs?: number;
  /** How long a public request waits for a free tunnel socket before a 504 (default 3000 ms). */
  readonly socketWaitMs?: number;
  /** How long a public request waits for response headers from the client before a 504 (default 10 000 ms). */
  readonly responseTimeoutMs?: number;
}

/** The JSON a claim (`GET /?new`, `GET /<name>`) answers, as the real server's. */
export interface TunnelClaim {
  readonly id: string;
  readonly port: number;
  readonly max_conn_count: number;
  readonly url: string;
}

type Settings = Required<Omit<TestTunnelServerOptions, 'port'>>;

const DEFAULTS: Settings = {
  domain: 'localhost',
  maxSockets: 10,
  graceMs: 1000,
  connectWaitMs: 5000,
  socketWaitMs: 3000,
  responseTimeoutMs: 10_000,
};

const LOOPBACK = '127.0.0.1';

/**
 * The real server's subdomain rule, verbatim. What it really allows (not quite "4–63"): 4–65
 * characters of [a-z0-9-], starting and ending alphanumeric, and at least 6 if a hyphen is used
 * (so `ab-cd` is refused while `abcde` and `a-b-c-d` pass; 64 and 65 characters pass too).
 */
export const SUBDOMAIN_RULE = /^(?:[a-z0-9][a-z0-9-]{4,63}[a-z0-9]|[a-z0-9]{4,63})$/;

/** The real server's refusal text for an invalid subdomain (sent as 403 `{ message }`). */
export const INVALID_SUBDOMAIN_MESSAGE =
  'Invalid subdomain. Subdomains must be lowercase and between 4 and 63 alphanumeric characters.';

export function isValidSubdomain(name: string): boolean {
  return SUBDOMAIN_RULE.test(name);
}

/** No tunnel socket became free in time: the caller gets 504. */
class GatewayTimeoutError extends Error {}

type ConnectionCallback = (err: Error | null, stream: Duplex) => void;

/** Node's agent ignores the stream when there is an error; @types/node still wants an argument. */
function failConnection(callback: ConnectionCallback, err: Error): void {
  callback(err, undefined as unknown as Duplex);
}

interface Waiter {
  readonly callback: ConnectionCallback;
  readonly timer: NodeJS.Timeout;
}

/**
 * An http.Agent whose "connections" are tunnel sockets the client opened to us. Like the real
 * server it keeps keep-alive with at most one free socket: a finished request's socket beyond that
 * is destroyed, and the client replaces it with a fresh one.
 */
class TunnelAgent extends Agent {
  private readonly idle: Socket[] = [];
  private readonly waiters: Waiter[] = [];
  private closed = false;

  constructor(private readonly waitMs: number) {
    super({ keepAlive: true, maxFreeSockets: 1 });
  }

  /** A new tunnel socket: the oldest waiting request gets it, otherwise it waits idle. */
  offer(socket: Socket): void {
    const waiter = this.waiters.shift();
    if (!waiter) {
      this.idle.push(socket);
      return;
    }
    clearTimeout(waiter.timer);
    waiter.callback(null, socket);
  }

  /** A tunnel socket closed: it must never be handed out again. */
  drop(socket: Socket): void {
    const index = this.idle.indexOf(socket);
    if (index >= 0) this.idle.splice(index, 1);
  }

  override createConnection(_options: ClientRequestArgs, callback?: ConnectionCallback): Duplex | null | undefined {
    if (!callback) return null;
    if (this.closed) {
      failConnection(callback, new Error('tunnel closed'));
      return undefined;
    }
    const socket = this.idle.shift();
    if (socket) {
      callback(null, socket);
      return undefined;
    }
    this.wait(callback);
    return undefined;
  }

  /** Closes the agent: waiting requests fail (502) and sockets the agent holds are destroyed. */
  override destroy(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      failConnection(waiter.callback, new Error('tunnel closed'));
    }
    this.idle.length = 0;
    super.destroy();
  }

  /** Queues a request for the next tunnel socket, bounded so a test never hangs on it. */
  private wait(callback: ConnectionCallback): void {
    const timer = setTimeout(() => {
      const index = this.waiters.findIndex((w) => w.timer === timer);
      if (index >= 0) this.waiters.splice(index, 1);
      failConnection(callback, new GatewayTimeoutError(`no free tunnel socket within ${this.waitMs} ms`));
    }, this.waitMs);
    this.waiters.push({ callback, timer });
  }
}

/** One claimed id: its TCP listener for tunnel sockets, the sockets, and its lifetime. */
class TunnelSession {
  readonly agent: TunnelAgent;
  private readonly sockets = new Set<Socket>();
  private readonly listener: NetServer;
  private expiry: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    readonly id: string,
    private readonly settings: Settings,
    private readonly onEnd: (session: TunnelSession) => void,
  ) {
    this.agent = new TunnelAgent(settings.socketWaitMs);
    this.listener = createNetServer((socket) => this.accept(socket));
    // A tunnel listener failing (it should not on loopback) just ends the session.
    this.listener.on('error', () => this.end());
  }

  get connectedSockets(): number {
    return this.sockets.size;
  }

  /** Listens on a fresh loopback port; the client must connect within connectWaitMs. */
  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(0, LOOPBACK, () => {
        this.listener.off('error', reject);
        resolve();
      });
    });
    this.armExpiry(this.settings.connectWaitMs);
    return (this.listener.address() as AddressInfo).port;
  }

  /** Forgets the client at once: listener closed, every tunnel socket destroyed. Idempotent. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.expiry);
    // Close the listener before destroying sockets, so a client reconnecting after the close is refused.
    this.listener.close();
    this.agent.destroy();
    for (const socket of this.sockets) socket.destroy();
    this.onEnd(this);
  }

  private accept(socket: Socket): void {
    // The real server caps a client's sockets and simply drops extra ones.
    if (this.ended || this.sockets.size >= this.settings.maxSockets) {
      socket.destroy();
      return;
    }
    clearTimeout(this.expiry);
    this.sockets.add(socket);
    // Clients drop sockets for many reasons; an error is just a close here.
    socket.on('error', () => socket.destroy());
    socket.once('close', () => this.release(socket));
    this.agent.offer(socket);
  }

  private release(socket: Socket): void {
    this.sockets.delete(socket);
    this.agent.drop(socket);
    if (this.sockets.size === 0 && !this.ended) this.armExpiry(this.settings.graceMs);
  }

  private armExpiry(ms: number): void {
    clearTimeout(this.expiry);
    this.expiry = setTimeout(() => this.end(), ms);
  }
}

/** Resolves when a server has fully closed (also when it was not listening). */
function closed(server: Server | NetServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Answers an error if nothing was sent yet; otherwise the only honest signal is a cut connection. */
function sendFailure(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
  res.end(message);
}

/** Lowercase alphanumerics: always valid under SUBDOMAIN_RULE. */
function randomId(length = 10): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = '';
  for (let i = 0; i < length; i++) id += alphabet[randomInt(alphabet.length)];
  return id;
}

/** Where a public request goes: the client id and the path to forward. */
interface Route {
  readonly id: string;
  readonly path: string;
}

export class TestTunnelServer {
  private server: Server | undefined;
  private readonly sessions = new Map<string, TunnelSession>();
  private readonly publicSockets = new Set<Socket>();
  private proxied = 0;
  private finished = false;

  private constructor(
    private readonly settings: Settings,
    private listenPort: number,
  ) {}

  static async start(opts: TestTunnelServerOptions = {}): Promise<TestTunnelServer> {
    const settings: Settings = { ...DEFAULTS, ...definedOnly(opts) };
    const server = new TestTunnelServer(settings, opts.port ?? 0);
    await server.listen();
    return server;
  }

  /** Base URL of the public/control server by address, http://127.0.0.1:PORT (claims through it get no usable URL). */
  get url(): string {
    return `http://${LOOPBACK}:${this.listenPort}`;
  }

  /** Base URL by a name that carries subdomains, http://localhost:PORT: the `host` to give clients. */
  get hostUrl(): string {
    return `http://${this.settings.domain}:${this.listenPort}`;
  }

  /** The public URL of tunnel `id` as the server hands it out to clients that claim through hostUrl. */
  publicUrl(id: string): string {
    return `http://${id}.${this.settings.domain}:${this.listenPort}`;
  }

  get port(): number {
    return this.listenPort;
  }

  /** Public requests routed to a known client and forwarded into its tunnel. */
  get requestsProxied(): number {
    return this.proxied;
  }

  /** Ids currently claimed (connected or within their grace period). */
  tunnels(): string[] {
    return [...this.sessions.keys()];
  }

  /** Tunnel sockets connected for a client, or undefined for an unknown id. */
  connectedSockets(id: string): number | undefined {
    return this.sessions.get(id)?.connectedSockets;
  }

  /** Waits until client `id` has at least `min` tunnel sockets; rejects after timeoutMs. */
  async waitForSockets(id: string, min = 1, timeoutMs = 5000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const count = this.connectedSockets(id) ?? 0;
      if (count >= min) return count;
      if (Date.now() > deadline) throw new Error(`tunnel ${id}: ${count} of ${min} sockets after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** A crash: every listener and socket goes away at once, clients included; restart() is allowed. */
  async kill(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    // Stop accepting first (synchronous unbind), then cut everything, as a dying process would.
    const done = closed(server);
    for (const session of [...this.sessions.values()]) session.end();
    for (const socket of this.publicSockets) socket.destroy();
    this.publicSockets.clear();
    await done;
  }

  /** Listens again on the same port, with no memory of earlier clients (kills first if running). */
  async restart(): Promise<void> {
    if (this.finished) throw new Error('TestTunnelServer was closed; start a new one');
    await this.kill();
    await this.listen();
  }

  /** Final shutdown, safe to call repeatedly and after kill(). Tests need no graceful drain. */
  async close(): Promise<void> {
    this.finished = true;
    await this.kill();
  }

  private async listen(): Promise<void> {
    const server = createServer((req, res) => this.onRequest(req, res));
    server.on('connection', (socket: Socket) => {
      this.publicSockets.add(socket);
      socket.once('close', () => this.publicSockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listenPort, LOOPBACK, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.listenPort = (server.address() as AddressInfo).port;
    this.server = server;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    // The real server answers 400 without a Host header: it could not route the request.
    if (!req.headers.host) {
      res.writeHead(400).end('Host header is required');
      return;
    }
    const route = this.route(req);
    if (!route) {
      this.control(req, res).catch(() => sendFailure(res, 500, 'tunnel server error'));
      return;
    }
    const session = this.sessions.get(route.id);
    if (!session) {
      // The real server's answer for an unknown (e.g. forgotten) client.
      res.writeHead(404).end('404');
      return;
    }
    this.proxied++;
    this.forward(session, route.path, req, res);
  }

  /** Host routing only, as the real server. */
  private route(req: IncomingMessage): Route | undefined {
    const id = this.subdomainOf(req.headers.host ?? '');
    return id ? { id, path: req.url ?? '/' } : undefined;
  }

  /** `abcd.localhost:1234` → `abcd` for domain `localhost`; anything else → undefined. */
  private subdomainOf(hostHeader: string): string | undefined {
    const hostname = hostHeader.toLowerCase().replace(/:\d+$/, '');
    const suffix = `.${this.settings.domain.toLowerCase()}`;
    if (!hostname.endsWith(suffix)) return undefined;
    return hostname.slice(0, -suffix.length) || undefined;
  }

  /** Writes the request into one of the client's tunnel sockets and pipes the answer back. */
  private forward(session: TunnelSession, path: string, req: IncomingMessage, res: ServerResponse): void {
    // Headers pass unchanged: the real server adds no X-Forwarded-For, so a caller's own
    // header (true or forged) is all ScimDesk would see.
    const headers = req.headers;
    const upstream = httpRequest({ agent: session.agent, method: req.method, path, headers });
    // Bounded wait for an answer: a client whose local app is down would otherwise hang the caller.
    const timer = setTimeout(() => {
      upstream.destroy(new GatewayTimeoutError(`no response within ${this.settings.responseTimeoutMs} ms`));
    }, this.settings.responseTimeoutMs);
    upstream.once('response', (answer) => {
      clearTimeout(timer);
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.rawHeaders);
      answer.on('error', () => res.destroy());
      answer.pipe(res);
    });
    upstream.once('error', (err) => {
      clearTimeout(timer);
      if (err instanceof GatewayTimeoutError) sendFailure(res, 504, err.message);
      else sendFailure(res, 502, `tunnel failed: ${err.message}`);
    });
    // The caller went away before the answer was complete: abandon the tunnelled request too.
    res.once('close', () => {
      clearTimeout(timer);
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  /** The control API and the claim endpoints, as the real server routes them. */
  private async control(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const path = url.pathname;
    if (path === '/api/status') return sendJson(res, 200, { tunnels: this.sessions.size });
    const status = /^\/api\/tunnels\/([^/]+)\/status$/.exec(path);
    if (status) return this.tunnelStatus(status[1] ?? '', res);
    if (path === '/') {
      // The real server redirects to its landing page here; a test has no use for that.
      if (!url.searchParams.has('new')) return sendJson(res, 404, { message: 'Not Found' });
      return sendJson(res, 200, await this.claim(undefined, req));
    }
    const parts = path.split('/');
    // Only `/<name>`; deeper paths are not claims (the real server: parts.length !== 2).
    if (parts.length !== 2) return sendJson(res, 404, { message: 'Not Found' });
    const wanted = parts[1] ?? '';
    if (!isValidSubdomain(wanted)) return sendJson(res, 403, { message: INVALID_SUBDOMAIN_MESSAGE });
    return sendJson(res, 200, await this.claim(wanted, req));
  }

  private tunnelStatus(id: string, res: ServerResponse): void {
    const session = this.sessions.get(id);
    if (!session) return sendJson(res, 404, { message: 'Not Found' });
    sendJson(res, 200, { connected_sockets: session.connectedSockets });
  }

  /** Reserves `wanted` if free (a taken name quietly becomes a random id, as the real server does). */
  private async claim(wanted: string | undefined, req: IncomingMessage): Promise<TunnelClaim> {
    const id = wanted !== undefined && !this.sessions.has(wanted) ? wanted : this.freeRandomId();
    const session = new TunnelSession(id, this.settings, (ended) => {
      if (this.sessions.get(ended.id) === ended) this.sessions.delete(ended.id);
    });
    // Reserve synchronously, so two concurrent claims for one name cannot both win.
    this.sessions.set(id, session);
    try {
      const port = await session.listen();
      // As the real server: the URL is the claim's own Host with the id in front.
      return { id, port, max_conn_count: this.settings.maxSockets, url: `http://${id}.${req.headers.host ?? ''}` };
    } catch (err) {
      session.end();
      throw err;
    }
  }

  private freeRandomId(): string {
    for (;;) {
      const id = randomId();
      if (!this.sessions.has(id)) return id;
    }
  }
}

/** Drops keys whose value is undefined, so they do not override defaults. */
function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
