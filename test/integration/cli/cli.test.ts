/**
 * The headless CLI as an admin runs it: real child processes (`node --import tsx server/cli/main.ts`),
 * a fresh data folder per test, the real SQLite file and the real OS keychain (the private
 * gnome-keyring session `npm test` starts), and HTTP to the served port on 127.0.0.1.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { ERROR_SCHEMA, ScimClient, USER_SCHEMA } from '../../../tools/scim-client';
import { TOKEN, type Exit, cliProcesses, lines } from '../../support/cli-process';
import { TestTunnelServer } from '../../../tools/tunnel-server';

const ANY_TOKEN = /scimdesk_[A-Za-z0-9_-]{43}/;
const USAGE = 'Usage: npm run -s scimdesk -- <command> [options]';
/** Each command is a fresh Node process that loads the server (seconds on a busy machine); a test runs several. */
const SLOW_TEST_MS = 180_000;

/** One CLI command may take 30 s before the test gives up on it (a hang is a failure). */
const scimdesk = cliProcesses({ limitMs: 30_000, dirPrefix: 'scimdesk-cli-' });
const { newDir, start, cli, serve, stop, waitFor } = scimdesk;

/** `enable` that must print a first token, and nothing on stderr; returns the token. */
async function enable(dataDir: string, extra: readonly string[] = [], env?: NodeJS.ProcessEnv, connection = 'okta'): Promise<string> {
  const res = await scimdesk.enable(dataDir, { connection, args: extra, env });
  expect(res.stderr).toBe('');
  return res.token;
}

function status(dataDir: string, extra: readonly string[] = [], env?: NodeJS.ProcessEnv): Promise<Exit> {
  return cli(['status', '--json', '--data-dir', dataDir, ...extra], env);
}

interface StatusJson {
  dataDir: string;
  connections: { name: string; enabled: boolean; hasToken: boolean; tokenCreatedAt: string | null; lastUsedAt: string | null; lastUsedAgent: string | null }[];
  users: number;
  groups: number;
}

async function statusJson(dataDir: string, extra: readonly string[] = [], env?: NodeJS.ProcessEnv): Promise<StatusJson> {
  const res = await status(dataDir, extra, env);
  expect(res.stderr).toBe('');
  expect(res.code).toBe(0);
  return JSON.parse(res.stdout) as StatusJson;
}

function connection(s: StatusJson, name: string): StatusJson['connections'][number] {
  const c = s.connections.find((x) => x.name === name);
  expect(c, `connection ${name} in ${JSON.stringify(s)}`).toBeDefined();
  return c!;
}

/** The environment of a host with no usable OS keychain (no D-Bus session bus to reach one). */
function noKeychainEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };
  delete env['DISPLAY'];
  delete env['WAYLAND_DISPLAY'];
  // GDBus also looks for $XDG_RUNTIME_DIR/bus: point it at an empty folder.
  env['XDG_RUNTIME_DIR'] = newDir('scimdesk-no-bus-');
  return env;
}

const randomLookingToken = (): string => `scimdesk_${'A'.repeat(43)}`;

