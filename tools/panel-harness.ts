/**
 * The admin panel in real headless Chromium (Debian's, driven by playwright-core), served from
 * the built renderer on 127.0.0.1 with the app's CSP, and with window.scimdesk bound to the
 * REAL main-process IPC handlers (electron/ipc.ts `answer`) over the real controller via
 * page.exposeFunction. Only Electron's own objects (the window, shell) are absent.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import type { CallName } from '../contract/ipc';
import { INVOKE_CHANNELS, SUBSCRIPTION_EVENTS } from '../contract/ipc';
import { type ControllerState, type IpcDeps, answer } from '../electron/ipc';
import { CONTENT_SECURITY_POLICY } from '../electron/window-policy';
import type { Controller } from '../server/controller/controller';

export const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, 'out', 'renderer');

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];

function newestMtime(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
    const path = join(dir, e.name);
    return Math.max(max, e.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }, 0);
}

/** Builds the renderer (electron-vite) when out/renderer is missing or older than its sources. */
export function ensureRendererBuilt(): string {
  const built = join(OUT, 'index.html');
  const sources = Math.max(newestMtime(join(ROOT, 'renderer')), newestMtime(join(ROOT, 'contract')));
  if (!existsSync(built) || statSync(built).mtimeMs < sources) {
    const res = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: ROOT, encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`electron-vite build failed: ${res.stderr || res.stdout}`);
  }
  return OUT;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml', '.woff2': 'font/woff2' };

/** Serves the built renderer on 127.0.0.1 with the same CSP the Electron window sends. */
export async function serveRenderer(dir = ensureRendererBuilt()): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CONTENT_SECURITY_POLICY });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, server };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface Panel {
  readonly page: Page;
  readonly context: BrowserContext;
  /** URLs the panel asked the shell to open. */
  readonly opened: string[];
  /** Files the panel asked the shell to show in their folder. */
  readonly shown: string[];
  /** Console errors and CSP violations the page reported. */
  readonly problems: string[];
  close(): Promise<void>;
}

/** What the bridge puts on the page's global object (the tests' tsconfig has no DOM types). */
export interface BridgeGlobal {
  __scimdeskInvoke?: (name: CallName, payload: unknown) => Promise<unknown>;
  __scimdeskEmit?: (event: string, payload: unknown) => void;
  scimdesk?: Record<string, (...args: unknown[]) => unknown>;
}

/**
 * Opens the panel with window.scimdesk bound to the real IPC handlers over `controller` (or
 * over a controller that failed to start, to see what the admin sees then).
 */
export async function openPanel(browser: Browser, url: string, controller: Controller, viewport = { width: 1440, height: 900 }, state?: () => ControllerState): Promise<Panel> {
  const context = await browser.newContext({ viewport, permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  const opened: string[] = [];
  const shown: string[] = [];
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(err.message));
  const deps: IpcDeps = {
    ipcMain: { handle: () => undefined, removeHandler: () => undefined },
    shell: { openExternal: async (u: string) => void opened.push(u), showItemInFolder: (file: string) => void shown.push(file) },
    controller: state ?? (() => ({ controller })),
    // The page is the app's own page; the sender gate itself is tested in ipc.test.ts.
    isTrustedSender: () => true,
  };
  await page.exposeFunction('__scimdeskInvoke', (name: CallName, payload: unknown) => answer(deps, name, {} as never, payload));
  // The same surface the preload exposes: named calls, subscriptions returning unsubscribe.
  await page.addInitScript(
    ({ calls, subscriptions }) => {
      const listeners: Record<string, Set<(p: unknown) => void>> = {};
      const api: Record<string, unknown> = {};
      const g = globalThis as unknown as BridgeGlobal;
      for (const name of calls) api[name] = (payload?: unknown) => g.__scimdeskInvoke!(name as CallName, payload);
      for (const [method, event] of subscriptions) {
        listeners[event] = new Set();
        api[method] = (fn: (p: unknown) => void) => {
          listeners[event]!.add(fn);
          return () => listeners[event]!.delete(fn);
        };
      }
      Object.defineProperty(g, 'scimdesk', { value: Object.freeze(api) });
      g.__scimdeskEmit = (event, payload) => listeners[event]?.forEach((fn) => fn(payload));
    },
    { calls: Object.keys(INVOKE_CHANNELS), subscriptions: Object.entries(SUBSCRIPTION_EVENTS) },
  );
  const emit = (event: string) => (payload: unknown) =>
    void page.evaluate(([e, p]) => (globalThis as unknown as BridgeGlobal).__scimdeskEmit?.(e as string, p), [event, payload] as const).catch(() => undefined);
  // Every event of the contract, as electron/ipc.ts forwardEvents sends them.
  const offs = Object.values(SUBSCRIPTION_EVENTS).map((event) => controller.on(event, emit(event)));
  await page.goto(url);
  return {
    page,
    context,
    opened,
    shown,
    problems,
    async close() {
      offs.forEach((off) => off());
      await context.close();
    },
  };
}
