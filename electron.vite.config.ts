import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { CONTENT_SECURITY_POLICY, DEV_CONTENT_SECURITY_POLICY } from './electron/window-policy';

/** In `npm run dev` only, the page's CSP allows what Vite's hot reload needs; builds keep the strict one. */
function devCsp(): Plugin {
  const strict = CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", '');
  const dev = DEV_CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", '');
  return { name: 'scimdesk-dev-csp', apply: 'serve', transformIndexHtml: (html) => html.replace(strict, dev) };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // ESM: the server code uses import.meta.url, and TypeBox ships ES modules only.
      rollupOptions: { input: { main: 'electron/main.ts' }, output: { format: 'es', entryFileNames: '[name].js' } },
    },
  },
  preload: {
    // A sandboxed preload must be a single CommonJS file.
    build: {
      outDir: 'out/preload',
      rollupOptions: { input: { preload: 'electron/preload.ts' }, output: { format: 'cjs', entryFileNames: '[name].cjs' } },
    },
  },
  renderer: {
    root: 'renderer',
    build: { outDir: 'out/renderer', minify: true, rollupOptions: { input: 'renderer/index.html' } },
    plugins: [react(), devCsp()],
  },
});
