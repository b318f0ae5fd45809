import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

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
    build: { outDir: 'out/renderer', rollupOptions: { input: 'renderer/index.html' } },
    plugins: [react()],
  },
});
