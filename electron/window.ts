/**
 * The one BrowserWindow: sandboxed, context-isolated, no Node in the renderer, a strict CSP,
 * no new windows, no navigation away from the app, no webviews, no permissions.
 */
import { BrowserWindow, type Session, dialog } from 'electron';
import { CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY } from './window-policy';

export { CONTENT_SECURITY_POLICY };

/** The page the window may show: the built renderer file, or the dev server in development. */
export interface AppPage {
  readonly url?: string;
  readonly file: string;
}

export function isAppPageUrl(url: string, page: AppPage, fileUrl: string): boolean {
  if (page.url) return url.startsWith(new URL(page.url).origin + '/');
  return url.split('#')[0] === fileUrl;
}

export function hardenSession(session: Session, csp: string = CONTENT_SECURITY_POLICY): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  // The panel needs no camera, notifications, geolocation…: only writing to the clipboard (the
  // copy buttons for the SCIM URL and the token). Reading the clipboard stays denied.
  session.setPermissionRequestHandler((_wc, permission, callback) => callback(permission === 'clipboard-sanitized-write'));
  session.setPermissionCheckHandler((_wc, permission) => permission === 'clipboard-sanitized-write');
}

export function createMainWindow(preloadPath: string, page: AppPage, fileUrl: string): BrowserWindow {
  // The options are written out here, not built elsewhere, so static checkers
  // (electronegativity in CI) can see every security setting.
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    title: 'ScimDesk',
    show: false,
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // A middle click must not open a link in a new window (navigation is the app's alone).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  hardenSession(win.webContents.session, page.url ? DEV_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY);
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppPageUrl(url, page, fileUrl)) event.preventDefault();
  });
  win.webContents.on('will-redirect', (event, url) => {
    if (!isAppPageUrl(url, page, fileUrl)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  // The page asks before it unloads (beforeunload) only while a new SCIM token is on screen
  // (renderer useLeaveGuard); Electron shows no prompt of its own, so closing or reloading asks here.
  win.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question',
      buttons: ['Leave', 'Stay'],
      defaultId: 1,
      cancelId: 1,
      title: 'ScimDesk',
      message: 'Leave without saving the token?',
      detail: 'The new SCIM token is shown only once. Your identity provider needs it; without it, the only way back is a new token.',
    });
    // preventDefault here overrides the page's beforeunload: the window closes or reloads.
    if (choice === 0) event.preventDefault();
  });
  win.once('ready-to-show', () => win.show());
  if (page.url) void win.loadURL(page.url);
  else void win.loadFile(page.file);
  return win;
}
