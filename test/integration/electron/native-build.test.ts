/**
 * `npm start` on a machine that cannot download Electron's headers (scripts/native.mjs
 * electron, a real @electron/rebuild run): it must say that the download failed, keep the
 * rebuild's own output in its log, and name the way past it, also when npm's `nodedir`
 * setting points node-gyp at Node's headers (which once built a Node binary and blamed the
 * ABI). The run is inside a network namespace with nothing but loopback, so no host outside
 * this machine is ever reached; skipped where namespaces are refused.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../support/cli-process';

function canUnshare(): boolean {
  try {
    execFileSync('unshare', ['-n', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!canUnshare())('scripts/native.mjs electron without a network', () => {
  it('says the headers could not be downloaded (not an ABI mismatch), logs the rebuild, and names the way past it', { timeout: 600_000 }, () => {
    const run = spawnSync('unshare', ['-n', process.execPath, 'scripts/native.mjs', 'electron', '--force'], {
      cwd: ROOT,
      encoding: 'utf8',
      // What `npm start` passes on a machine whose .npmrc says nodedir=/usr.
      env: { ...process.env, npm_config_nodedir: '/usr' },
    });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).toBe(1);
    expect(run.stderr).not.toMatch(/was built for NODE_MODULE_VERSION/);
    expect(run.stderr).toMatch(/Electron \S+ headers could not be downloaded/);
    expect(run.stderr).toMatch(/internet access/);
    expect(output).toMatch(/nodedir/); // said, not silently used
    const log = /Full log: (\S+)/.exec(run.stderr)?.[1];
    expect(log, run.stderr).toBeDefined();
    const file = join(ROOT, log!);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toMatch(/gyp/); // the rebuild's own output, not an empty file
  });
});
