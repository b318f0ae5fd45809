// Lint, including the architecture's layers. Every folder is a layer; LAYERS below lists them
// from the bottom up, and a file may import from its own layer folder and from the layers
// below, never from above or from a sibling on its own row. The folders are matched by pattern,
// so a new file anywhere is fenced the moment it exists; a file outside every layer is an error.
//
// On top of the layers, what a layer may import from npm and Node:
// - server/scim (the pure SCIM domain) imports neither Fastify, SQLite nor Node built-ins;
// - the renderer imports neither Node nor electron;
// - only electron/main*, window, ipc and preload import electron.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Layer → folder, bottom row first. A row's layers are independent of each other. */
const LAYERS = [
  { contract: 'contract', base: 'server/base', scim: 'server/scim' },
  { store: 'server/store', secrets: 'server/secrets', tunnel: 'server/tunnel' },
  { core: 'server/core' },
  { http: 'server/http', simulator: 'server/simulator' },
  { controller: 'server/controller' },
  { cli: 'server/cli', electron: 'electron' },
  // What tests, benchmarks and scripts share: the test tunnel server, the panel harness, seeding.
  { tools: 'tools' },
  { test: 'test', bench: 'bench', scripts: 'scripts' },
];
/** The panel: it reaches the core only through the preload, so it may import only the contract. */
const RENDERER = { renderer: 'renderer' };
/** The build tools' own config files at the top of the repository (files, not a folder). */
const CONFIG_FILES = '*.config.{js,ts,mts}';

const below = (row) => LAYERS.slice(0, row).flatMap((r) => Object.keys(r));
/** A folder from the repository's root (not any folder of that name: test/integration/electron is test). */
const folder = ([type, path]) => ({ type, pattern: `${path}/**`, partialMatch: false });
const layerElements = LAYERS.flatMap((row) => Object.entries(row).map(folder));
const layerPolicies = LAYERS.flatMap((row, i) =>
  Object.keys(row).map((type) => ({
    from: { element: { type } },
    allow: { to: { element: { types: { anyOf: [type, ...below(i)] } } } },
  })),
);

const ELECTRON = { regex: '^(electron|electron/.*|@electron/.*)$', message: 'Only electron/main*, window, ipc and preload may import electron.' };
/**
 * no-restricted-imports options refusing Node's built-in modules (`node:x`, and bare names
 * matched exactly: `../http/app` is no built-in), electron, and the given packages.
 */
const restrict = (nodeMessage, packages) => ({
  paths: builtinModules.map((name) => ({ name, message: nodeMessage })),
  patterns: [ELECTRON, { group: ['node:*'], message: nodeMessage }, ...(packages ? [packages] : [])],
});

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
    // The layers.
    files: ['**/*.{ts,tsx,mts,js,mjs}'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': [
        ...layerElements,
        ...Object.entries(RENDERER).map(folder),
      ],
      'boundaries/files': [{ category: 'config', pattern: CONFIG_FILES }],
      'boundaries/include': ['**/*.{ts,tsx,mts,js,mjs}'],
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.mts', '.js', '.mjs'] } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          message: 'Layers: {{from.type}} may not import {{to.type}} (see LAYERS in eslint.config.js: a layer imports only the layers below it).',
          policies: [
            ...layerPolicies,
            { from: { element: { type: 'renderer' } }, allow: { to: { element: { types: { anyOf: ['renderer', 'contract'] } } } } },
            // Tool configs may read what they configure (the window's CSP, for the dev server).
            { from: { file: { categories: 'config' } }, allow: { to: { element: { types: { anyOf: ['electron'] } } } } },
          ],
        },
      ],
      'boundaries/no-unknown-files': 'error',
      'boundaries/no-unknown-dependencies': 'error',
    },
  },
  {
    // Tests read JSON response bodies of many shapes.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'tools/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['electron/main*.ts', 'electron/window.ts', 'electron/ipc.ts', 'electron/preload.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The server and the CLI take only types from the schemas: importing TypeBox costs a CLI
    // start about half a second (the closed value lists are in contract/choices.ts).
    files: ['server/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/contract/schemas'], allowTypeImports: true, message: 'server/ takes only types from contract/schemas (TypeBox is slow to import); values are in contract/choices.' }] },
      ],
    },
  },
  {
    files: ['server/scim/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        restrict('server/scim is the pure SCIM domain: no Node built-ins.', {
          group: ['fastify', 'fastify/*', '@fastify/*', 'better-sqlite3', 'keytar', 'localtunnel', 'pino'],
          message: 'server/scim is the pure SCIM domain: no HTTP, storage or I/O.',
        }),
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', restrict('The renderer runs sandboxed: no Node modules.')],
    },
  },
);
