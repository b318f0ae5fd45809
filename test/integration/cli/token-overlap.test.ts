/**
 * The rotation overlap from the headless CLI, as an admin runs it next to `serve`: real child
 * processes, the real SQLite file and the real OS keychain (a service name of this file's own),
 * and the IdP's requests over HTTP to the served port on 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../../server/secrets/keytar-store';
import { TOKEN, cliProcesses, lines } from '../../support/cli-process';
import { forgetTokens } from '../../support/scim-server';

/** Each command is a fresh Node process that loads the server (seconds on a busy machine). */
const SLOW_TEST_MS = 180_000;
const USAGE = 'Usage: npm run -s scimdesk -- <command> [options]';

const { newDir, cli, enable, serve } = cliProcesses({ limitMs: 30_000, dirPrefix: 'scimdesk-overlap-cli-' });

const services: string[] = [];
afterEach(async () => {
  for (const service of services.splice(0)) await forgetTokens(new KeytarSecretStore(service));
});

function keychainEnv(): NodeJS.ProcessEnv {
  const service = `ScimDesk-test-${randomBytes(6).toString('hex')}`;
  services.push(service);
  return { ...process.env, SCIMDESK_KEYCHAIN_SERVICE: service };
}

interface LoggedRequest {
  readonly connection: string | null;
  readonly token?: string | null;
  readonly status: number;
}

describe('token new --overlap and token end-overlap', { timeout: SLOW_TEST_MS }, () => {
  it('`token new okta --overlap 1h`: both tokens work against serve, status shows until when, the log says which token; `token end-overlap okta` refuses the old one', async () => {
    const dataDir = newDir();
    const env = keychainEnv();
    const first = (await enable(dataDir, { env })).token;
    const served = await serve(dataDir, { env });
    expect((await served.client(first).get('/Users')).status).toBe(200);

    const rotated = await cli(['token', 'new', 'okta', '--overlap', '1h', '--data-dir', dataDir], env);
    expect(rotated.code, rotated.output).toBe(0);
    const second = lines(rotated.stdout).at(-1)!;
    expect(second).toMatch(TOKEN);
    expect(rotated.stdout).toMatch(/the previous token keeps working until \S+, then is refused/);
    expect((await served.client(first).get('/Users')).status).toBe(200);
    expect((await served.client(second).get('/Users')).status).toBe(200);

    const status = await cli(['status', '--data-dir', dataDir], env);
    expect(status.code, status.output).toBe(0);
    const until = /Okta \(okta\): enabled, token issued \S+, previous token works until (\S+) \(last used \S+\)/.exec(status.stdout);
    expect(until, status.stdout).not.toBeNull();
    expect(Math.abs(Date.parse(until![1]!) - (Date.now() + 3_600_000))).toBeLessThan(120_000);

    const log = await cli(['log', '--json', '--connection', 'okta', '--data-dir', dataDir], env);
    expect(log.code, log.output).toBe(0);
    const entries = (JSON.parse(log.stdout) as LoggedRequest[]).reverse();
    expect(entries.map((e) => e.token)).toEqual(['current', 'previous', 'current']);
    expect(log.stdout).not.toContain(first);
    expect(log.stdout).not.toContain(second);

    const ended = await cli(['token', 'end-overlap', 'okta', '--data-dir', dataDir], env);
    expect(ended.code, ended.output).toBe(0);
    expect(ended.stdout).toContain("Okta's previous token is refused from the next request on");
    expect((await served.client(first).get('/Users')).status).toBe(401);
    expect((await served.client(second).get('/Users')).status).toBe(200);

    const again = await cli(['token', 'end-overlap', 'okta', '--data-dir', dataDir], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^scimdesk: Okta has no previous token that still works/);
  });

  it('`token new okta` with no overlap refuses the old token at once, as before', async () => {
    const dataDir = newDir();
    const env = keychainEnv();
    const first = (await enable(dataDir, { env })).token;
    const served = await serve(dataDir, { env });
    const rotated = await cli(['token', 'new', 'okta', '--data-dir', dataDir], env);
    expect(rotated.code, rotated.output).toBe(0);
    expect(rotated.stdout).toContain('the previous token is refused from the next request on');
    expect((await served.client(first).get('/Users')).status).toBe(401);
    expect((await served.client(lines(rotated.stdout).at(-1)).get('/Users')).status).toBe(200);
  });

  it('a wrong overlap, two different connections, end-overlap with --overlap, an unknown subcommand: exit code 2 with the usage, and nothing changed', async () => {
    const dataDir = newDir();
    const env = keychainEnv();
    await enable(dataDir, { env });
    const before = await cli(['status', '--json', '--data-dir', dataDir], env);
    for (const args of [
      ['token', 'new', 'okta', '--overlap', '2h'],
      ['token', 'new', 'okta', '--connection', 'entra'],
      ['token', 'end-overlap', 'okta', '--overlap', '1h'],
      ['token', 'renew', 'okta'],
    ]) {
      const res = await cli([...args, '--data-dir', dataDir], env);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stdout).toBe('');
      expect(res.stderr).toContain(USAGE);
      expect(res.stderr).toContain('token new okta|entra [--overlap none|1h|24h]');
    }
    const after = await cli(['status', '--json', '--data-dir', dataDir], env);
    expect(after.stdout).toBe(before.stdout);
  });
});
