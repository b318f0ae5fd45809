/**
 * Token rotations made by several ScimDesk processes at once, and a connection whose token hash
 * went missing, as an admin meets them: real CLI processes (`token new`, `serve`, `status`,
 * `log`), a second process rotating the other connection back to back (as the desktop app's
 * "New SCIM Token" would), the real secrets.json and the real OS keychain. The IdP's requests
 * reach `serve` as Okta's would: through the real localtunnel client and the test tunnel server
 * on loopback, routed by the Host header, with no X-Forwarded-For of our own.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { withFileLock } from '../../../server/secrets/file-lock';
import { KeytarSecretStore } from '../../../server/secrets/keytar-store';
import { TestTunnelServer } from '../../../tools/tunnel-server';
import { ROOT, TOKEN, cliProcesses, lines } from '../../support/cli-process';
import { forgetTokens } from '../../support/scim-server';

/** Every command is a fresh Node process (seconds on a busy machine), and a race runs many. */
const SLOW_TEST_MS = 240_000;
/**
 * Rounds of `token new` raced against the other process. Every round presents the printed token
 * (a valid token is never throttled); every second round also the replaced one, so 8 wrong tokens
 * and the final check stay within the 10 a minute one address may send before it gets 429.
 */
const ROUNDS = 16;

const { newDir, start, cli, enable, waitFor } = cliProcesses({ limitMs: 45_000, dirPrefix: 'scimdesk-rotation-' });

type StoreKind = 'file' | 'keychain';

const services: string[] = [];
const rotators: ChildProcess[] = [];
const tunnels: TestTunnelServer[] = [];
afterEach(async () => {
  for (const child of rotators.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const tunnel of tunnels.splice(0)) await tunnel.close();
  for (const service of services.splice(0)) await forgetTokens(new KeytarSecretStore(service));
});

/** The CLI's environment: the keychain under a service of this test's own. */
function storeEnv(): NodeJS.ProcessEnv {
  const service = `ScimDesk-test-${randomBytes(6).toString('hex')}`;
  services.push(service);
  return { ...process.env, SCIMDESK_KEYCHAIN_SERVICE: service };
}

interface Answer {
  readonly status: number;
  readonly body: { schemas?: string[]; detail?: string };
}

interface Public {
  /** GET /scim/v2/Users as the IdP sends it, with `Bearer <token>`. */
  users(token: string | undefined): Promise<Answer>;
}

/**
 * `serve` behind a localtunnel: resolves once the tunnel is online. Requests go to the tunnel
 * server's port with `Host: <subdomain>.localhost` (Node resolves no `*.localhost` name).
 */
async function serveBehindTunnel(dataDir: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Public> {
  const tunnel = await TestTunnelServer.start();
  tunnels.push(tunnel);
  const subdomain = `rot-${randomBytes(4).toString('hex')}`;
  const run = start(['serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn', ...args, '--tunnel', 'localtunnel', '--tunnel-host', tunnel.hostUrl, '--subdomain', subdomain], env);
  await waitFor(run, /tunnel: online at \S+\nSCIM base URL: \S+\n/, 'the tunnel online');
  return {
    users: (token) =>
      new Promise<Answer>((resolve, reject) => {
        const headers: Record<string, string> = { host: `${subdomain}.localhost`, accept: 'application/scim+json' };
        if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
        const req = request({ host: '127.0.0.1', port: tunnel.port, path: '/scim/v2/Users', headers }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (d: string) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Answer['body']) : {} }));
        });
        req.on('error', reject);
        req.end();
      }),
  };
}

interface Rotator {
  /** The tokens it issued so far, oldest first; the last is the one that must be live. */
  tokens(): string[];
  /** Stops after the rotation under way and resolves with every token it issued. */
  stop(): Promise<string[]>;
}

function startRotator(dataDir: string, connection: string, kind: StoreKind, env: NodeJS.ProcessEnv): Rotator {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/token-rotator.ts', dataDir, connection, kind], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  rotators.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    tokens: () => lines(stdout),
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      expect(code, stderr).toBe(0);
      return lines(stdout);
    },
  };
}

