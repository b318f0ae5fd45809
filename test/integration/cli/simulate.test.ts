/**
 * `simulate` as an admin runs it next to a real `serve` (real processes, real HTTP on loopback,
 * the real keychain): Okta and Entra ID every scenario locally and through the test tunnel
 * server, the live step lines and the summary, --json, the exit codes, and `simulate --remove`
 * bringing the counts back with and without a running server.
 */
import { describe, expect, it } from 'vitest';
import { type Served, cliProcesses, lines } from '../../support/cli-process';
import { TestTunnelServer } from '../../../tools/tunnel-server';

const { newDir, cli, enable, serve, stop, start, waitFor } = cliProcesses({ limitMs: 90_000 });

const SLOW_TEST_MS = 240_000;

async function counts(dataDir: string): Promise<{ users: number; groups: number }> {
  const res = await cli(['status', '--json', '--data-dir', dataDir]);
  expect(res.code, res.output).toBe(0);
  const { users, groups } = JSON.parse(res.stdout) as { users: number; groups: number };
  return { users, groups };
}

/** A real IdP's user, made with the connection's real token: it must survive `--remove`. */
async function realUser(run: Served, token: string): Promise<void> {
  const res = await run.client(token).post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'real.person@acme.example', active: true });
  expect(res.status).toBe(201);
}

/** The live lines: one per step (✓ or ✗, name, status, ms), then the summary. */
function stepLines(stdout: string): string[] {
  return lines(stdout).filter((l) => /^[✓✗] /.test(l));
}

describe('simulate against a running serve, locally', () => {
  it(
    'okta and entra pass every scenario; --json is the report alone; --remove restores the counts through serve and without it',
    async () => {
      const dataDir = newDir();
      const { token } = await enable(dataDir);
      await enable(dataDir, { connection: 'entra' });
      const run = await serve(dataDir);
      await realUser(run, token);
      const before = await counts(dataDir);

      const okta = await cli(['simulate', 'okta', '--scenario', 'all', '--through', 'local', '--users', '5', '--data-dir', dataDir]);
      expect(okta.code, okta.output).toBe(0);
      const steps = stepLines(okta.stdout);
      expect(steps.length).toBeGreaterThan(20);
      expect(steps.every((l) => /^✓ .+ {2}\d{3} {2}\d+ ms$/.test(l))).toBe(true);
      expect(lines(okta.stdout).at(-1)).toBe(`Passed (okta, through local, ${run.base}): ${steps.length} of ${steps.length} steps passed`);
      expect(lines(okta.stdout)).toHaveLength(steps.length + 1);
      expect(okta.output).not.toMatch(/scimdesk_sim|Bearer /); // the run's credential never printed
      const during = await counts(dataDir);
      expect(during.users).toBeGreaterThan(before.users);

      // Through the channel while serve runs.
      const removed = await cli(['simulate', '--remove', '--data-dir', dataDir]);
      expect(removed.code, removed.output).toBe(0);
      expect(removed.stdout).toMatch(/^Removed \d+ simulated users? and \d+ simulated groups?\.\n$/);
      expect(await counts(dataDir)).toEqual(before);

      const entra = await cli(['simulate', 'entra', '--scenario', 'all', '--through', 'local', '--users', '3', '--json', '--data-dir', dataDir]);
      expect(entra.code, entra.output).toBe(0);
      const report = JSON.parse(entra.stdout) as { connection: string; state: string; through: string; scenarios: string[]; steps: { verdict: string }[] };
      expect(report).toMatchObject({ connection: 'entra', state: 'passed', through: 'local', scenarios: ['test-credentials', 'import', 'update', 'push-groups', 'entra-cycle', 'offboard'] });
      expect(report.steps.length).toBeGreaterThan(10);
      expect(report.steps.every((s) => s.verdict === 'passed')).toBe(true);
      expect((await counts(dataDir)).users).toBeGreaterThan(before.users);

      // Without a server: the core removes them itself.
      expect((await stop(run)).code).toBe(0);
      const offline = await cli(['simulate', '--remove', '--json', '--data-dir', dataDir]);
      expect(offline.code, offline.output).toBe(0);
      const offlineCounts = JSON.parse(offline.stdout) as { users: number; groups: number };
      expect(offlineCounts.users).toBeGreaterThan(0);
      expect(await counts(dataDir)).toEqual(before);
    },
    SLOW_TEST_MS,
  );

  it('a failing run exits 1 with the ✗ step, what the IdP concludes, and the failed summary', async () => {
    const dataDir = newDir();
    await enable(dataDir, { connection: 'entra' });
    const disabled = await cli(['disable', '--connection', 'entra', '--data-dir', dataDir]);
    expect(disabled.code, disabled.output).toBe(0);
    const run = await serve(dataDir);
    const res = await cli(['simulate', 'entra', '--scenario', 'test-credentials', '--through', 'local', '--data-dir', dataDir]);
    expect(res.code, res.output).toBe(1);
    const failed = lines(res.stdout).find((l) => l.startsWith('✗ '));
    expect(failed, res.stdout).toMatch(/^✗ .+ {2}403 {2}\d+ ms$/);
    const all = lines(res.stdout);
    expect(all[all.indexOf(failed!) + 1]).toMatch(/^ {2}\S.*(Entra|expected)/);
    expect(all.at(-1)).toMatch(new RegExp(`^FAILED \\(entra, through local, ${run.base.replace(/[.]/g, '\\.')}\\): `));
    expect(run.child.exitCode).toBeNull();
  }, SLOW_TEST_MS);
});

describe('simulate through the test tunnel server', () => {
  it(
    'okta and entra pass every scenario through the public URL, which is the default route once the tunnel is online',
    async () => {
      const tunnel = await TestTunnelServer.start();
      try {
        const dataDir = newDir();
        await enable(dataDir);
        await enable(dataDir, { connection: 'entra' });
        const run = start(['serve', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn', '--tunnel', 'localtunnel', '--tunnel-host', tunnel.hostUrl, '--subdomain', 'cli-simulate'], {
          ...process.env,
          SCIMDESK_TEST_LOCALHOST_LOOKUP: '1',
        });
        await waitFor(run, /tunnel: online at /, 'online line');
        const publicBase = `${tunnel.publicUrl('cli-simulate')}/scim/v2`;
        for (const connection of ['okta', 'entra']) {
          const res = await cli(['simulate', connection, '--scenario', 'all', '--users', '3', '--data-dir', dataDir]);
          expect(res.code, res.output).toBe(0);
          const steps = stepLines(res.stdout);
          expect(lines(res.stdout).at(-1)).toBe(`Passed (${connection}, through public, ${publicBase}): ${steps.length} of ${steps.length} steps passed`);
        }
        const removed = await cli(['simulate', '--remove', '--data-dir', dataDir]);
        expect(removed.code, removed.output).toBe(0);
        expect(await counts(dataDir)).toEqual({ users: 0, groups: 0 });
        await stop(run);
      } finally {
        await tunnel.close();
      }
    },
    SLOW_TEST_MS,
  );
});
