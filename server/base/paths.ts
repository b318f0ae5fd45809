/**
 * Where ScimDesk keeps its data. The desktop app and the headless CLI use the same folder:
 * Electron's per-user app data folder for an app named "ScimDesk" (the CLI computes it the
 * same way Electron does), unless SCIMDESK_DATA_DIR or --data-dir says otherwise.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export const APP_NAME = 'ScimDesk';
export const DATA_DIR_ENV = 'SCIMDESK_DATA_DIR';

/** Electron's `app.getPath('appData')` for this platform. */
export function appDataRoot(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (platform === 'win32') return env['APPDATA'] ?? join(home, 'AppData', 'Roaming');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support');
  return env['XDG_CONFIG_HOME'] || join(home, '.config');
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[DATA_DIR_ENV] || join(appDataRoot(process.platform, env), APP_NAME);
}
