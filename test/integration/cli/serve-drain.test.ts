/**
 * Stopping `serve` in the middle of an IdP's write burst (a real process, SIGTERM, the real
 * SQLite file read afterwards): every write that was committed got its answer, so the IdP's
 * retry never meets a 409 for a create it was never told about. Requests that arrive while
 * the server stops get a SCIM 503 (with Retry-After) or find the port closed; none is cut off
 * after its write was done. A request whose body is still arriving when the signal comes is
 * in flight too: it is answered once its body is complete, also when it came through the
 * tunnel (the real localtunnel client, our tunnel server routing by Host on 127.0.0.1): the
 * tunnel stays up until the answers are out.
 */
import { connect } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ERROR_SCHEMA, patchOp } from '../../../tools/scim-client';
import { oktaAddMembers, oktaGroup, oktaUser } from '../../../tools/idp/okta';
import { TestTunnelServer } from '../../../tools/tunnel-server';
import { cliProcesses } from '../../support/cli-process';

const scimdesk = cliProcesses({ limitMs: 60_000, dirPrefix: 'scimdesk-drain-' });
const FILE = ['--secret-store', 'file'];
/** IdP connections writing at once (Okta pushes with several). */
const WRITERS = 64;

type Outcome = { readonly status: number; readonly body: any } | { readonly error: string };

/**
 * Sends the headers and half the body of a create on a raw socket (to `port`, with `Host:
 * host`); returns what sends the rest and reads the answer.
 */
async function halfSentCreate(port: number, token: string, userName: string, host = `127.0.0.1:${port}`): Promise<{ finish: () => Promise<string> }> {
  const body = JSON.stringify(oktaUser(userName));
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let answer = '';
  socket.setEncoding('utf8').on('data', (d: string) => (answer += d));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined); // a reset shows as an empty answer
  const half = Math.floor(body.length / 2);
  socket.write(`POST /scim/v2/Users HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/scim+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, half)}`);
  return {
    async finish() {
      if (!socket.destroyed) socket.write(body.slice(half));
      await closed;
      return answer;
    },
  };
}

