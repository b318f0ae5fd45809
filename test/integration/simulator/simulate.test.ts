/**
 * The simulator (issue 13) against the real controller: real SQLite, the real keychain, real
 * HTTP on loopback, and the test tunnel server for the public path. It plays Okta and Entra
 * ID with a credential of its own, and its records go again without touching a real IdP's.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationReport } from '../../../contract/model';
import { scimBaseUrl } from '../../../server/scim/urls';
import { oktaUser } from '../../../tools/idp/okta';
import { localhostLookup } from '../../../tools/public-fetch';
import { ScimClient } from '../../../tools/scim-client';
import { TestTunnelServer } from '../../../tools/tunnel-server';
import { FAST_TUNNEL, type TestController, startController, verified, waitForStatus } from '../../support/controller';
import { filesUnder } from '../../support/files';

function failedStep(report: SimulationReport) {
  return report.steps.find((s) => s.verdict === 'failed');
}

async function enable(t: TestController, connection: 'okta' | 'entra'): Promise<ScimClient> {
  const { token } = await t.controller.core.connections.setEnabled(connection, true);
  return new ScimClient(scimBaseUrl(t.controller.status().server.localUrl!), `Bearer ${token!}`);
}

describe('the simulator, to 127.0.0.1', () => {
  let t: TestController;
  afterEach(async () => t?.stop());

  it('passes every scenario as Okta: 25 users imported, each step checked, records marked "okta-simulated", requests marked simulated', async () => {
    t = await startController();
    await enable(t, 'okta');
    const seen: number[] = [];
    const report = await t.controller.simulate({ connection: 'okta' }, (r) => void seen.push(r.steps.length));
    expect(failedStep(report)).toBeUndefined();
    expect(report.state).toBe('passed');
    expect(report.through).toBe('local');
    expect(report.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);
    expect(report.scenarios).toEqual(['test-credentials', 'import', 'update', 'push-groups', 'entra-cycle', 'offboard']);
    expect(new Set(report.steps.map((s) => s.scenario))).toEqual(new Set(report.scenarios));
    expect(report.summary).toBe(`${report.steps.length} of ${report.steps.length} steps passed`);
    const creates = report.steps.filter((s) => s.scenario === 'import' && s.request.method === 'POST');
    expect(creates).toHaveLength(25);
    expect(creates[0]!.checks).toEqual(expect.arrayContaining(['status 201', 'schemas', 'userName echoed', 'id', 'Location']));
    expect(creates.some((s) => /\p{Script=Han}|\p{Script=Cyrillic}|\p{Script=Arabic}/u.test(s.request.body ?? ''))).toBe(true); // non-Latin names sent
    expect(creates[0]!.request.headers['authorization']).toBe('[redacted]');
    expect(creates[0]!.request.headers['user-agent']).toBe('Okta SCIM Client 1.0.0');
    expect(creates[0]!.request.body).not.toMatch(/1mz050nq/); // Okta's password is redacted
    expect(seen).toEqual(report.steps.map((_, i) => i + 1)); // one progress per step
    expect(Math.max(...report.steps.map((s) => (s.response?.body ?? '').length))).toBeLessThanOrEqual(4097); // cut to 4 KiB (+ the ellipsis)
    expect(t.controller.status().simulation).toEqual(report);

    const users = t.controller.panel.listUsers({ limit: 500 });
    expect(users.items.length).toBeGreaterThan(20);
    expect(new Set(users.items.map((u) => u.source))).toEqual(new Set(['okta-simulated']));
    await t.controller.core.activity.settled();
    const activity = await t.controller.panel.listActivity({ connection: 'okta', limit: 50 });
    expect(activity.length).toBe(50);
    expect(activity.every((a) => a.simulated)).toBe(true);
    // The real IdP's last use is not faked by the simulator.
    expect(t.controller.status().connections.find((c) => c.name === 'okta')!.lastUsedAt).toBeNull();
  });

  it('passes every scenario as Entra ID, with Entra\'s own shapes', async () => {
    t = await startController();
    await enable(t, 'entra');
    const report = await t.controller.simulate({ connection: 'entra', scenario: undefined, users: 5 });
    expect(failedStep(report)).toBeUndefined();
    expect(report.state).toBe('passed');
    const disable = report.steps.find((s) => s.name === 'Disable with "False"')!;
    expect(disable.request.body).toContain('"op":"Replace"');
    expect(disable.checks).toContain('active false');
    expect(new Set(t.controller.panel.listUsers({ limit: 500 }).items.map((u) => u.source))).toEqual(new Set(['entra-simulated']));
  });

  it('refuses the simulator credential once the run ends, and never writes it to the data folder or the output', async () => {
    t = await startController();
    const real = await enable(t, 'okta');
    const issued: string[] = [];
    const connections = t.controller.core.connections;
    const issue = connections.issueSimulatorToken.bind(connections);
    connections.issueSimulatorToken = (...args) => {
      const credential = issue(...args);
      issued.push(credential.token);
      return credential;
    };
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const writeErr = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => (written.push(String(chunk)), write(chunk, ...rest))) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => (written.push(String(chunk)), writeErr(chunk, ...rest))) as typeof process.stderr.write;
    let during = 0;
    let report: SimulationReport;
    try {
      report = await t.controller.simulate({ connection: 'okta', scenario: 'test-credentials' }, async () => {
        // While the run lasts, the credential works as Okta.
        during = (await new ScimClient(real.base, `Bearer ${issued[0]!}`).get('/Users?count=1')).status;
      });
    } finally {
      process.stdout.write = write;
      process.stderr.write = writeErr;
    }
    expect(report.state).toBe('passed');
    expect(during).toBe(200);
    expect(issued).toHaveLength(1);
    const token = issued[0]!;
    const after = await new ScimClient(real.base, `Bearer ${token}`).get('/Users');
    expect(after.status).toBe(401);
    expect((await real.get('/Users')).status).toBe(200); // the real token is untouched

    await t.controller.core.activity.settled();
    const hash = createHash('sha256').update(token).digest('hex');
    for (const file of filesUnder(t.dataDir)) {
      const bytes = readFileSync(file);
      expect(bytes.includes(token), file).toBe(false);
      expect(bytes.includes(hash), file).toBe(false);
      expect(bytes.includes(token.slice(-24)), file).toBe(false);
    }
    expect(written.join('')).not.toContain(token);
    expect(JSON.stringify(report)).not.toContain(token);
  });

  it('stops accepting a simulator credential after its 15 minutes even if no run revokes it', async () => {
    let now = Date.now();
    t = await startController({ now: () => new Date(now) });
    const real = await enable(t, 'okta');
    const { token } = t.controller.core.connections.issueSimulatorToken('okta');
    const client = new ScimClient(real.base, `Bearer ${token}`);
    expect((await client.get('/Users')).status).toBe(200);
    now += 14 * 60_000;
    expect((await client.get('/Users')).status).toBe(200);
    now += 60_000 + 1;
    expect((await client.get('/Users')).status).toBe(401);
  });

  it('removeSimulated brings the counts back to what they were, and keeps a real connection\'s record made during the run', async () => {
    t = await startController();
    const real = await enable(t, 'okta');
    expect((await real.post('/Users', oktaUser('before.run@acme.example'))).status).toBe(201);
    const before = t.controller.status().counts;
    let realCreate: Promise<number> | undefined;
    const report = await t.controller.simulate({ connection: 'okta', users: 6 }, (r) => {
      if (r.steps.length === 5) realCreate = real.post('/Users', oktaUser('during.run@acme.example', { externalId: 'real-during' })).then((res) => res.status);
    });
    expect(report.state).toBe('passed');
    expect(await realCreate).toBe(201);
    const during = t.controller.status().counts;
    expect(during.users).toBeGreaterThan(before.users + 1);

    await t.controller.core.activity.settled();
    const realEntry = (await t.controller.panel.listActivity({ search: 'during.run', limit: 5 })).find((a) => a.method === 'POST')!;
    expect(realEntry.simulated).toBe(false);
    const simulatedEntry = (await t.controller.panel.listActivity({ search: 'scimdesk-sim.example', limit: 5 }))[0]!;
    expect(simulatedEntry.simulated).toBe(true);
    const simulatedName = t.controller.panel.listUsers({ limit: 500 }).items.find((u) => u.source === 'okta-simulated')!.userName;
    const removed = await t.controller.removeSimulated();
    expect(removed.users).toBe(during.users - before.users - 1);
    const after = t.controller.status().counts;
    expect(after).toEqual({ ...before, users: before.users + 1 });
    const names = t.controller.panel.listUsers({ limit: 500 }).items.map((u) => `${u.userName} ${u.source}`);
    expect(names.sort()).toEqual(['before.run@acme.example okta', 'during.run@acme.example okta']);
    expect(await t.controller.removeSimulated()).toEqual({ users: 0, groups: 0 });
    // The audit trail says who created it and who removed it.
    const audit = t.controller.core.directory.audit;
    const trail = audit.all(audit.deleted('User', simulatedName)!);
    expect(trail[0]).toMatchObject({ action: 'create', connection: 'okta-simulated' });
    expect(trail.at(-1)).toMatchObject({ action: 'delete', connection: 'simulator-cleanup' });
  });

  it('fails the report when the server refuses a create: the step, what Okta concludes, and the fix', async () => {
    t = await startController();
    const real = await enable(t, 'okta');
    const report = await t.controller.simulate({ connection: 'okta', scenario: 'import', users: 3 }, async (r) => {
      const last = r.steps.at(-1)!;
      // Right after the import's first existence check: the real Okta creates that very user.
      if (r.steps.length === 1) {
        const userName = /^Look up (.+)$/.exec(last.name)![1]!;
        expect((await real.post('/Users', oktaUser(userName))).status).toBe(201);
      }
    });
    expect(report.state).toBe('failed');
    const failed = failedStep(report)!;
    expect(failed.index).toBe(2);
    expect(failed.name).toMatch(/^Create user /);
    expect(failed.response?.status).toBe(409);
    expect(failed.conclusion).toBe("Okta would mark the app's provisioning as failed: expected 201, got 409");
    expect(failed.fix).toMatch(/already exists/);
    expect(report.steps).toHaveLength(2); // what depends on it was not sent
    expect(report.summary).toContain('Step 2 (import: Create user');
    expect(report.summary).toContain('expected 201, got 409');
    expect(report.summary).toContain('was not sent');
  });

  it('is refused by a disabled connection, and the report says so; a second run, or a removal, at once is busy', async () => {
    t = await startController();
    await enable(t, 'okta');
    await t.controller.core.connections.setEnabled('okta', false);
    const first = t.controller.simulate({ connection: 'okta' });
    await expect(t.controller.simulate({ connection: 'okta' })).rejects.toMatchObject({ code: 'busy' });
    await expect(t.controller.removeSimulated()).rejects.toMatchObject({ code: 'busy' });
    const report = await first;
    expect(report.state).toBe('failed');
    expect(failedStep(report)!.response?.status).toBe(403);
    expect(report.summary).toMatch(/disabled in ScimDesk: enable it/);
    // The simulator's refusals are not Okta's: its health counts no failure.
    await t.controller.core.activity.settled();
    expect(t.controller.status().connections.find((c) => c.name === 'okta')!.health.failuresLastHour).toBe(0);
  });
});

describe('the simulator, through the public URL (the test tunnel server)', () => {
  let tunnel: TestTunnelServer;
  let t: TestController;
  beforeAll(async () => {
    tunnel = await TestTunnelServer.start();
    t = await startController({ tunnel: { mode: 'localtunnel', host: tunnel.hostUrl, subdomain: 'simulator-run' }, tunnelTiming: FAST_TUNNEL, publicCheck: { lookup: localhostLookup } });
    await waitForStatus(t.controller, verified, 20_000, 'the tunnel online');
  }, 30_000);
  afterAll(async () => {
    await t?.stop();
    await tunnel?.close();
  });

  it.each(['okta', 'entra'] as const)('passes every scenario as %s, through the tunnel by default', async (connection) => {
    await t.controller.core.connections.setEnabled(connection, true);
    const report = await t.controller.simulate({ connection, users: 5 });
    expect(failedStep(report)).toBeUndefined();
    expect(report.through).toBe('public');
    expect(report.baseUrl).toBe(`${t.controller.status().publicUrl!}/scim/v2`);
    expect(report.baseUrl).toMatch(/\.localhost:\d+\/scim\/v2$/);
    expect(report.state).toBe('passed');
  }, 60_000);
});
