/**
 * The control channel `simulate` reaches a running `serve` through, and the command's answers
 * that need no simulator: real `serve` and CLI processes, the real socket in the data folder.
 * The channel is owner-only, named in serve.json, gone when serve stops, and answers garbage,
 * oversized or silent clients with a typed error while serve goes on serving.
 */
import { lstatSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliProcesses, lines } from '../../support/cli-process';

const { newDir, cli, enable, serve, stop } = cliProcesses({ limitMs: 30_000 });

/** Sends `data` on the channel and collects the JSON lines answered until the server closes. */
function exchange(path: string, data: string | null): Promise<Record<string, unknown>[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      if (data !== null) socket.write(data);
    });
    socket.on('data', (d: string) => (text += d));
    // The server may close while a large write is still going: what it answered counts.
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    socket.on('close', () => resolve(lines(text).map((l) => JSON.parse(l) as Record<string, unknown>)));
  });
}

function runtimeOf(dataDir: string): { pid: number; control?: string | null } {
  return JSON.parse(readFileSync(join(dataDir, 'serve.json'), 'utf8')) as { pid: number; control?: string | null };
}

describe('simulate without a running server', () => {
  it('says in one sentence to start serve first, and exits 1', async () => {
    const dataDir = newDir();
    await enable(dataDir);
    const res = await cli(['simulate', 'okta', '--data-dir', dataDir]);
    expect(res.code, res.output).toBe(1);
    expect(res.stdout).toBe('');
    expect(lines(res.stderr)).toEqual([expect.stringMatching(new RegExp(`no ScimDesk is running on ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: start \`serve\` first`))]);
  });

  it.each([
    [['simulate'], /simulate needs a connection/],
    [['simulate', 'github'], /unknown connection "github"/],
    [['simulate', 'okta', 'entra'], /takes one connection/],
    [['simulate', 'okta', '--scenario', 'payroll'], /--scenario must be one of test-credentials, import, .* or all, not "payroll"/],
    [['simulate', 'okta', '--through', 'moon'], /--through must be public or local/],
    [['simulate', 'okta', '--users', '0'], /--users must be a whole number from 1 to 500/],
    [['simulate', 'okta', '--users', '501'], /--users must be a whole number from 1 to 500/],
    [['simulate', '--remove', 'okta'], /simulate --remove takes no connection/],
  ])('%j is a usage error: exit 2 and what is wrong', async (args, message) => {
    const res = await cli([...args, '--data-dir', newDir()]);
    expect(res.code, res.output).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr).toContain('Usage:');
  });

  it('the help describes simulate and --remove', async () => {
    const res = await cli(['--help']);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/simulate {2}okta\|entra \[--scenario NAME\|all\] \[--through public\|local\] \[--users N\] \[--json\]/);
    expect(res.stdout).toMatch(/simulate {2}--remove/);
  });
});

