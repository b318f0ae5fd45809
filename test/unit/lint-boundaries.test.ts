/**
 * The architecture's import boundaries (eslint.config.js) are enforced by lint: code that
 * crosses one fails `npm run lint`, code on the right side passes. Linted through ESLint's
 * Node API with the project's own config, at paths under the real folders (the files need
 * not exist).
 */
import { fileURLToPath } from 'node:url';
import { ESLint, type Linter } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

async function lint(code: string, filePath: string): Promise<Linter.LintMessage[]> {
  const results = await eslint.lintText(code, { filePath: `${ROOT}/${filePath}` });
  expect(results).toHaveLength(1);
  return results[0]!.messages;
}

const RESTRICTED = new Set(['no-restricted-imports', '@typescript-eslint/no-restricted-imports']);

/** The messages of boundary-rule errors among all lint messages. */
function boundaryErrors(messages: Linter.LintMessage[]): string[] {
  return messages.filter((m) => m.severity === 2 && m.ruleId !== null && RESTRICTED.has(m.ruleId)).map((m) => m.message);
}

/** Code that imports `source` and uses the import, so only the boundary rules can object. */
function valueImport(source: string): string {
  return `import * as imported from '${source}';\nexport const used = imported;\n`;
}

async function expectBoundaryError(source: string, filePath: string, why: RegExp): Promise<void> {
  const messages = await lint(valueImport(source), filePath);
  const errors = boundaryErrors(messages);
  expect(errors, `importing ${source} from ${filePath}`).toHaveLength(1);
  expect(errors[0]).toContain(`'${source}'`);
  expect(errors[0]).toMatch(why);
}

async function expectClean(code: string, filePath: string): Promise<void> {
  const messages = await lint(code, filePath);
  expect(messages.map((m) => `${m.ruleId}: ${m.message}`), `${filePath}:\n${code}`).toEqual([]);
}

describe('server/scim is the pure SCIM domain', () => {
  it.each([
    ['fastify', /no HTTP, storage or I\/O/],
    ['better-sqlite3', /no HTTP, storage or I\/O/],
    ['node:crypto', /no Node built-ins/],
    ['electron', /electron/],
  ])('importing %s from server/scim/ is an error', async (source, why) => {
    await expectBoundaryError(source, 'server/scim/boundary-probe.ts', why);
  });

  it('the same imports are fine elsewhere in server/ (the rule is about server/scim)', async () => {
    await expectClean(valueImport('better-sqlite3'), 'server/store/boundary-probe.ts');
    await expectClean(valueImport('node:crypto'), 'server/boundary-probe.ts');
    await expectClean(valueImport('fastify'), 'server/http/boundary-probe.ts');
  });

  it('server/scim may import server/scim', async () => {
    await expectClean(valueImport('./filter'), 'server/scim/boundary-probe.ts');
  });
});

describe('server/ never imports electron', () => {
  it.each(['server/boundary-probe.ts', 'server/store/boundary-probe.ts', 'server/http/routes/boundary-probe.ts'])('importing electron from %s is an error', async (filePath) => {
    await expectBoundaryError('electron', filePath, /Only electron\/main\*, window, ipc and preload may import electron/);
  });

  it('importing electron from electron/main.ts is fine', async () => {
    await expectClean("import { app } from 'electron';\nexport const name = app.getName();\n", 'electron/main.ts');
  });
});

describe('the renderer is sandboxed', () => {
  it.each([
    ['node:fs', 'renderer/src/boundary-probe.ts', /no Node modules/],
    ['electron', 'renderer/src/boundary-probe.tsx', /electron/],
    ['../../server/runtime', 'renderer/src/boundary-probe.tsx', /only through the preload API/],
  ])('importing %s from %s is an error', async (source, filePath, why) => {
    await expectBoundaryError(source, filePath, why);
  });

  it('a value import of the IPC contract is an error', async () => {
    const messages = await lint("import { CHANNELS } from '../../electron/contract';\nexport const channels = CHANNELS;\n", 'renderer/src/boundary-probe.ts');
    const errors = boundaryErrors(messages);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/import type/);
  });

  it('`import type` of the IPC contract is fine', async () => {
    await expectClean("import type { AppInfo } from '../../electron/contract';\nexport type Info = AppInfo;\n", 'renderer/src/boundary-probe.tsx');
  });

  it('the renderer may import React and its own modules', async () => {
    await expectClean("import { StrictMode } from 'react';\nimport { App } from './App';\nexport const parts = [StrictMode, App];\n", 'renderer/src/boundary-probe.tsx');
  });
});
