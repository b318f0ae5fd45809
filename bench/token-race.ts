/**
 * `npx tsx bench/token-race.ts`: what concurrent token changes and a missing token hash do to a
 * running server, measured with real CLI processes (`node scripts/scimdesk.mjs …`) on loopback.
 * Prints numbers; asserts nothing (test/integration/secrets/rotation.test.ts asserts).
 *
 * - rounds lost: `token new` for okta and for entra started at the same moment, BENCH_ROUNDS
 *   times, next to a running `serve`; a round is lost when a printed token is refused;
 * - blocked: Entra's hash removed from the store with its generation kept, one request with a
 *   wrong token, then the valid Okta token every 100 ms for BENCH_WATCH_MS: how many got 503
 *   and for how long.
 *
 * Environment: BENCH_ROUNDS (default 40), BENCH_WATCH_MS (default 35 000), BENCH_STORE (file or
 * keychain, default file; the keychain needs a session: run it under test/support/with-keyring.sh).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeytarSecretStore } from '../server/secrets/keytar-store';
import { tokenAccount } from '../server/secrets/secret-store';

const ROOT = join(import.meta.dirname, '..');
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 40);
const WATCH_MS = Number(process.env['BENCH_WATCH_MS'] ?? 35_000);
const STORE = process.env['BENCH_STORE'] === 'keychain' ? 'keychain' : 'file';
// Never the real "ScimDesk" keychain entries.
const env = { ...process.env, SCIMDESK_KEYCHAIN_SERVICE: `ScimDesk-bench-${process.pid}` };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const lastLine = (text: string): string => text.trim().split('\n').at(-1) ?? '';

function cliArgs(dataDir: string, args: readonly string[]): string[] {
  return ['scripts/scimdesk.mjs', ...args, '--data-dir', dataDir, '--secret-store', STORE];
}

function cli(dataDir: string, ...args: string[]): string {
  return lastLine(execFileSync(process.execPath, cliArgs(dataDir, args), { cwd: ROOT, env, encoding: 'utf8' }));
}

function cliAsync(dataDir: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, cliArgs(dataDir, args), { cwd: ROOT, env });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('close', (code) => (code === 0 ? resolve(lastLine(out)) : reject(new Error(`scimdesk ${args.join(' ')} exited ${code}`))));
  });
}

/** Removes this run's keychain entries (the file store's go with the data folder). */
async function forgetTokens(): Promise<void> {
  if (STORE !== 'keychain') return;
  const store = new KeytarSecretStore(env.SCIMDESK_KEYCHAIN_SERVICE);
  for (const name of ['okta', 'entra']) await store.delete(tokenAccount(name)).catch(() => false);
}

interface Served {
  users(token: string): Promise<number>;
  stop(): Promise<void>;
}

async function serve(dataDir: string): Promise<Served> {
  const child = spawn(process.execPath, cliArgs(dataDir, ['serve', '--port', '0']), { cwd: ROOT, env });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  let m: RegExpExecArray | null;
  while (!(m = /SCIM base URL: (\S+)\n/.exec(out))) {
    if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}`);
    await sleep(50);
  }
  const base = m[1]!;
  return {
    users: async (token) => {
      const res = await fetch(`${base}/Users`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer(); // frees the connection for the next request
      return res.status;
    },
    stop: () =>
      new Promise((resolve) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('close', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

async function race(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-bench-race-'));
  try {
    cli(dataDir, 'enable', '--connection', 'okta');
    cli(dataDir, 'enable', '--connection', 'entra');
    const served = await serve(dataDir);
    const lost: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const [okta, entra] = await Promise.all([cliAsync(dataDir, 'token', 'new', '--connection', 'okta'), cliAsync(dataDir, 'token', 'new', '--connection', 'entra')]);
      const statuses = [await served.users(okta), await served.users(entra)];
      if (statuses.some((s) => s !== 200)) lost.push(`round ${round}: okta ${statuses[0]}, entra ${statuses[1]}`);
    }
    await served.stop();
    console.log(`concurrent token new (${STORE} store): ${lost.length} of ${ROUNDS} rounds lost an update${lost.length ? ` (${lost.join('; ')})` : ''}`);
  } finally {
    await forgetTokens();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function missingHash(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-bench-missing-'));
  try {
    const okta = cli(dataDir, 'enable', '--connection', 'okta');
    cli(dataDir, 'enable', '--connection', 'entra');
    if (STORE === 'file') {
      const file = join(dataDir, 'secrets.json');
      const secrets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
      delete secrets[tokenAccount('entra')];
      writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
    } else {
      await new KeytarSecretStore(env.SCIMDESK_KEYCHAIN_SERVICE).delete(tokenAccount('entra'));
    }
    const served = await serve(dataDir);
    const wrong = await served.users(`scimdesk_${'C'.repeat(43)}`);
    const start = Date.now();
    const counts = new Map<number, number>();
    let blockedUntil = 0;
    while (Date.now() - start < WATCH_MS) {
      const status = await served.users(okta);
      counts.set(status, (counts.get(status) ?? 0) + 1);
      if (status === 503) blockedUntil = Date.now() - start;
      await sleep(100);
    }
    await served.stop();
    const summary = [...counts].map(([status, n]) => `${n} × ${status}`).join(', ');
    console.log(`missing Entra hash (${STORE} store): a wrong token got ${wrong}; the valid Okta token over ${WATCH_MS} ms: ${summary}; blocked for ${blockedUntil} ms`);
  } finally {
    await forgetTokens();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await race();
await missingHash();
