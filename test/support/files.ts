/**
 * The regular files under a folder, recursively: what tests search for secrets that must never
 * reach the disk. Sockets (the control channel's control.sock) and other special files hold no
 * bytes and cannot be opened for reading, so they are left out.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stat = statSync(path);
    return stat.isDirectory() ? filesUnder(path) : stat.isFile() ? [path] : [];
  });
}
