/**
 * The architecture's layers are enforced by lint (eslint.config.js): a file imports only from
 * its own layer and the layers below; the pure SCIM domain, the renderer and the preload are
 * fenced from Node, storage and Electron. Linted through ESLint's Node API with the project's
 * own config, as new files at paths under the real folders (the probe files need not exist;
 * what they import does).
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/** The house plan's layers, bottom row first; a row's layers are independent of each other. */
const ORDER: readonly (readonly string[])[] = [
  ['contract', 'server/base', 'server/scim'],
  ['server/store', 'server/secrets', 'server/tunnel'],
  ['server/core'],
  ['server/http'],
  ['server/controller'],
  ['server/cli', 'electron'],
  ['tools'],
  ['test', 'bench', 'scripts'],
];
const rowOf = (folder: string): number => ORDER.findIndex((row) => row.includes(folder));

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

async function lint(code: string, filePath: string): Promise<Linter.LintMessage[]> {
  const results = await eslint.lintText(code, { filePath: `${ROOT}/${filePath}` });
  expect(results).toHaveLength(1);
  return results[0]!.messages;
}

const FENCES = new Set(['no-restricted-imports', '@typescript-eslint/no-restricted-imports', 'boundaries/dependencies', 'boundaries/no-unknown-files', 'boundaries/no-unknown-dependencies']);

/** The errors of the fencing rules among all lint messages. */
async function fenceErrors(code: string, filePath: string): Promise<string[]> {
  const messages = await lint(code, filePath);
  return messages.filter((m) => m.severity === 2 && m.ruleId !== null && FENCES.has(m.ruleId)).map((m) => `${m.ruleId}: ${m.message}`);
}

/** Code that imports `source` and uses the import, so only the fences can object. */
function valueImport(source: string): string {
  return `import * as imported from '${source}';\nexport const used = imported;\n`;
}

/** The first .ts file found in a folder (depth first, files before subfolders). */
function firstModule(dir: string): string | undefined {
  const entries = readdirSync(join(ROOT, dir), { withFileTypes: true }).sort((a, b) => Number(a.isDirectory()) - Number(b.isDirectory()));
  for (const e of entries) {
    if (e.isFile() && /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) return `${dir}/${e.name}`;
    if (e.isDirectory() && !e.name.startsWith('__')) {
      const found = firstModule(`${dir}/${e.name}`);
      if (found) return found;
    }
  }
  return undefined;
}

/** One real module of each layer folder. */
const MODULES = new Map(ORDER.flat().map((folder) => [folder, firstModule(folder)]));

/** A real module of a folder, as an import path from a probe in `from`. */
function moduleIn(folder: string, from: string): string {
  const file = MODULES.get(folder);
  if (!file) throw new Error(`no .ts file in ${folder}`);
  const path = relative(join(ROOT, from), join(ROOT, file)).replace(/\.tsx?$/, '');
  return path.startsWith('.') ? path : `./${path}`;
}

describe('the layers: a new file imports only its own layer and the ones below', () => {
  const layers = ORDER.flat();
  const pairs = layers.flatMap((from) => layers.map((to) => [from, to] as const));

  it.each(pairs)('a new file in %s importing from %s', async (from, to) => {
    const probe = `${from}/boundary-probe.ts`;
    const source = moduleIn(to, from);
    const errors = await fenceErrors(valueImport(source), probe);
    const allowed = from === to || rowOf(to) < rowOf(from);
    if (allowed) expect(errors, `${probe} importing ${source}`).toEqual([]);
    else {
      expect(errors, `${probe} importing ${source}`).toHaveLength(1);
      expect(errors[0]).toMatch(/^boundaries\/dependencies: Layers: .* may not import/);
    }
  });

  it('names the example from the house plan: server/store may not import server/http', async () => {
    const errors = await fenceErrors(valueImport('../http/plugins/request-context'), 'server/store/new-file.ts');
    expect(errors).toEqual([expect.stringContaining('store may not import http')]);
  });

  it('fences type-only imports too (a type is a dependency on the layer)', async () => {
    const errors = await fenceErrors("import type { Core } from '../core/core';\nexport type Used = Core;\n", 'server/store/new-file.ts');
    expect(errors).toEqual([expect.stringContaining('store may not import core')]);
  });

  it('a file in a folder that is no layer is an error until it is placed in one', async () => {
    expect(await fenceErrors('export const x = 1;\n', 'server/new-folder/new-file.ts')).toEqual([expect.stringMatching(/^boundaries\/no-unknown-files/)]);
    expect(await fenceErrors('export const x = 1;\n', 'new-top-folder/new-file.ts')).toEqual([expect.stringMatching(/^boundaries\/no-unknown-files/)]);
  });
});

