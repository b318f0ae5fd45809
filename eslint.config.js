// Lint, including the architecture's import boundaries:
// - server/scim (the pure SCIM domain) imports neither Fastify, SQLite nor Node built-ins;
// - server/** never imports electron;
// - renderer/** imports neither Node nor electron, and from electron/ only the contract's types;
// - only electron/main*, window, ipc and preload import electron.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'https', 'url', 'util', 'stream', 'events', 'module', 'worker_threads'];
const ELECTRON = { regex: '^(electron|electron/.*|@electron/.*)$', message: 'Only electron/main*, window, ipc and preload may import electron.' };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.native/**', 'coverage/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [ELECTRON] }],
    },
  },
  {
    // Tests read JSON response bodies of many shapes.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['server/**/*.ts'],
    ignores: ['server/scim/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [ELECTRON, { group: ['**/electron/*', '**/renderer/*'], message: 'server/ is plain Node: it imports nothing from electron/ or renderer/.' }] },
      ],
    },
  },
  {
    files: ['electron/main*.ts', 'electron/window.ts', 'electron/ipc.ts', 'electron/preload.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['server/scim/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ELECTRON,
            { group: ['fastify', 'fastify/*', '@fastify/*', 'better-sqlite3', 'keytar', 'localtunnel', 'pino'], message: 'server/scim is the pure SCIM domain: no HTTP, storage or I/O.' },
            { group: NODE_BUILTINS, message: 'server/scim is the pure SCIM domain: no Node built-ins.' },
            { group: ['../*', '!../scim/*'], message: 'server/scim may import only server/scim.' },
            { group: ['**/electron/*', '**/renderer/*'], message: 'server/scim may import only server/scim.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ELECTRON,
            { group: NODE_BUILTINS, message: 'The renderer runs sandboxed: no Node modules.' },
            { group: ['**/server/**', '**/server'], message: 'The renderer talks to the core only through the preload API.' },
            { group: ['**/electron/*', '!**/electron/contract'], message: 'The renderer may import only the IPC contract from electron/.' },
            { group: ['**/electron/contract'], allowTypeImports: true, message: 'Import the IPC contract with `import type`.' },
          ],
        },
      ],
    },
  },
);
