/**
 * What the CLI says when the machine is in the way, as real processes on real folders: each
 * message names what failed and why, and the way past it, and none blames the wrong thing.
 * - a read-only data folder is not "a corrupt database";
 * - a 0-byte scimdesk.db beside backups is not silently a new, empty directory;
 * - `--host` with an address this machine does not have is not "a port in use";
 * - `--host 0.0.0.0` is not "reachable from this machine only".
 * Mounts and network namespaces need root: those tests are skipped where they are refused.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, cliProcesses } from '../../support/cli-process';

const scimdesk = cliProcesses({ limitMs: 60_000, dirPrefix: 'scimdesk-messages-' });
const FILE = ['--secret-store', 'file'];

function tryRoot(command: string, args: readonly string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A read-only view (bind mount) of a folder, or null where mounting is refused. */
function readOnlyView(dir: string): string | null {
  const view = mkdtempSync(join(tmpdir(), 'scimdesk-ro-'));
  if (tryRoot('mount', ['--bind', dir, view]) && tryRoot('mount', ['-o', 'remount,bind,ro', view])) return view;
  tryRoot('umount', [view]);
  rmSync(view, { recursive: true, force: true });
  return null;
}

const views: string[] = [];
afterAll(() => {
  for (const view of views.splice(0)) {
    tryRoot('umount', ['-l', view]);
    rmSync(view, { recursive: true, force: true });
  }
});

const canUnshare = tryRoot('unshare', ['-n', 'true']);

describe('messages that name the real cause', () => {
  it('a read-only data folder is reported as read-only (the database is fine), not as corrupt', { timeout: 120_000 }, async (ctx) => {
    const dataDir = scimdesk.newDir();
    await scimdesk.enable(dataDir, { args: FILE });
    const view = readOnlyView(dataDir);
    if (!view) return ctx.skip();
    views.push(view);
    const exit = await scimdesk.cli(['status', '--data-dir', view, ...FILE]);
    expect(exit.code, exit.output).toBe(1);
    expect(exit.stderr).not.toMatch(/corrupt|not a readable|restore a backup/i);
    expect(exit.stderr).toMatch(/read-only/);
    expect(exit.stderr).toContain(view);
    expect(exit.stderr).toMatch(/make the folder writable|--data-dir/);
  });

  it('a 0-byte scimdesk.db next to backups is refused with the newest backup named, and left as it was', { timeout: 120_000 }, async () => {
    const dataDir = scimdesk.newDir();
    await scimdesk.enable(dataDir, { args: FILE });
    const backup = await scimdesk.cli(['backup', '--data-dir', dataDir, ...FILE]);
    expect(backup.code, backup.output).toBe(0);
    const newest = /^Backup written: (.+)$/m.exec(backup.stdout)![1]!;
    writeFileSync(join(dataDir, 'scimdesk.db'), ''); // what a full disk or a failed copy left
    rmSync(join(dataDir, 'scimdesk.db-wal'), { force: true });
    rmSync(join(dataDir, 'scimdesk.db-shm'), { force: true });

    for (const command of [['status'], ['serve', '--port', '0']]) {
      const exit = await scimdesk.cli([...command, '--data-dir', dataDir, ...FILE]);
      expect(exit.code, exit.output).toBe(1);
      expect(exit.stderr).toMatch(/is empty \(0 bytes\)/);
      expect(exit.stderr).toContain(newest);
      expect(exit.stdout).not.toMatch(/Users: 0|listening/);
    }
    expect(statSync(join(dataDir, 'scimdesk.db')).size).toBe(0);
  });

  it('--host with an address this machine does not have says so, not "stop the other program"', { timeout: 60_000 }, async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of a real machine. Nothing is sent.
    const exit = await scimdesk.cli(['serve', '--host', '192.0.2.1', '--port', '0', '--data-dir', scimdesk.newDir(), ...FILE]);
    expect(exit.code, exit.output).toBe(1);
    expect(exit.stderr).not.toMatch(/stop the other program/);
    expect(exit.stderr).toMatch(/192\.0\.2\.1 is not an address of this machine/);
    expect(exit.stderr).toMatch(/leave --host out/);
  });

  it.skipIf(!canUnshare)('--host 0.0.0.0 (in a network namespace with loopback only) does not claim to be reachable from this machine only', { timeout: 60_000 }, async () => {
    const dataDir = scimdesk.newDir();
    await scimdesk.enable(dataDir, { args: FILE });
    const child = spawn('unshare', ['-n', process.execPath, '--import', 'tsx', 'server/cli/main.ts', 'serve', '--host', '0.0.0.0', '--port', '0', '--data-dir', dataDir, ...FILE], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    for (let i = 0; i < 600 && !/SCIM base URL: .+\n/.test(stdout) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    expect(await exited, `${stdout}${stderr}`).toBe(0);
    expect(stdout).toMatch(/SCIM base URL: /);
    expect(stdout).not.toMatch(/Reachable from this machine only/);
    expect(stdout).toMatch(/reachable from the network .*no public URL/i);
    expect(stderr).toMatch(/not loopback/);
  });
});