describe('SIGTERM during a write burst', () => {
  it('a create whose body is still arriving when SIGTERM comes is answered 201 once it is complete', { timeout: 120_000 }, async () => {
    const dataDir = scimdesk.newDir();
    const { token } = await scimdesk.enable(dataDir, { args: FILE });
    const served = await scimdesk.serve(dataDir, { args: FILE });
    const pending = await halfSentCreate(served.port, token, 'slow.upload@example.com');
    await new Promise((r) => setTimeout(r, 200)); // the server has read the headers
    served.child.kill('SIGTERM');
    await scimdesk.waitFor(served, /Stopping \(SIGTERM\)/, 'the stop line');
    await new Promise((r) => setTimeout(r, 200)); // and it is stopping now
    const answer = await pending.finish();
    expect(answer).toMatch(/^HTTP\/1\.1 201 /);
    const exit = await served.exited;
    expect(exit.code, exit.output).toBe(0);
    const db = new Database(join(dataDir, 'scimdesk.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT user_name FROM users').pluck().all()).toEqual(['slow.upload@example.com']);
    } finally {
      db.close();
    }
  });


  it('through the tunnel too: the tunnel closes only after the answer went back through it', { timeout: 120_000 }, async () => {
    const tunnel = await TestTunnelServer.start();
    try {
      const dataDir = scimdesk.newDir();
      const { token } = await scimdesk.enable(dataDir, { args: FILE });
      const run = scimdesk.start(['serve', '--port', '0', '--data-dir', dataDir, ...FILE, '--tunnel', 'localtunnel', '--tunnel-host', tunnel.hostUrl, '--subdomain', 'drain-tunnel']);
      await scimdesk.waitFor(run, /tunnel: online at /, 'online line');
      await tunnel.waitForSockets('drain-tunnel');
      const pending = await halfSentCreate(tunnel.port, token, 'via.tunnel@example.com', 'drain-tunnel.localhost');
      await new Promise((r) => setTimeout(r, 300)); // the headers went through the tunnel
      run.child.kill('SIGTERM');
      await scimdesk.waitFor(run, /Stopping \(SIGTERM\)/, 'the stop line');
      await new Promise((r) => setTimeout(r, 200));
      const answer = await pending.finish();
      const exit = await run.exited;
      expect(answer, `${answer}\n${exit.output}`).toMatch(/^HTTP\/1\.1 201 /);
      expect(exit.code).toBe(0);
    } finally {
      await tunnel.close();
    }
  });

  it('every committed create and member-add was answered; later requests get a SCIM 503 or a closed port', { timeout: 180_000 }, async () => {
    const dataDir = scimdesk.newDir();
    const { token } = await scimdesk.enable(dataDir, { args: FILE });
    const served = await scimdesk.serve(dataDir, { args: FILE });
    const okta = served.client(token);
    const group = await okta.post('/Groups', oktaGroup('Everyone'));
    expect(group.status).toBe(201);

    const creates = new Map<string, Outcome>();
    const adds = new Map<string, Outcome>();
    let answered = 0;
    const attempt = async (record: Map<string, Outcome>, key: string, send: () => Promise<{ status: number; body: any }>): Promise<Outcome> => {
      let outcome: Outcome;
      try {
        const res = await send();
        outcome = { status: res.status, body: res.body };
      } catch (err) {
        outcome = { error: String((err as Error).cause ?? err) };
      }
      record.set(key, outcome);
      return outcome;
    };
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; ; i++) {
        const userName = `drain.${w}.${i}@example.com`;
        const created = await attempt(creates, userName, () => okta.post('/Users', oktaUser(userName)));
        if (!('status' in created) || created.status !== 201) return; // the server is going away
        answered++;
        const added = await attempt(adds, userName, () => okta.patch(`/Groups/${group.body.id}`, patchOp(oktaAddMembers([{ value: created.body.id, display: userName }]))));
        if (!('status' in added) || added.status !== 204) return;
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
    // SIGTERM once the burst is in full swing.
    while (answered < 200) await new Promise((r) => setTimeout(r, 10));
    served.child.kill('SIGTERM');
    await Promise.all(writers);
    const exit = await served.exited;
    expect(exit.code, exit.output).toBe(0);

    const db = new Database(join(dataDir, 'scimdesk.db'), { readonly: true });
    let stored: Set<string>;
    let members: Set<string>;
    try {
      stored = new Set(db.prepare('SELECT user_name FROM users').pluck().all() as string[]);
      members = new Set(db.prepare('SELECT u.user_name FROM group_members m JOIN users u ON u.seq = m.user_seq').pluck().all() as string[]);
    } finally {
      db.close();
    }
    const answeredAs = (outcome: Outcome | undefined, status: number): boolean => outcome !== undefined && 'status' in outcome && outcome.status === status;
    const createsLost = [...stored].filter((u) => !answeredAs(creates.get(u), 201));
    const addsLost = [...members].filter((u) => !answeredAs(adds.get(u), 204));
    expect({ createsLost, addsLost }, 'writes committed whose answer never came').toEqual({ createsLost: [], addsLost: [] });
    // And the other way round: whatever was answered as done is stored.
    expect([...creates].filter(([u, o]) => answeredAs(o, 201) && !stored.has(u))).toEqual([]);
    expect([...adds].filter(([u, o]) => answeredAs(o, 204) && !members.has(u))).toEqual([]);
    // What was refused while stopping was refused as SCIM says, with a reason and when to retry.
    for (const outcome of [...creates.values(), ...adds.values()]) {
      if ('error' in outcome || outcome.status === 201 || outcome.status === 204) continue;
      expect(outcome.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '503', detail: expect.stringMatching(/stopping/) });
    }
  });
});
