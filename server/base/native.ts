/**
 * Native modules (better-sqlite3, keytar) are compiled for one ABI. Under Node (tests, the
 * headless CLI) the copies npm built in node_modules are used. The desktop app in development
 * runs under Electron's ABI: `scripts/native.mjs electron` builds Electron copies into
 * `.native/electron/`, and Electron's main process points SCIMDESK_NATIVE_DIR there before
 * anything opens. A packaged app has Electron builds in node_modules (electron-builder rebuilds
 * them), so the variable is unset there.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const NATIVE_DIR_ENV = 'SCIMDESK_NATIVE_DIR';

export function nativeModulePath(fileName: 'better_sqlite3.node' | 'keytar.node'): string | undefined {
  const dir = process.env[NATIVE_DIR_ENV];
  if (!dir) return undefined;
  const file = join(dir, fileName);
  return existsSync(file) ? file : undefined;
}
