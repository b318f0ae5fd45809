/**
 * Electron's main process wired to the real core, with a stand-in for the electron module
 * (Electron cannot run here): on ready it starts the SCIM server on 127.0.0.1 with the data in
 * the shared data folder, registers the IPC contract for its own window only, opens one
 * window, and on quit closes the server and the database before exiting.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { INVOKE_CHANNELS } from '../../../contract/ipc';
import { tempDir } from '../../support/scim-server';

const dataDir = tempDir();
process.env['SCIMDESK_DATA_DIR'] = dataDir;
process.env['SCIMDESK_KEYCHAIN_SERVICE'] = `ScimDesk-main-${randomBytes(4).toString('hex')}`;

const fake = vi.hoisted(() => {
  let resolveExit: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  return {
    appEvents: new Map<string, (...args: any[]) => void>(),
    handlers: new Map<string, (event: unknown, payload?: unknown) => Promise<any>>(),
    windows: [] as any[],
    exited,
    exit: (code: number) => resolveExit(code),
  };
});

vi.mock('electron', () => {
  class WebContents {
    mainFrame = { url: '' };
    session = { webRequest: { onHeadersReceived() {} }, setPermissionRequestHandler() {}, setPermissionCheckHandler() {} };
    sent: [string, unknown][] = [];
    setWindowOpenHandler() {}
    on() {}
    isDestroyed = () => false;
    send(channel: string, payload: unknown) {
      this.sent.push([channel, payload]);
    }
  }
  class BrowserWindow {
    webContents = new WebContents();
    constructor(readonly options: any) {
      fake.windows.push(this);
    }
    once() {}
    show() {}
    isDestroyed = () => false;
    isMinimized = () => false;
    focus() {}
    async loadURL() {}
    async loadFile(file: string) {
      this.webContents.mainFrame.url = pathToFileURL(file).toString();
    }
  }
  return {
    app: {
      isPackaged: false,
      getAppPath: () => '/nonexistent-app-path',
      requestSingleInstanceLock: () => true,
      whenReady: () => Promise.resolve(),
      on: (event: string, fn: (...args: any[]) => void) => void fake.appEvents.set(event, fn),
      quit: () => fake.appEvents.get('before-quit')?.({ preventDefault() {} }),
      exit: (code: number) => fake.exit(code),
    },
    BrowserWindow,
    ipcMain: { handle: (channel: string, fn: any) => void fake.handlers.set(channel, fn), removeHandler: () => {} },
    shell: { openExternal: async () => {}, showItemInFolder: () => {} },
  };
});

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the Electron main process', () => {
  it('starts the core, serves its own window only, and closes everything on quit', async () => {
    await import('../../../electron/main');
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1));
    const win = fake.windows[0];
    expect(win.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(win.options.webPreferences.preload).toMatch(/preload[/\\]preload\.cjs$/);
    expect([...fake.handlers.keys()].sort()).toEqual(Object.values(INVOKE_CHANNELS).sort());

    const own = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
    const status = await fake.handlers.get(INVOKE_CHANNELS.getStatus)!(own, undefined);
    expect(status.ok).toBe(true);
    expect(status.value.dataDir).toBe(dataDir);
    expect(status.value.server.localUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${status.value.server.localUrl}/scimdesk/health`);
    expect(health.status).toBe(200);

    const otherFrame = { sender: win.webContents, senderFrame: { url: 'https://evil.example/' } };
    expect(await fake.handlers.get(INVOKE_CHANNELS.getStatus)!(otherFrame, undefined)).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    const otherPage = { sender: win.webContents, senderFrame: { ...win.webContents.mainFrame, url: 'file:///etc/passwd' } };
    expect((await fake.handlers.get(INVOKE_CHANNELS.getStatus)!(otherPage, undefined)).ok).toBe(false);

    // The core's events reach the window.
    await fake.handlers.get(INVOKE_CHANNELS.setEnabled)!(own, { connection: 'okta', enabled: true });
    await vi.waitFor(() => expect(win.webContents.sent.some(([c]: [string]) => c === 'event.status')).toBe(true));

    // Quit: the quit is held until the core has stopped, then the app exits with 0.
    let prevented = false;
    fake.appEvents.get('before-quit')!({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(await fake.exited).toBe(0);
    await expect(fetch(`${status.value.server.localUrl}/scimdesk/health`)).rejects.toThrow();
    // The database was closed cleanly: its WAL was checkpointed away.
    expect(existsSync(join(dataDir, 'scimdesk.db'))).toBe(true);
    expect(existsSync(join(dataDir, 'scimdesk.db-wal'))).toBe(false);
  });
});
