/**
 * `fault arm|clear|status` against a real running `serve` (drills live in its memory, reached
 * through the control channel), and `status` showing the armed drill: real CLI processes, a
 * real SCIM client over HTTP.
 */
import { describe, expect, it } from 'vitest';
import { oktaExistsQuery } from '../../../tools/idp/okta';
import { cliProcesses, lines } from '../../support/cli-process';

const { newDir, cli, enable, serve, waitFor } = cliProcesses({ limitMs: 30_000 });

describe('fault without a running server', () => {
  it('says to start serve first, and exits 1', async () => {
    const dataDir = newDir();
    const res = await cli(['fault', 'arm', 'okta', '--kind', '429', '--count', '2', '--data-dir', dataDir]);
    expect(res.code, res.output).toBe(1);
    expect(res.stderr).toMatch(/no ScimDesk is running on .*: start `serve` first/);
  });

  it.each([
    [['fault'], /fault needs arm, clear or status/],
    [['fault', 'arm', 'github', '--kind', '429', '--count', '1'], /unknown connection "github"/],
    [['fault', 'arm', 'okta', '--kind', '500', '--count', '1'], /--kind must be 429, 503 or delay/],
    [['fault', 'arm', 'okta', '--kind', '429'], /--count must be a whole number from 1 to 1000/],
    [['fault', 'arm', 'okta', '--kind', 'delay', '--count', '1'], /--kind delay needs --delay-ms/],
    [['fault', 'clear'], /fault clear needs a connection/],
  ])('%j is a usage error: exit 2 and what is wrong', async (args, message) => {
    const res = await cli([...args, '--data-dir', newDir()]);
    expect(res.code, res.output).toBe(2);
    expect(res.stderr).toMatch(message);
  });
});

describe('fault on a running serve', () => {
  it('arms a 429 drill that the next Okta requests get, shows it in status and fault status, and clear ends it', async () => {
    const dataDir = newDir();
    const { token } = await enable(dataDir);
    const served = await serve(dataDir);
    const okta = served.client(token);

    const armed = await cli(['fault', 'arm', 'okta', '--kind', '429', '--count', '3', '--retry-after', '9', '--data-dir', dataDir]);
    expect(armed.code, armed.output).toBe(0);
    expect(lines(armed.stdout)).toEqual([expect.stringMatching(/^Fault drill armed: Okta's next 3 requests get 429 \(Retry-After 9 s\)/)]);

    // serve tells its operator, once (not per request).
    await waitFor(served, /^Fault drill armed: Okta's next 3 requests get 429 \(Retry-After 9 s\); it ends by itself by \d\d:\d\d$/m, 'the armed line');

    const first = await okta.get(oktaExistsQuery('ada@drill.example'));
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('9');

    const text = await cli(['status', '--data-dir', dataDir]);
    expect(text.stdout).toMatch(/^Fault drill: Okta's next 2 requests get 429 \(Retry-After 9 s\); armed at \d\d:\d\d, ends by \d\d:\d\d/m);
    const json = JSON.parse((await cli(['status', '--json', '--data-dir', dataDir])).stdout) as { faultDrills: unknown[] };
    expect(json.faultDrills).toEqual([expect.objectContaining({ connection: 'okta', kind: '429', remaining: 2, retryAfterSeconds: 9 })]);
    const fs = await cli(['fault', 'status', '--json', '--data-dir', dataDir]);
    expect(JSON.parse(fs.stdout)).toEqual([expect.objectContaining({ connection: 'okta', remaining: 2 })]);

    const cleared = await cli(['fault', 'clear', 'okta', '--data-dir', dataDir]);
    expect(cleared.code, cleared.output).toBe(0);
    expect(cleared.stdout).toMatch(/Fault drill on Okta cleared/);
    expect((await okta.get(oktaExistsQuery('ada@drill.example'))).status).toBe(200);
    await waitFor(served, /^Fault drill on Okta ended: requests get their real answers again$/m, 'the ended line');
    expect(served.stdout().match(/Fault drill/g)).toHaveLength(2);
    expect((await cli(['status', '--data-dir', dataDir])).stdout).not.toMatch(/Fault drill/);
    expect((await cli(['fault', 'status', '--data-dir', dataDir])).stdout).toMatch(/No fault drill is armed/);
  });
});
