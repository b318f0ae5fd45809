/**
 * The window's security settings, with a stand-in for Electron's BrowserWindow (Electron
 * cannot run here): sandbox, context isolation, no Node; new windows denied; navigation away
 * from the app blocked; permissions denied; a CSP without unsafe-inline or unsafe-eval, the
 * same one the built page carries for file:// loads.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const created: any[] = [];

vi.mock('electron', () => {
  class FakeWebContents {
    handlers = new Map<string, (...args: any[]) => void>();
    openHandler: ((d: unknown) => unknown) | undefined;
    headersListener: ((details: any, cb: (r: any) => void) => void) | undefined;
    permissionHandler: ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void) | undefined;
    permissionCheck: ((wc: unknown, permission: string) => boolean) | undefined;
    session = {
      webRequest: { onHeadersReceived: (fn: any) => void (this.headersListener = fn) },
      setPermissionRequestHandler: (fn: any) => void (this.permissionHandler = fn),
      setPermissionCheckHandler: (fn: any) => void (this.permissionCheck = fn),
    };
    setWindowOpenHandler(fn: any): void {
      this.openHandler = fn;
    }
    on(event: string, fn: (...args: any[]) => void): void {
      this.handlers.set(event, fn);
    }
  }
  class BrowserWindow {
    webContents = new FakeWebContents();
    loaded: string | undefined;
    constructor(readonly options: any) {
      created.push(this);
    }
    once(): void {}
    show(): void {}
    async loadURL(url: string): Promise<void> {
      this.loaded = url;
    }
    async loadFile(file: string): Promise<void> {
      this.loaded = file;
    }
  }
  const dialog = { answers: [] as number[], asked: [] as any[], showMessageBoxSync: (win: unknown, options: any) => (dialog.asked.push({ win, options }), dialog.answers.shift() ?? 1) };
  return { BrowserWindow, dialog };
});

const { CONTENT_SECURITY_POLICY, createMainWindow } = await import('../../electron/window');
const { dialog } = (await import('electron')) as any;

const PAGE = { file: '/app/out/renderer/index.html' };
const FILE_URL = 'file:///app/out/renderer/index.html';

function navigate(win: any, event: string, url: string): boolean {
  let prevented = false;
  win.webContents.handlers.get(event)!({ preventDefault: () => (prevented = true) }, url);
  return prevented;
}

describe('the main window', () => {
  it('is sandboxed and isolated, with no Node integration and no webviews', () => {
    const prefs = (createMainWindow('/app/out/preload/preload.cjs', PAGE, FILE_URL) as any).options.webPreferences;
    expect(prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/app/out/preload/preload.cjs',
      disableBlinkFeatures: 'Auxclick',
    });
  });

  it('denies new windows, blocks navigation and redirects away from the app, denies every permission but clipboard writes', () => {
    const win = createMainWindow('/p.cjs', PAGE, FILE_URL) as any;
    expect(win.loaded).toBe(PAGE.file);
    expect(win.webContents.openHandler({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
    expect(navigate(win, 'will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate(win, 'will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigate(win, 'will-navigate', `${FILE_URL}#/users`)).toBe(false);
    expect(navigate(win, 'will-redirect', 'https://evil.example/')).toBe(true);
    let attached = true;
    win.webContents.handlers.get('will-attach-webview')!({ preventDefault: () => (attached = false) });
    expect(attached).toBe(false);
    const grants: Record<string, boolean> = {};
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write']) {
      win.webContents.permissionHandler(undefined, permission, (ok: boolean) => (grants[permission] = ok));
    }
    expect(grants).toEqual({ media: false, geolocation: false, notifications: false, 'clipboard-read': false, 'clipboard-sanitized-write': true });
    expect(win.webContents.permissionCheck(undefined, 'clipboard-read')).toBe(false);
    expect(win.webContents.permissionCheck(undefined, 'clipboard-sanitized-write')).toBe(true);
  });

  it('in development allows only the dev server’s origin', () => {
    const win = createMainWindow('/p.cjs', { url: 'http://localhost:5173/', file: PAGE.file }, FILE_URL) as any;
    expect(win.loaded).toBe('http://localhost:5173/');
    expect(navigate(win, 'will-navigate', 'http://localhost:5173/#/groups')).toBe(false);
    expect(navigate(win, 'will-navigate', 'http://localhost:5174/')).toBe(true);
    // Hot reload needs an inline preamble and a websocket: only here, never in a build.
    let headers: any;
    win.webContents.headersListener({ responseHeaders: {} }, (r: any) => (headers = r.responseHeaders));
    expect(headers['Content-Security-Policy'][0]).toContain("script-src 'self' 'unsafe-inline'");
    expect(headers['Content-Security-Policy'][0]).not.toContain('unsafe-eval');
  });

  it('sends a strict CSP (no unsafe-inline, no unsafe-eval), the same the built page declares', () => {
    const win = createMainWindow('/p.cjs', PAGE, FILE_URL) as any;
    let headers: any;
    win.webContents.headersListener({ responseHeaders: { a: ['b'] } }, (r: any) => (headers = r.responseHeaders));
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    const html = readFileSync(join(import.meta.dirname, '../../renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    // A <meta> CSP cannot carry frame-ancestors; everything else must match.
    expect(meta).toBe(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''));
  });

  it('asks natively before closing or reloading while the page holds a new token (beforeunload); Stay keeps the page', () => {
    const win = createMainWindow('/p.cjs', PAGE, FILE_URL) as any;
    const unload = (answer: number): boolean => {
      dialog.answers.push(answer);
      let unloads = false;
      win.webContents.handlers.get('will-prevent-unload')!({ preventDefault: () => (unloads = true) });
      return unloads;
    };
    expect(unload(1)).toBe(false);
    const { win: parent, options } = dialog.asked.at(-1);
    expect(parent).toBe(win);
    expect(options).toMatchObject({ type: 'question', message: 'Leave without saving the token?', buttons: ['Leave', 'Stay'] });
    // Stay is the default and what Escape chooses.
    expect(options.buttons[options.defaultId]).toBe('Stay');
    expect(options.buttons[options.cancelId]).toBe('Stay');
    expect(unload(0)).toBe(true);
  });
});
