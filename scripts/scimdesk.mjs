#!/usr/bin/env node
/**
 * `npm run -s scimdesk -- …`: the headless CLI. It runs a bundle of server/cli/main.ts
 * (out/cli/scimdesk.mjs, dependencies left in node_modules), rebuilt with esbuild whenever a
 * source under server/ or contract/ is newer — compiling TypeScript on every start would cost more than
 * the whole "start to SCIM ready" budget of one second.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'out', 'cli', 'scimdesk.mjs');

function newest(dir) {
  return readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
    const path = join(dir, e.name);
    return Math.max(max, e.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }, 0);
}

if (!existsSync(bundle) || statSync(bundle).mtimeMs < Math.max(newest(join(root, 'server')), newest(join(root, 'contract')), statSync(join(root, 'package.json')).mtimeMs)) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(root, 'server', 'cli', 'main.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}

process.argv.splice(1, 1, bundle);
await import(pathToFileURL(bundle).href);