describe('CLI with the OS keychain', { timeout: SLOW_TEST_MS }, () => {
  beforeAll(() => {
    // The CLI keeps token hashes under the keychain service "ScimDesk": outside the private
    // keyring session of `npm test` these tests would overwrite a real ScimDesk's token.
    if (process.env['SCIMDESK_IN_KEYRING'] !== '1') throw new Error('Run these tests with `npm test` (test/support/with-keyring.sh): they use the keychain service "ScimDesk".');
  });

  it('enable prints the warning and the token alone on the last line; the token is stored nowhere in the data folder', async () => {
    const dataDir = newDir();
    const res = await cli(['enable', '--connection', 'okta', '--data-dir', dataDir]);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
    const out = lines(res.stdout);
    expect(out.at(-1)).toMatch(TOKEN);
    expect(res.stdout).toContain('shown only once');
    // The token appears once, on its own line, and nowhere else in the output.
    expect(res.stdout.split(out.at(-1)!).length - 1).toBe(1);
    for (const file of readdirSync(dataDir)) expect(readFileSync(join(dataDir, file)).includes(out.at(-1)!), file).toBe(false);
  });

  it('enabling again prints no token and keeps the first one working', async () => {
    const dataDir = newDir();
    const token = await enable(dataDir);
    const again = await cli(['enable', '--connection', 'okta', '--data-dir', dataDir]);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toMatch(ANY_TOKEN);
    expect(again.stdout).not.toContain('shown only once');
    expect(again.stdout).toContain('token new --connection okta');
    const served = await serve(dataDir);
    expect((await served.client(token).get('/Users')).status).toBe(200);
  });

  it('serve accepts the printed token and answers a wrong or missing one with 401', async () => {
    const dataDir = newDir();
    const token = await enable(dataDir);
    const served = await serve(dataDir);
    const ok = await served.client(token).get('/Users');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 0 });
    for (const bad of [randomLookingToken(), `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, undefined]) {
      const res = await served.client(bad).get('/Users');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '401' });
    }
  });

  it('token new while serving: the old token is refused from the next request, the new one works', async () => {
    const dataDir = newDir();
    const oldToken = await enable(dataDir);
    const served = await serve(dataDir);
    expect((await served.client(oldToken).get('/Users')).status).toBe(200);

    const res = await cli(['token', 'new', '--connection', 'okta', '--data-dir', dataDir]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('shown only once');
    const newToken = lines(res.stdout).at(-1)!;
    expect(newToken).toMatch(TOKEN);
    expect(newToken).not.toBe(oldToken);

    const refused = await served.client(oldToken).get('/Users');
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '401' });
    expect((await served.client(newToken).get('/Users')).status).toBe(200);
    expect((await served.client(oldToken).get('/Groups')).status).toBe(401);
  });

  it('disable while serving answers 403 with a SCIM error; enable turns it back on with the same token', async () => {
    const dataDir = newDir();
    const token = await enable(dataDir);
    const served = await serve(dataDir);
    expect((await served.client(token).get('/Users')).status).toBe(200);

    const off = await cli(['disable', '--connection', 'okta', '--data-dir', dataDir]);
    expect(off.code).toBe(0);
    expect(off.stdout).not.toMatch(ANY_TOKEN);
    const refused = await served.client(token).get('/Users');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/scim+json');
    expect(refused.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '403' });
    expect((await served.client(token).post('/Users', { schemas: [USER_SCHEMA], userName: 'nobody@example.com' })).status).toBe(403);

    const on = await cli(['enable', '--connection', 'okta', '--data-dir', dataDir]);
    expect(on.code).toBe(0);
    expect(on.stdout).not.toMatch(ANY_TOKEN);
    expect((await served.client(token).get('/Users')).status).toBe(200);
    expect((await statusJson(dataDir)).users).toBe(0);
  });

  it('status --json reports the connections and the user and group counts', async () => {
    const dataDir = newDir();
    const fresh = await statusJson(dataDir);
    expect(fresh).toMatchObject({ dataDir, users: 0, groups: 0 });
    expect(connection(fresh, 'okta')).toMatchObject({ enabled: false, hasToken: false });
    expect(connection(fresh, 'entra')).toMatchObject({ enabled: false, hasToken: false });

    const token = await enable(dataDir);
    const served = await serve(dataDir);
    const client = served.client(token);
    const ids: string[] = [];
    for (const userName of ['ada@example.com', 'grace@example.com']) {
      const res = await client.post('/Users', { schemas: [USER_SCHEMA], userName, active: true });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    expect((await client.post('/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering', members: [{ value: ids[0] }] })).status).toBe(201);

    // Read while the server keeps running (both processes share the SQLite file).
    const s = await statusJson(dataDir);
    expect(s).toMatchObject({ dataDir, users: 2, groups: 1 });
    expect(connection(s, 'okta')).toMatchObject({ enabled: true, hasToken: true, lastUsedAgent: 'Okta SCIM Client 1.0.0' });
    expect(connection(s, 'okta').tokenCreatedAt).toEqual(expect.any(String));
    expect(connection(s, 'okta').lastUsedAt).toEqual(expect.any(String));
    expect(connection(s, 'entra')).toMatchObject({ enabled: false, hasToken: false, lastUsedAt: null });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('serve stops cleanly on %s: exit code 0, "Stopped.", the port is closed', async (signal) => {
    const dataDir = newDir();
    await enable(dataDir);
    const served = await serve(dataDir);
    const exit = await stop(served, signal);
    expect(exit.signal).toBeNull();
    expect(exit.code).toBe(0);
    expect(lines(exit.stdout).at(-1)).toBe('Stopped.');
    expect(exit.stdout).toContain(`Stopping (${signal})`);
    expect(exit.stderr).not.toContain('    at ');
    await expect(fetch(`${served.base}/Users`)).rejects.toThrow();
  });

  it('serve --port with a port in use exits 1 with one clear line', async () => {
    const dataDir = newDir();
    await enable(dataDir);
    const first = await serve(dataDir);
    const second = await cli(['serve', '--port', String(first.port), '--data-dir', dataDir, '--log-level', 'warn']);
    expect(second.code).toBe(1);
    expect(lines(second.stderr)).toEqual([`scimdesk: port ${first.port} on 127.0.0.1 is already in use; stop the other program or pass --port`]);
    // The first server is unaffected.
    expect(first.child.exitCode).toBeNull();
  });
});

describe('CLI argument errors', { timeout: SLOW_TEST_MS }, () => {
  it.each([
    ['an unknown command', ['frobnicate']],
    ['no command', []],
    ['enable without --connection', ['enable']],
    ['disable with an unknown connection', ['disable', '--connection', 'onelogin']],
    ['token without "new"', ['token', '--connection', 'okta']],
    ['token new without --connection', ['token', 'new']],
    ['serve --port abc', ['serve', '--port', 'abc']],
    ['serve --port 70000', ['serve', '--port', '70000']],
    ['serve --activity-keep below 100', ['serve', '--activity-keep', '10']],
    ['serve --activity-days that is not a number', ['serve', '--activity-days', 'week']],
    ['an unknown option', ['status', '--frobnicate']],
    ['an unknown secret store', ['status', '--secret-store', 'vault']],
  ])('%s → exit code 2, the usage text on stderr, nothing written', async (_label, args) => {
    const dataDir = join(newDir(), 'data');
    const res = await cli([...args, '--data-dir', dataDir]);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(lines(res.stderr)[0]).toMatch(/^scimdesk: /);
    expect(res.stderr).toContain(USAGE);
    expect(res.stderr).not.toContain('    at ');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('--help prints the usage on stdout with exit code 0', async () => {
    const res = await cli(['--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(USAGE);
  });
});

describe('CLI without an OS keychain', { timeout: SLOW_TEST_MS }, () => {
  it('enable exits 1 with one line naming the missing keychain, and enables nothing', async () => {
    const dataDir = newDir();
    const res = await cli(['enable', '--connection', 'okta', '--data-dir', dataDir], noKeychainEnv());
    expect(res.code).toBe(1);
    expect(res.stdout).not.toMatch(ANY_TOKEN);
    const errLines = lines(res.stderr);
    expect(errLines).toHaveLength(1);
    expect(errLines[0]).toMatch(/^scimdesk: no OS keychain available/);
    expect(res.stderr).not.toContain('    at ');

    const s = await statusJson(dataDir, ['--secret-store', 'file'], noKeychainEnv());
    expect(connection(s, 'okta')).toMatchObject({ enabled: false, hasToken: false, tokenCreatedAt: null });
    // And straight from SQLite.
    const db = new Database(join(dataDir, 'scimdesk.db'), { readonly: true, fileMustExist: true });
    try {
      expect(db.prepare("SELECT enabled, token_generation FROM connections WHERE name = 'okta'").get()).toEqual({ enabled: 0, token_generation: 0 });
    } finally {
      db.close();
    }
  });

  it('enable exits 1 the same way when no D-Bus session bus is configured at all', async () => {
    const dataDir = newDir();
    const env = noKeychainEnv();
    delete env['DBUS_SESSION_BUS_ADDRESS'];
    const res = await cli(['enable', '--connection', 'entra', '--data-dir', dataDir], env);
    expect(res.code).toBe(1);
    const errLines = lines(res.stderr);
    expect(errLines).toHaveLength(1);
    expect(errLines[0]).toMatch(/^scimdesk: no OS keychain available/);
    expect(connection(await statusJson(dataDir, ['--secret-store', 'file'], env), 'entra')).toMatchObject({ enabled: false, hasToken: false });
  });

  it('serve exits 1 with the one line instead of answering every request with 503', async () => {
    const dataDir = newDir();
    const res = await cli(['serve', '--port', '0', '--data-dir', dataDir], noKeychainEnv());
    expect(res.code).toBe(1);
    expect(res.stdout).not.toContain('listening on');
    const errLines = lines(res.stderr);
    expect(errLines).toHaveLength(1);
    expect(errLines[0]).toMatch(/^scimdesk: no OS keychain available/);
  });

  it('--secret-store file works: secrets.json is 0600 and holds the token hash, never the token', async () => {
    const dataDir = newDir();
    const env = noKeychainEnv();
    const token = await enable(dataDir, ['--secret-store', 'file'], env);
    const file = join(dataDir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(token);
    expect(JSON.parse(text)).toEqual({ 'okta-token-sha256': createHash('sha256').update(token).digest('hex') });

    const served = await serve(dataDir, { args: ['--secret-store', 'file'], env });
    expect(served.stdout()).toContain('secrets: the file');
    expect((await served.client(token).get('/Users')).status).toBe(200);
    expect((await served.client(randomLookingToken()).get('/Users')).status).toBe(401);

    // A rotation through the file store takes effect in the running server too.
    const rotated = await cli(['token', 'new', '--connection', 'okta', '--data-dir', dataDir, '--secret-store', 'file'], env);
    expect(rotated.code).toBe(0);
    const newToken = lines(rotated.stdout).at(-1)!;
    expect(newToken).toMatch(TOKEN);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await served.client(token).get('/Users')).status).toBe(401);
    expect((await served.client(newToken).get('/Users')).status).toBe(200);
  });
});

describe('serve through a tunnel', () => {
  it(
    'prints the public SCIM URL and every tunnel state change; the public URL works',
    async () => {
      const tunnel = await TestTunnelServer.start();
      try {
        const dataDir = newDir();
        const token = await enable(dataDir);
        const run = start(['serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn', '--tunnel', 'localtunnel', '--tunnel-host', tunnel.hostUrl, '--subdomain', 'cli-tunnel']);
        await waitFor(run, /tunnel: connecting to /, 'connecting line');
        const online = await waitFor(run, /tunnel: online at (\S+)\nSCIM base URL: (\S+)/, 'online line');
        expect(online[1]).toBe(tunnel.publicUrl('cli-tunnel'));
        expect(online[2]).toBe(`${tunnel.publicUrl('cli-tunnel')}/scim/v2`);
        expect((await new ScimClient(online[2]!, `Bearer ${token}`).get('/Users')).status).toBe(200);

        await tunnel.kill();
        await waitFor(run, /tunnel: reconnecting \(attempt \d+/, 'reconnecting line');
        await tunnel.restart();
        await waitFor(run, /tunnel: online at [^\n]+\n[^]*tunnel: online at (\S+)/, 'second online line');
        expect((await new ScimClient(online[2]!, `Bearer ${token}`).get('/Users')).status).toBe(200);

        run.child.kill('SIGINT');
        const exit = await run.exited;
        expect(exit.code).toBe(0);
        expect(exit.stdout).toContain('Stopped.');
      } finally {
        await tunnel.close();
      }
    },
    SLOW_TEST_MS,
  );

  it('refuses an invalid subdomain or a tunnel host that is not a URL with usage (exit 2)', async () => {
    const dataDir = newDir();
    for (const args of [['--subdomain', 'ab'], ['--tunnel-host', 'not a url'], ['--tunnel', 'ngrok']]) {
      const res = await cli(['serve', '--data-dir', dataDir, ...args]);
      expect(res.code).toBe(2);
      expect(res.stderr).toContain(USAGE);
    }
  });
});
