/**
 * Connection caps on a real `serve` process: one address that opens idle connections by the
 * hundred gets a SCIM 503 on each one over its share and holds only its share, while the IdP
 * (another address) keeps working; past the total cap every new connection is refused the
 * same way. Loopback only: the "other addresses" are 127.0.0.x, which Linux lets a client bind.
 */
import { type Socket, connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_SCHEMA } from '../../../tools/scim-client';
import { cliProcesses } from '../../support/cli-process';

const scimdesk = cliProcesses({ limitMs: 60_000, dirPrefix: 'scimdesk-caps-' });
const FILE = ['--secret-store', 'file'];

interface Idle {
  readonly socket: Socket;
  /** What the server sent on this connection (nothing was asked). */
  received: string;
  closed: boolean;
}

const opened: Socket[] = [];
afterEach(() => {
  for (const socket of opened.splice(0)) socket.destroy();
});

/** Opens `count` connections from `localAddress` that never send a byte. */
async function idle(port: number, localAddress: string, count: number): Promise<Idle[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const socket = connect({ port, host: '127.0.0.1', localAddress });
      opened.push(socket);
      const conn: Idle = { socket, received: '', closed: false };
      socket.setEncoding('utf8').on('data', (d: string) => (conn.received += d));
      socket.on('error', () => undefined);
      socket.on('close', () => (conn.closed = true));
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      return conn;
    }),
  );
}

/** Waits (up to 10 s, a generous bound) until `count` of the connections were closed by the server. */
async function closedCount(conns: readonly Idle[], count: number): Promise<number> {
  for (let i = 0; i < 200 && conns.filter((c) => c.closed).length < count; i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 200)); // and no more than that
  return conns.filter((c) => c.closed).length;
}

function refusal(conn: Idle): { status: string; retryAfter: string | undefined; body: any } {
  const [head, body] = conn.received.split('\r\n\r\n');
  return { status: head!.split('\r\n')[0]!, retryAfter: /^retry-after: (\d+)$/im.exec(head!)?.[1], body: JSON.parse(body!) };
}

describe('connection caps', () => {
  it('an address over its share gets a SCIM 503 and a closed connection; the IdP on another address keeps working; past the total, everyone is refused', { timeout: 120_000 }, async () => {
    const dataDir = scimdesk.newDir();
    const { token } = await scimdesk.enable(dataDir, { args: FILE });
    const served = await scimdesk.serve(dataDir, { args: [...FILE, '--max-connections', '20', '--max-connections-per-address', '8'] });

    const flood = await idle(served.port, '127.0.0.2', 30);
    expect(await closedCount(flood, 22)).toBe(22);
    for (const conn of flood.filter((c) => c.closed)) {
      const r = refusal(conn);
      expect(r.status).toBe('HTTP/1.1 503 Service Unavailable');
      expect(r.retryAfter).toBeDefined();
      expect(r.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '503', detail: expect.stringMatching(/too many connections from 127\.0\.0\.2/) });
    }
    // The IdP, on its own address, is not held back by the flood.
    expect((await served.client(token).get('/Users?count=1')).status).toBe(200);

    // More addresses: 8 (127.0.0.2) + 8 (127.0.0.3) + 4 (127.0.0.4) reach the total of 20
    // (the IdP's keep-alive connection may hold one more); the rest are refused.
    const more = [...(await idle(served.port, '127.0.0.3', 8)), ...(await idle(served.port, '127.0.0.4', 8))];
    await new Promise((r) => setTimeout(r, 500));
    const refusedTotal = more.filter((c) => c.closed);
    expect(refusedTotal.length).toBeGreaterThanOrEqual(4);
    for (const conn of refusedTotal) expect(refusal(conn).body.detail).toMatch(/too many connections/);
    const open = [...flood, ...more].filter((c) => !c.closed).length;
    expect(open).toBeLessThanOrEqual(20);

    // Stopping does not wait for connections that never sent a request (the drain's 10 s bound).
    const stopping = Date.now();
    expect((await scimdesk.stop(served)).code).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(8_000);
  });

  it('serve refuses caps that are not positive whole numbers', async () => {
    const exit = await scimdesk.cli(['serve', '--max-connections-per-address', '0', '--data-dir', scimdesk.newDir(), ...FILE]);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toMatch(/--max-connections-per-address must be a whole number, at least 1/);
  });
});