describe('the control channel of a running serve', () => {
  it('is an owner-only socket in the data folder, named in serve.json, and gone once serve stops', async () => {
    const dataDir = newDir();
    await enable(dataDir);
    const run = await serve(dataDir);
    const { control, pid } = runtimeOf(dataDir);
    expect(pid).toBe(run.child.pid);
    // A file in the data folder, not an address: nothing on the network reaches it.
    expect(control).toBe(join(dataDir, 'control.sock'));
    const socket = lstatSync(control!);
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect((await stop(run)).code).toBe(0);
    expect(() => lstatSync(control!)).toThrow(/ENOENT/);
  });

  it('a socket left by a serve that was killed is replaced by the next serve, which answers on it', async () => {
    const dataDir = newDir();
    await enable(dataDir);
    const killed = await serve(dataDir);
    const control = runtimeOf(dataDir).control!;
    expect((await stop(killed, 'SIGKILL')).signal).toBe('SIGKILL');
    expect(lstatSync(control).isSocket()).toBe(true); // nobody removed it
    const again = await serve(dataDir);
    expect(runtimeOf(dataDir)).toMatchObject({ pid: again.child.pid, control });
    expect(await exchange(control, `${JSON.stringify({ v: 1, op: 'remove-simulated' })}\n`)).toEqual([{ v: 1, type: 'removed', removed: { users: 0, groups: 0 } }]);
  });

  it('answers garbage, oversized, silent and unknown requests with a typed error, and serve goes on', async () => {
    const dataDir = newDir();
    const { token } = await enable(dataDir);
    const run = await serve(dataDir);
    const control = runtimeOf(dataDir).control!;

    const answers = {
      garbage: await exchange(control, 'garbage\n'),
      array: await exchange(control, '[1,2]\n'),
      oversized: await exchange(control, 'x'.repeat(64 * 1024)),
      version: await exchange(control, `${JSON.stringify({ v: 99, op: 'remove-simulated' })}\n`),
      unknownOp: await exchange(control, `${JSON.stringify({ v: 1, op: 'drop-database' })}\n`),
      badOptions: await exchange(control, `${JSON.stringify({ v: 1, op: 'simulate', options: { connection: 'okta', users: 10_000 } })}\n`),
      extraOption: await exchange(control, `${JSON.stringify({ v: 1, op: 'simulate', options: { connection: 'okta', token: 'x' } })}\n`),
      silent: await exchange(control, null),
    };
    const codes = Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, v.map((m) => `${String(m['type'])}:${String(m['code'])}`)]));
    expect(codes).toEqual({
      garbage: ['error:bad-request'],
      array: ['error:bad-request'],
      oversized: ['error:too-large'],
      version: ['error:unsupported-version'],
      unknownOp: ['error:bad-request'],
      badOptions: ['error:bad-request'],
      extraOption: ['error:bad-request'],
      silent: ['error:timeout'],
    });
    for (const [m] of Object.values(answers)) expect(m).toMatchObject({ v: 1, message: expect.stringMatching(/^[A-Z].*\.$/) });
    expect(answers.version[0]!['message']).toMatch(/version 1/);

    // Still serving, and still reachable on the channel and over HTTP.
    expect(run.child.exitCode).toBeNull();
    expect((await run.client(token).get('/Users')).status).toBe(200);
    expect(await exchange(control, '{}\n')).toEqual([expect.objectContaining({ type: 'error', code: 'unsupported-version' })]);
    const status = await cli(['status', '--json', '--data-dir', dataDir]);
    expect(JSON.parse(status.stdout).server).toMatchObject({ running: true, pid: run.child.pid });
    expect(run.stderr()).not.toMatch(/Error|at .*\.ts:\d+/);

    // A request serve refuses: the CLI prints its sentence, once, and exits 1.
    const refused = await cli(['simulate', 'okta', '--through', 'public', '--data-dir', dataDir]);
    expect(refused.code, refused.output).toBe(1);
    expect(refused.stdout).toBe('');
    expect(lines(refused.stderr)).toEqual(['scimdesk: There is no public URL to simulate through: set one up, or simulate through the local address']);
  }, 60_000);

  it('streams step events then the report; a second run meanwhile is refused as busy; a client gone mid-run leaves serve serving', async () => {
    const dataDir = newDir();
    const { token } = await enable(dataDir);
    const run = await serve(dataDir);
    const control = runtimeOf(dataDir).control!;

    // A long import, read line by line on a raw connection.
    const first = connect({ path: control });
    first.setEncoding('utf8');
    let text = '';
    const firstStep = new Promise<void>((resolve) => first.on('data', (d: string) => ((text += d), text.includes('\n') && resolve())));
    first.write(`${JSON.stringify({ v: 1, op: 'simulate', options: { connection: 'okta', scenario: 'import', through: 'local', users: 500 } })}\n`);
    await firstStep;
    expect(JSON.parse(text.split('\n')[0]!)).toMatchObject({ v: 1, type: 'step', step: { index: 1, scenario: 'import', verdict: 'passed' } });

    const busy = await exchange(control, `${JSON.stringify({ v: 1, op: 'simulate', options: { connection: 'okta', through: 'local' } })}\n`);
    expect(busy).toEqual([{ v: 1, type: 'error', code: 'busy', message: 'A simulation is already running: wait for it to end' }]);

    first.destroy(); // the CLI was killed mid-run
    expect((await run.client(token).get('/Users?count=1')).status).toBe(200);
    expect(run.child.exitCode).toBeNull();
  }, 60_000);
});
