/**
 * A full disk, for real: `serve` runs with its data folder on a small tmpfs (mounted by the
 * test, which needs root — CI runs as root), next to a ballast file. IdP creates fill it until
 * the disk is full. Then:
 * - the process keeps running, and answers the creates it cannot save with a SCIM 503 (with
 *   Retry-After) that says the server's disk is full;
 * - /scimdesk/health says the store is degraded;
 * - once the ballast is deleted, creates succeed again with no restart and the health clears;
 * - every create that was acknowledged (201) is there.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_SCHEMA } from '../../../tools/scim-client';
import { oktaUser } from '../../../tools/idp/okta';
import { cliProcesses } from '../../support/cli-process';
import { mountTmpfs, unmountTmpfs } from '../../support/tmpfs';

const scimdesk = cliProcesses({ limitMs: 60_000, dirPrefix: 'scimdesk-full-', cleanup: 'all' });

const mount = mountTmpfs(6 * 1024);

afterAll(() => {
  if (mount) unmountTmpfs(mount);
});

describe.skipIf(mount === null)('a full disk under serve (a 6 MB tmpfs; mounting needs root)', { timeout: 180_000 }, () => {
  const dataDir = join(mount ?? '/nonexistent', 'data');
  const ballast = join(mount ?? '/nonexistent', 'ballast');
  let served: Awaited<ReturnType<typeof scimdesk.serve>>;
  let token: string;
  const acknowledged = new Map<string, string>();
  const refusals: { status: number; headers: Headers; body: any }[] = [];

  beforeAll(async () => {
    token = (await scimdesk.enable(dataDir, { args: ['--secret-store', 'file'] })).token;
    writeFileSync(ballast, Buffer.alloc(1024 * 1024, 1));
    served = await scimdesk.serve(dataDir, { args: ['--secret-store', 'file'] });
  });

  it('fills up: the server stays up and answers SCIM 503s saying its disk is full', async () => {
    const okta = served.client(token);
    const title = 'x'.repeat(3000); // ~3 KB a user: the disk fills in a few thousand creates
    let n = 0;
    // Eight IdP connections creating users until 30 creates in a row were refused.
    let refusedInARow = 0;
    while (refusedInARow < 30 && n < 20_000) {
      const batch = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const userName = `full.${n++}@example.com`;
          const res = await okta.post('/Users', oktaUser(userName, { title }));
          return { userName, res };
        }),
      );
      for (const { userName, res } of batch) {
        if (res.status === 201) {
          acknowledged.set(userName, res.body.id);
          refusedInARow = 0;
        } else {
          refusals.push({ status: res.status, headers: res.headers, body: res.body });
          refusedInARow++;
        }
      }
    }
    expect(acknowledged.size).toBeGreaterThan(100);
    expect(refusals.length).toBeGreaterThanOrEqual(30);
    expect(served.child.exitCode).toBeNull();
    for (const r of refusals) {
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '503' });
      expect(r.body.detail).toMatch(/disk is full/);
      expect(r.headers.get('retry-after')).toBe('60');
    }
  });

  it('health says the store is degraded while the disk is full', async () => {
    const health = await (await fetch(`http://127.0.0.1:${served.port}/scimdesk/health`)).json();
    expect(health).toMatchObject({ status: 'degraded', store: { state: 'disk-full', message: expect.stringMatching(/full/) } });
    // Reads still work.
    expect((await served.client(token).get('/Users?count=1')).status).toBe(200);
  });

  it('recovers once space is freed, without a restart; every acknowledged create is there', async () => {
    rmSync(ballast);
    const okta = served.client(token);
    let recovered = false;
    for (let i = 0; i < 50 && !recovered; i++) {
      const res = await okta.post('/Users', oktaUser(`after.${i}@example.com`));
      if (res.status === 201) recovered = true;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(recovered).toBe(true);
    let health = (await (await fetch(`http://127.0.0.1:${served.port}/scimdesk/health`)).json()) as any;
    expect(health).toMatchObject({ store: { state: 'ok' } });
    // The request log (on the same disk) writes again too.
    for (let i = 0; i < 100 && health.requestLog.state !== 'ok'; i++) {
      await okta.get('/Users?count=1');
      await new Promise((r) => setTimeout(r, 100));
      health = await (await fetch(`http://127.0.0.1:${served.port}/scimdesk/health`)).json();
    }
    expect(health, JSON.stringify(health)).toMatchObject({ status: 'ok', requestLog: { state: 'ok' } });
    for (const [userName, id] of acknowledged) {
      const res = await okta.get(`/Users/${id}`);
      expect(res.status, userName).toBe(200);
      expect(res.body.userName).toBe(userName);
    }
    expect(served.child.exitCode).toBeNull();
    const exit = await scimdesk.stop(served);
    expect(exit.code).toBe(0);
    expect(exit.stderr).not.toMatch(/uncaught|unhandled/i);
  });
});
