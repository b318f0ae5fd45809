/**
 * Electron main process. Today: single-instance lock, the window, and the app-info call.
 * The desktop-shell issue wires in the SCIM server, keychain, tunnel and panel IPC.
 */
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain } from 'electron';
import { type AppInfo, CHANNELS, type Result } from './contract';
import { createMainWindow } from './window';

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
