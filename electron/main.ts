/**
 * Electron main process. Today: single-instance lock, the window, and the app-info call.
 * The desktop-shell issue wires in the SCIM server, keychain, tunnel and panel IPC.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain } from 'electron';
import { NATIVE_DIR_ENV } from '../server/native';
import { type AppInfo, CHANNELS, type Result } from './contract';
import { createMainWindow } from './window';

// In development the native modules' Electron builds come from .native/electron (made by
// scripts/native.mjs in npm start / npm run dev); a packaged app has them in its node_modules.
const devNativeDir = join(app.getAppPath(), '.native', 'electron');
if (!app.isPackaged && existsSync(devNativeDir)) process.env[NATIVE_DIR_ENV] = devNativeDir;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  ipcMain.handle(CHANNELS.appInfo, (): Result<AppInfo> => ({ ok: true, value: { name: app.getName(), version: app.getVersion() } }));

  void app.whenReady().then(() => {
    createMainWindow(process.env['ELECTRON_RENDERER_URL'], join(__dirname, '../renderer/index.html'));
  });

  app.on('window-all-closed', () => app.quit());
}
