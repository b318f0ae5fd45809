#!/usr/bin/env node
/**
 * Electron security review in CI: electronegativity over the Electron sources and the
 * renderer page. Prints every finding; fails on any HIGH severity one. (It tries to fetch the
 * list of Electron releases and goes on without it when offline; the Electron version is
 * passed explicitly.)
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
const cli = join(root, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js');

// One tree with the main-process sources and the page, so the global checks see both.
const scan = mkdtempSync(join(tmpdir(), 'eneg-src-'));
cpSync(join(root, 'electron'), join(scan, 'electron'), { recursive: true });
cpSync(join(root, 'renderer', 'index.html'), join(scan, 'renderer', 'index.html'));
const out = join(scan, 'report.csv');
const run = spawnSync(process.execPath, [cli, '-i', scan, '-r', '-e', electronVersion, '-o', out], { encoding: 'utf8' });
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
