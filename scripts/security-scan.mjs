#!/usr/bin/env node
/**
 * Security checks in CI:
 * - electronegativity over the Electron sources and the renderer page: prints every finding,
 *   fails on any HIGH one. It would download Electron's release list; it runs with
 *   scripts/offline-preload.mjs so that request never leaves the machine (the Electron version
 *   is passed explicitly instead).
 * - npm audit of the production dependencies: fails on a high or critical advisory. Where the
 *   registry offers no advisory service (this project's CI machines) it says so and goes on.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
const cli = join(root, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js');

// One tree with the main-process sources and the page, so the global checks see both.
const scan = mkdtempSync(join(tmpdir(), 'eneg-src-'));
cpSync(join(root, 'electron'), join(scan, 'electron'), { recursive: true });
cpSync(join(root, 'renderer', 'index.html'), join(scan, 'renderer', 'index.html'));
const out = join(scan, 'report.csv');
const offline = pathToFileURL(join(root, 'scripts', 'offline-preload.mjs')).href;
const run = spawnSync(process.execPath, ['--import', offline, cli, '-i', scan, '-r', '-e', electronVersion, '-o', out], { encoding: 'utf8' });
let report;
try {
  report = readFileSync(out, 'utf8');
} catch {
  console.error(`electronegativity did not run:\n${run.stderr || run.stdout}`);
  process.exit(1);
}
let high = 0;
const findings = report.trim().split('\n').slice(1).filter(Boolean);
console.log(`electronegativity ${findings.length} finding(s) in electron/ and renderer/index.html:`);
for (const line of findings) {
  const [issue, severity, confidence, file, location] = line.split(',').map((c) => c.replace(/^"|"$/g, ''));
  console.log(`  ${severity.padEnd(6)} ${confidence.padEnd(9)} ${issue} ${file}:${location}`);
  if (severity === 'HIGH') high++;
}
if (high > 0) {
  console.error(`${high} HIGH finding(s)`);
  process.exit(1);
}
console.log('No HIGH findings.');

const audit = spawnSync('npm', ['audit', '--omit=dev', '--json'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
let counts;
try {
  counts = JSON.parse(audit.stdout).metadata?.vulnerabilities;
} catch {
  counts = undefined;
}
if (!counts) {
  console.log('npm audit: the registry answered no advisories (no advisory service reachable from here); skipped.');
} else {
  console.log(`npm audit (production dependencies): ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
  if ((counts.high ?? 0) + (counts.critical ?? 0) > 0) {
    console.error('High or critical advisories in production dependencies: run "npm audit --omit=dev" and fix or explain each in the README.');
    process.exit(1);
  }
}