async function until(what: string, done: () => boolean, limitMs = 45_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.each<StoreKind>(['file', 'keychain'])('concurrent rotations with the %s store', (kind) => {
  it(
    'every token `token new` prints works at once and the one it replaced is refused, while another process rotates the other connection back to back',
    async () => {
      const dataDir = newDir();
      const env = storeEnv();
      const args = ['--secret-store', kind];
      let okta = (await enable(dataDir, { connection: 'okta', args, env })).token;
      await enable(dataDir, { connection: 'entra', args, env });
      const served = await serveBehindTunnel(dataDir, args, env);
      const rotator = startRotator(dataDir, 'entra', kind, env);
      await until('the first entra rotation', () => rotator.tokens().length > 0);

      const lost: string[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        const res = await cli(['token', 'new', '--connection', 'okta', '--data-dir', dataDir, ...args], env);
        expect(res.code, res.output).toBe(0);
        const printed = lines(res.stdout).at(-1)!;
        expect(printed).toMatch(TOKEN);
        const printedStatus = (await served.users(printed)).status;
        const replacedStatus = round % 2 === 0 ? (await served.users(okta)).status : 401;
        if (printedStatus !== 200 || replacedStatus !== 401) lost.push(`round ${round}: the printed token got ${printedStatus}, the replaced one ${round % 2 === 0 ? replacedStatus : 'not tried'}`);
        okta = printed;
      }
      const entra = await rotator.stop();
      // The other process really raced: it rotated all through the rounds.
      expect(entra.length).toBeGreaterThan(ROUNDS);
      expect(lost, `${lost.length} of ${ROUNDS} rounds lost an update`).toEqual([]);
      expect((await served.users(entra.at(-1))).status).toBe(200);
      expect((await served.users(entra.at(-2))).status).toBe(401);
    },
    SLOW_TEST_MS,
  );
});

describe('the token lock', () => {
  it(
    '`token new` waits while another live process is changing tokens, and takes over a lock left by a process that died',
    async () => {
      const dataDir = newDir();
      const paceDir = newDir();
      const env = storeEnv();
      await enable(dataDir, { env });
      await enable(paceDir, { env: storeEnv() });
      const lock = join(dataDir, 'tokens.lock');

      // This test process holds the lock, as a rotation under way in the desktop app would.
      writeFileSync(lock, `${process.pid}\nheld-by-the-test\n`);
      const waiting = start(['token', 'new', '--connection', 'okta', '--data-dir', dataDir], env);
      // The same command on another data folder, started at the same moment, sets the pace.
      const pace = await cli(['token', 'new', '--connection', 'okta', '--data-dir', paceDir], env);
      expect(pace.code, pace.output).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(waiting.child.exitCode, `token new did not wait for the lock: ${waiting.output()}`).toBeNull();
      expect(waiting.stdout()).not.toMatch(TOKEN);

      rmSync(lock);
      const done = await waiting.exited;
      expect(done.code, done.output).toBe(0);
      expect(lines(done.stdout).at(-1)).toMatch(TOKEN);
      expect(existsSync(lock)).toBe(false);

      // A lock whose process is gone (a crash mid-rotation) does not block the next one.
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      writeFileSync(lock, `${dead.stdout}\nleft-by-a-crash\n`);
      const after = await cli(['token', 'new', '--connection', 'okta', '--data-dir', dataDir], env);
      expect(after.code, after.output).toBe(0);
      expect(lines(after.stdout).at(-1)).toMatch(TOKEN);
      expect(existsSync(lock)).toBe(false);
    },
    SLOW_TEST_MS,
  );
});

describe('withFileLock in one process', () => {
  it('runs one holder at a time, and takes over a lock naming its own pid (left by an earlier process that had it, as in a container)', async () => {
    const lock = join(newDir(), 'work.lock');
    let inside = 0;
    let most = 0;
    await Promise.all(
      [1, 2, 3].map(() =>
        withFileLock(lock, async () => {
          inside++;
          most = Math.max(most, inside);
          await new Promise((resolve) => setTimeout(resolve, 20));
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(existsSync(lock)).toBe(false);

    writeFileSync(lock, `${process.pid}\nleft-by-an-earlier-process\n`);
    await expect(withFileLock(lock, async () => 'ran', { timeoutMs: 2_000 })).resolves.toBe('ran');
    expect(existsSync(lock)).toBe(false);
  });
});

/**
 * What a token change that stopped halfway leaves behind for a running server: SQLite has a new
 * token generation (the server's cue to read the hash again) and the secret store has no hash
 * for it, or cannot be read at all.
 */
function bumpGeneration(dataDir: string, connection: string): void {
  const db = new Database(join(dataDir, 'scimdesk.db'), { fileMustExist: true });
  try {
    db.prepare('UPDATE connections SET token_generation = token_generation + 1 WHERE name = ?').run(connection);
  } finally {
    db.close();
  }
}

interface StatusJson {
  connections: { name: string; enabled: boolean; hasToken: boolean; health: { state: string; sentence: string } }[];
}

describe('a connection with a token generation but no stored hash', () => {
  it.each<StoreKind>(['file', 'keychain'])(
    '%s store: only that connection is affected and shows it needs a new token; wrong tokens get 401, the other connection keeps working',
    async (kind) => {
      const dataDir = newDir();
      const env = storeEnv();
      const args = ['--secret-store', kind];
      const okta = (await enable(dataDir, { connection: 'okta', args, env })).token;
      const entra = (await enable(dataDir, { connection: 'entra', args, env })).token;
      const served = await serveBehindTunnel(dataDir, args, env);

      expect((await served.users(entra)).status).toBe(200);
      // A half-finished rotation of Entra: a new generation in SQLite, no hash in the store.
      if (kind === 'file') {
        const file = join(dataDir, 'secrets.json');
        const secrets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
        delete secrets['entra-token-sha256'];
        writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
      } else {
        expect(await new KeytarSecretStore(env['SCIMDESK_KEYCHAIN_SERVICE']).delete('entra-token-sha256')).toBe(true);
      }
      bumpGeneration(dataDir, 'entra');

      const wrong = `scimdesk_${'B'.repeat(43)}`;
      const seen: string[] = [];
      for (const [who, token, expected] of [
        ['a wrong token', wrong, 401],
        ['the Okta token', okta, 200],
        ['the lost Entra token', entra, 401],
        ['a wrong token again', wrong, 401],
        ['the Okta token again', okta, 200],
      ] as const) {
        const res = await served.users(token);
        seen.push(`${who}: ${res.status} ${res.status >= 400 ? JSON.stringify(res.body) : ''}`);
        expect(res.status, seen.join('\n')).toBe(expected);
        if (res.status >= 400) expect(res.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
      }

      const status = await cli(['status', '--json', '--data-dir', dataDir, ...args], env);
      expect(status.code, status.output).toBe(0);
      const connections = (JSON.parse(status.stdout) as StatusJson).connections;
      const entraStatus = connections.find((c) => c.name === 'entra')!;
      expect(entraStatus.health.state).toBe('needs-token');
      expect(entraStatus.health.sentence).toMatch(/needs a new token/);
      expect(entraStatus.health.sentence).toContain('token new --connection entra');
      expect(connections.find((c) => c.name === 'okta')!.health.state).not.toBe('needs-token');
      const plain = await cli(['status', '--data-dir', dataDir, ...args], env);
      expect(plain.stdout).toMatch(/Microsoft Entra ID \(entra\).*\n.*needs a new token/);

      const rotated = await cli(['token', 'new', '--connection', 'entra', '--data-dir', dataDir, ...args], env);
      expect(rotated.code, rotated.output).toBe(0);
      expect((await served.users(lines(rotated.stdout).at(-1))).status).toBe(200);
      expect((await served.users(okta)).status).toBe(200);
    },
    SLOW_TEST_MS,
  );

  it(
    'file store: a token file that cannot be read: 503 for everyone, and the answer and the request log name the token file, not the keychain',
    async () => {
      const dataDir = newDir();
      const env = storeEnv();
      const args = ['--secret-store', 'file'];
      const okta = (await enable(dataDir, { connection: 'okta', args, env })).token;
      const served = await serveBehindTunnel(dataDir, args, env);
      expect((await served.users(okta)).status).toBe(200);
      writeFileSync(join(dataDir, 'secrets.json'), '{ not json', { mode: 0o600 });
      bumpGeneration(dataDir, 'okta');

      const res = await served.users(okta);
      expect(res.status).toBe(503);
      const detail = res.body.detail ?? '';
      expect(detail).toMatch(/token file/);
      expect(detail).not.toMatch(/keychain/i);

      let explanation = '';
      await until('the 503 in the request log', () => {
        const log = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', 'log', '--json', '--errors', '--data-dir', dataDir, ...args], { cwd: ROOT, env, encoding: 'utf8' });
        const entry = (JSON.parse(log.stdout || '[]') as { status: number; explanation: string }[]).find((e) => e.status === 503);
        explanation = entry?.explanation ?? '';
        return entry !== undefined;
      });
      expect(explanation).toMatch(/token file/);
      expect(explanation).not.toMatch(/keychain/i);
    },
    SLOW_TEST_MS,
  );
});
