/**
 * A self-signed certificate for `localhost` (made with the system's openssl, once per run) and
 * helpers for local TLS servers: what an https tunnel host or an own reverse proxy looks like
 * on loopback. Nothing here reaches a public host.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo, type Server as NetServer, type Socket, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { type Server as HttpsServer, createServer as createHttpsServer } from 'node:https';

export interface SelfSigned {
  readonly key: string;
  readonly cert: string;
}

let made: SelfSigned | undefined;

/** A self-signed certificate for localhost (CN and subjectAltName), valid for a day. */
export function selfSignedLocalhost(): SelfSigned {
  if (made) return made;
  const dir = mkdtempSync(join(tmpdir(), 'scimdesk-tls-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/O=ScimDesk Test CA/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    made = { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
    return made;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function listening<S extends NetServer | HttpsServer>(server: S): Promise<{ server: S; port: number; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** An https server with the self-signed certificate that answers every request with `status`. */
export function tlsAnswering(status = 200): Promise<{ port: number; close(): Promise<void> }> {
  const { key, cert } = selfSignedLocalhost();
  return listening(createHttpsServer({ key, cert }, (_req, res) => res.writeHead(status).end('{}')));
}

/**
 * A TLS reverse proxy (self-signed) on loopback forwarding every request to
 * http://127.0.0.1:<targetPort>; `handshakes()` counts the TLS connections it accepted.
 */
export async function tlsProxyTo(targetPort: number): Promise<{ port: number; close(): Promise<void>; handshakes(): number }> {
  const { key, cert } = selfSignedLocalhost();
  const server = createHttpsServer({ key, cert }, (req, res) => {
    const upstream = httpRequest({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  let handshakes = 0;
  server.on('secureConnection', () => handshakes++);
  return { ...(await listening(server)), handshakes: () => handshakes };
}

/** A TCP server that accepts connections and never says a word. */
export function silentTcp(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  return listening(server).then((l) => ({
    port: l.port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await l.close();
    },
  }));
}

/** A port nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const l = await listening(createNetServer());
  await l.close();
  return l.port;
}
