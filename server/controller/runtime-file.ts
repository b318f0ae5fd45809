/**
 * serve.json in the data folder: what a running ScimDesk (the CLI's `serve` or the desktop app)
 * tells other processes about itself — its pid, local URL, the tunnel's state and where its
 * control channel listens — so that `status` run next to it can report the tunnel and
 * `simulate` can reach it. Written on every tunnel change, removed on
 * stop; a file left by a process that is gone reads as "not running".
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultDrill, PublicUrlCheck, TunnelStatus } from '../../contract/model';
import type { TunnelMode } from '../../contract/choices';
import { processAlive } from '../base/process';

export const RUNTIME_FILE = 'serve.json';

export interface RuntimeInfo {
  readonly pid: number;
  readonly localUrl: string | null;
  readonly publicUrl: string | null;
  /** How the public URL is made (absent in a file an older ScimDesk wrote). */
  readonly mode?: TunnelMode;
  readonly tunnel: TunnelStatus;
  /** The last check from outside of the current public URL (absent: an older ScimDesk). */
  readonly publicCheck?: PublicUrlCheck | null;
  /** Armed fault drills (absent: an older ScimDesk); one past its expiresAt has ended. */
  readonly faultDrills?: readonly FaultDrill[];
  /** The local control channel's socket or pipe (control-socket.ts); absent or null: none. */
  readonly control?: string | null;
  readonly updatedAt: string;
}

export function writeRuntime(dataDir: string, info: Omit<RuntimeInfo, 'pid' | 'updatedAt'>): void {
  const file = join(dataDir, RUNTIME_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify({ pid: process.pid, ...info, updatedAt: new Date().toISOString() }), { mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true }); // a full disk: `status` reports a little less, nothing else is affected
  }
}

export function removeRuntime(dataDir: string): void {
  try {
    const info = JSON.parse(readFileSync(join(dataDir, RUNTIME_FILE), 'utf8')) as RuntimeInfo;
    if (info.pid === process.pid) rmSync(join(dataDir, RUNTIME_FILE), { force: true });
  } catch {
    /* none, or another process's */
  }
}

/** The running ScimDesk's info, or null when none runs on this data folder. */
export function readRuntime(dataDir: string): RuntimeInfo | null {
  try {
    const info = JSON.parse(readFileSync(join(dataDir, RUNTIME_FILE), 'utf8')) as RuntimeInfo;
    return typeof info.pid === 'number' && processAlive(info.pid) ? info : null;
  } catch {
    return null;
  }
}