describe('server/scim is the pure SCIM domain', () => {
  it.each([
    ['fastify', /no HTTP, storage or I\/O/],
    ['better-sqlite3', /no HTTP, storage or I\/O/],
    ['node:crypto', /no Node built-ins/],
    ['electron', /electron/],
  ])('importing %s from server/scim/ is an error', async (source, why) => {
    const errors = await fenceErrors(valueImport(source), 'server/scim/boundary-probe.ts');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(why);
  });

  it('the same packages are fine in the layers whose job they are', async () => {
    expect(await fenceErrors(valueImport('better-sqlite3'), 'server/store/boundary-probe.ts')).toEqual([]);
    expect(await fenceErrors(valueImport('node:crypto'), 'server/secrets/boundary-probe.ts')).toEqual([]);
    expect(await fenceErrors(valueImport('fastify'), 'server/http/boundary-probe.ts')).toEqual([]);
  });
});

describe('the server loads no TypeBox', () => {
  it('a value import of the payload schemas in server/ is an error; types and the value lists are fine', async () => {
    expect(await fenceErrors(valueImport('../../contract/schemas'), 'server/core/boundary-probe.ts')).toEqual([expect.stringMatching(/TypeBox is slow to import/)]);
    expect(await fenceErrors("import type { UserQuery } from '../../contract/schemas';\nexport type Q = UserQuery;\n", 'server/core/boundary-probe.ts')).toEqual([]);
    expect(await fenceErrors(valueImport('../../contract/choices'), 'server/core/boundary-probe.ts')).toEqual([]);
  });

  it('electron/ipc.ts, which validates payloads, may import the schemas', async () => {
    expect(await fenceErrors(valueImport('../contract/schemas'), 'electron/ipc.ts')).toEqual([]);
  });
});

describe('only electron/main*, window, ipc and preload import electron', () => {
  it.each(['server/core/boundary-probe.ts', 'server/store/boundary-probe.ts', 'server/http/routes/boundary-probe.ts', 'electron/boundary-probe.ts', 'tools/boundary-probe.ts'])(
    'importing electron from %s is an error',
    async (filePath) => {
      expect(await fenceErrors(valueImport('electron'), filePath)).toEqual([expect.stringMatching(/Only electron\/main\*, window, ipc and preload may import electron/)]);
    },
  );

  it('importing electron from electron/main.ts is fine', async () => {
    expect(await fenceErrors("import { app } from 'electron';\nexport const name = app.getName();\n", 'electron/main.ts')).toEqual([]);
  });
});

describe('the renderer is sandboxed', () => {
  it.each([
    ['node:fs', /no Node modules/],
    ['electron', /electron/],
    ['../../server/core/core', /renderer may not import core/],
    ['../../electron/ipc', /renderer may not import electron/],
  ])('importing %s from the renderer is an error', async (source, why) => {
    const errors = await fenceErrors(valueImport(source), 'renderer/src/boundary-probe.tsx');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(why);
  });

  it('the renderer may import the contract (values and types), React and its own modules', async () => {
    const code = [
      "import { StrictMode } from 'react';",
      "import { CONNECTION_LABELS } from '../../contract/connections';",
      "import type { AppStatus } from '../../contract/model';",
      "import { App } from './App';",
      'export const parts = [StrictMode, App, CONNECTION_LABELS];',
      'export type Status = AppStatus;',
      '',
    ].join('\n');
    expect(await fenceErrors(code, 'renderer/src/boundary-probe.tsx')).toEqual([]);
  });
});
