/**
 * Electron main process: single instance; starts the controller (the core, the SCIM server on
 * 127.0.0.1, keychain, tunnel) with its data in the same per-user folder as the headless CLI;
 * one hardened window; the IPC contract; a clean quit (tunnel, server, database closed).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, type BrowserWindow, type IpcMainInvokeEvent, ipcMain, shell } from 'electron';
import { DEFAULT_PORT } from '../server/base/address';
import { NATIVE_DIR_ENV } from '../server/base/native';
import { defaultDataDir } from '../server/base/paths';
import { Controller } from '../server/controller/controller';
import { ServiceError } from '../server/core/errors';
import { KeytarSecretStore } from '../server/secrets/keytar-store';
import { type ControllerState, forwardEvents, registerIpc } from './ipc';
import { type AppPage, createMainWindow, isAppPageUrl } from './window';

const here = dirname(fileURLToPath(import.meta.url));

// In development the native modules' Electron builds come from .native/electron (made by
// scripts/native.mjs in npm start / npm run dev); a packaged app has them in its node_modules.
const devNativeDir = join(app.getAppPath(), '.native', 'electron');
if (!app.isPackaged && existsSync(devNativeDir)) process.env[NATIVE_DIR_ENV] = devNativeDir;

const page: AppPage = { ...(process.env['ELECTRON_RENDERER_URL'] ? { url: process.env['ELECTRON_RENDERER_URL'] } : {}), file: join(here, '../renderer/index.html') };
const pageFileUrl = pathToFileURL(page.file).toString();
let win: BrowserWindow | undefined;

async function startController(): Promise<ControllerState> {
  const options = { dataDir: defaultDataDir(), secretStore: new KeytarSecretStore() };
  try {
    return { controller: await Controller.start({ ...options, port: DEFAULT_PORT }) };
  } catch (err) {
    // Another ScimDesk (the headless CLI) has the usual port: any free port works behind a tunnel.
    if (err instanceof ServiceError && err.code === 'server-not-running') {
      try {
        return { controller: await Controller.start({ ...options, port: 0 }) };
      } catch (retryErr) {
        return { failure: (retryErr as Error).message };
      }
    }
    return { failure: (err as Error).message };
  }
}

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return !!win && !win.isDestroyed() && event.sender === win.webContents && !!frame && frame === win.webContents.mainFrame && isAppPageUrl(frame.url, page, pageFileUrl);
}

function showWindow(): void {
  if (win && !win.isDestroyed()) {
    if (win.isMinimized()) win.restore();
    win.focus();
    return;
  }
  win = createMainWindow(join(here, '../preload/preload.cjs'), page, pageFileUrl);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  const started = app.whenReady().then(startController);
  registerIpc({ ipcMain, shell, controller: () => started, isTrustedSender, log: (message, err) => console.error(message, err) });

  void app.whenReady().then(async () => {
    showWindow();
    const state = await started;
    if ('controller' in state) forwardEvents(state.controller, () => win?.webContents);
  });

  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  app.on('window-all-closed', () => app.quit());

  let stopping = false;
  app.on('before-quit', (event) => {
    if (stopping) return;
    event.preventDefault();
    stopping = true;
    void started
      .then((state) => ('controller' in state ? state.controller.stop() : undefined))
      .catch((err: unknown) => console.error('ScimDesk did not stop cleanly', err))
      .finally(() => app.exit(0));
  });
}
