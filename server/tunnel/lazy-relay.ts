/**
 * A loopback relay between the localtunnel client and the SCIM server that opens its
 * connection to the server only when a request's first bytes arrive.
 *
 * Why: the localtunnel client connects its local sockets eagerly. Node's HTTP server answers
 * a connection that sends nothing with "408 Request Timeout" after its headers timeout; that
 * 408 then waits in the tunnel socket and is served to the next real caller (see
 * server/tunnel/LOCALTUNNEL.md: half the requests of a soak with idle gaps failed). Here an
 * idle tunnel socket never reaches the server. And when the server cannot be reached, the
 * caller gets a 502 SCIM error instead of the tunnel server's silent hang.
 */
import { type Server, type Socket, createServer, connect } from 'node:net';

function badGateway(): string {
  const body = JSON.stringify({
    schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
    status: '502',
    detail: 'ScimDesk is reachable but its SCIM server is not running',
  });
  return [
    'HTTP/1.1 502 Bad Gateway',
    'Content-Type: application/scim+json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

export class LazyRelay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** Tunnel sockets that carried a request, until they close. */
  private readonly carrying = new Set<Socket>();
  /** Local ports of the relay's connections to the SCIM server (their peer port there). */
  private readonly peerPorts = new Set<number>();
  private port = 0;

  constructor(private readonly target: { readonly host: string; readonly port: number }) {}

  /** Starts listening on 127.0.0.1 (once) and returns the port. */
  async start(): Promise<number> {
    if (this.server) return this.port;
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as { port: number }).port;
    return this.port;
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private accept(tunnel: Socket): void {
    this.track(tunnel);
    tunnel.on('error', () => tunnel.destroy());
    tunnel.once('data', (first: Buffer) => {
      tunnel.pause();
      this.carrying.add(tunnel);
      tunnel.once('close', () => this.carrying.delete(tunnel));
      const app = connect({ host: this.target.host, port: this.target.port });
      this.track(app);
      let connected = false;
      app.once('connect', () => {
        connected = true;
        const local = app.localPort;
        if (local !== undefined) {
          this.peerPorts.add(local);
          app.once('close', () => this.peerPorts.delete(local));
        }
        app.write(first);
        tunnel.pipe(app);
        app.pipe(tunnel);
        tunnel.resume();
      });
      app.on('error', () => {
        if (!connected) tunnel.end(badGateway());
        else tunnel.destroy();
      });
      tunnel.once('close', () => app.destroy());
    });
  }

  isPeer(port: number | undefined): boolean {
    return port !== undefined && this.peerPorts.has(port);
  }

  /**
   * Waits (at most `limitMs`) until every connection that carried a request has closed: after
   * the server drained, the last answers are then out of this process, not cut off in the pipe.
   */
  async settled(limitMs: number): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (this.carrying.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
