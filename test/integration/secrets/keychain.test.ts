/**
 * Token hashes in the real OS keychain (gnome-keyring through the Secret Service, as on a
 * Linux desktop), and what happens without one: no D-Bus, a locked keyring, no keyring. The
 * server then refuses SCIM requests (503) instead of falling back to plain text, and the
 * admin gets one sentence naming the cause and the fix.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../../server/secrets/keytar-store';
import { checkSecretStore } from '../../../server/secrets/secret-store';
import { type TestController, startController } from '../../support/controller';
import { ScimClient } from '../../../tools/scim-client';
import { tempDir } from '../../support/scim-server';
import { filesUnder } from '../../support/files';

const ROOT = join(import.meta.dirname, '..', '..', '..');

function secretTool(service: string, account: string): string {
  return execFileSync('secret-tool', ['lookup', 'service', service, 'account', account], { encoding: 'utf8' });
}

describe('the real keychain', () => {
  let t: TestController;
  beforeAll(async () => {
    t = await startController();
  });
  afterAll(async () => t?.stop());

  it('round-trips an entry and passes the write/read/delete probe', async () => {
    const store = new KeytarSecretStore(t.keychainService);
    await store.set('round-trip', 'value-1');
    expect(await store.get('round-trip')).toBe('value-1');
    expect(secretTool(t.keychainService, 'round-trip')).toBe('value-1');
    expect(await store.delete('round-trip')).toBe(true);
    expect(await store.get('round-trip')).toBeNull();
    await expect(checkSecretStore(store)).resolves.toBeUndefined();
  });

  it('holds only the SHA-256 of each token; the token works once issued and stops when replaced', async () => {
    const { token } = await t.controller.core.connections.setEnabled('okta', true);
    expect(token).toMatch(/^scimdesk_[A-Za-z0-9_-]{43}$/);
    const stored = secretTool(t.keychainService, 'okta-token-sha256');
    expect(stored).toBe(createHash('sha256').update(token!).digest('hex'));
    expect(stored).not.toContain(token!);

    const scimUrl = t.controller.status().scimUrl!;
    expect((await new ScimClient(scimUrl, `Bearer ${token}`).get('/Users')).status).toBe(200);
    const rotated = await t.controller.core.connections.rotateToken('okta');
    expect((await new ScimClient(scimUrl, `Bearer ${token}`).get('/Users')).status).toBe(401);
    expect((await new ScimClient(scimUrl, `Bearer ${rotated.token}`).get('/Users')).status).toBe(200);
    expect(secretTool(t.keychainService, 'okta-token-sha256')).toBe(createHash('sha256').update(rotated.token).digest('hex'));

    // Neither tokens nor their hashes are anywhere in the data folder.
    for (const file of filesUnder(t.dataDir)) {
      const bytes = readFileSync(file);
      for (const needle of [token!, rotated.token, stored, secretTool(t.keychainService, 'okta-token-sha256')]) {
        expect(bytes.includes(needle), `${file} contains a token or hash`).toBe(false);
      }
    }
  });
});

interface ProbeResult {
  secrets: { kind: string; ok: boolean; message: string | null };
  scim: { status: number; body: { schemas: string[]; status: string; detail: string } };
  enable: { code: string; message: string } | null;
  entra: { enabled: boolean; hasToken: boolean };
}

/** Runs the fixture in a child process, in a shell that prepares its keychain situation. */
function runFixture(shell: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', shell], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const FIXTURE = 'node --import tsx test/support/keychain-probe.ts';

function expectRefusal(result: ProbeResult, cause: RegExp): void {
  expect(result.secrets.ok).toBe(false);
  expect(result.secrets.message).toMatch(/^no OS keychain available: /);
  expect(result.secrets.message).toMatch(cause);
  expect(result.secrets.message).not.toMatch(/\n| {4}at /);
  // The server refuses rather than falling back: 503 SCIM error, no detail of the machine.
  expect(result.scim.status).toBe(503);
  expect(result.scim.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503' });
  expect(result.scim.body.detail).toMatch(/keychain/);
  // Enabling says why it cannot, and nothing is half-done.
  expect(result.enable?.code).toBe('keychain-unavailable');
  expect(result.entra).toMatchObject({ enabled: false, hasToken: false });
}

describe('without a usable keychain', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const fresh = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'scimdesk-keyring-'));
    dirs.push(d);
    return d;
  };

  it('no D-Bus session bus: one sentence with the cause and the fix, SCIM requests get 503', async () => {
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };
    const run = await runFixture(`${FIXTURE} probe ${tempDir()} ScimDesk-nobus`, env);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as ProbeResult;
    expectRefusal(result, /no D-Bus session bus.*dbus-run-session/);
  });

  it('a locked keyring: says it is locked, and a valid token gets 503 (not 401: the hash cannot be read)', async () => {
    const home = fresh();
    const dataDir = tempDir();
    const env = { ...process.env, XDG_DATA_HOME: home };
    // First session: the keyring is unlocked; ScimDesk issues the okta token.
    const setup = await runFixture(`dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; ${FIXTURE} setup ${dataDir} ScimDesk-locked'`, env);
    expect(setup.code, setup.stderr).toBe(0);
    const { token } = JSON.parse(setup.stdout) as { token: string };
    // Second session: the same keyring, started but never unlocked.
    const run = await runFixture(`dbus-run-session -- sh -c 'gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1; ${FIXTURE} probe ${dataDir} ScimDesk-locked ${token}'`, env);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as ProbeResult;
    expectRefusal(result, /the keyring is locked.*[Uu]nlock/);
  });

  it('a keyring daemon but no login keyring and no way to prompt: says so, SCIM requests get 503', async () => {
    const env = { ...process.env, XDG_DATA_HOME: fresh() };
    const run = await runFixture(`dbus-run-session -- sh -c 'gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1; ${FIXTURE} probe ${tempDir()} ScimDesk-nokeyring'`, env);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as ProbeResult;
    expectRefusal(result, /no unlocked login keyring.*--secret-store file/);
  });
});
