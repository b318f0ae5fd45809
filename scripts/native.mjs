#!/usr/bin/env node
/**
 * The one place that solves the native-module ABI problem. better-sqlite3 and keytar are
 * compiled for one ABI: node_modules keeps the Node builds (tests, the headless CLI), and the
 * desktop app in development loads Electron builds from .native/electron/ (electron/main.ts
 * points SCIMDESK_NATIVE_DIR there; see server/base/native.ts). A packaged app has Electron builds in
 * its own node_modules, made by electron-builder's in-place rebuild.
 *
 *   node scripts/native.mjs electron [--force]
 *       Builds Electron-ABI copies into .native/electron/ without touching node_modules: copies
 *       the two packages into a scratch app under .native/ and runs @electron/rebuild there.
 *       Skipped when the stamp says this Electron and these module versions were built already.
 *   node scripts/native.mjs node
 *       Makes sure node_modules loads under this Node again (e.g. after electron-builder's
 *       in-place rebuild): runs `npm rebuild` only for the modules that fail to load.
 *   node scripts/native.mjs check
 *       Prints the ABI of every build; exits non-zero if node_modules does not load under Node.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const NATIVE = join(root, '.native');
const ELECTRON_DIR = join(NATIVE, 'electron');
const SCRATCH = join(NATIVE, 'electron-build');
const STAMP = join(ELECTRON_DIR, 'stamp.json');
const LOG = join(NATIVE, 'electron-rebuild.log');

/** The native modules, their binary, and a script that loads the binary under Node. */
const MODULES = [
  { name: 'better-sqlite3', file: 'better_sqlite3.node', probe: "require('better-sqlite3')(':memory:').close()" },
  { name: 'keytar', file: 'keytar.node', probe: "require('keytar')" },
];

/** An expected failure: printed as one line, exit status 1. */
class Failure extends Error {}

const rel = (p) => relative(root, p) || '.';
const say = (line) => console.log(`native: ${line}`);

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function packageVersion(name) {
  const file = join(root, 'node_modules', name, 'package.json');
  if (!existsSync(file)) throw new Failure(`${name} is not installed in node_modules; run npm install first.`);
  return readJson(file).version;
}

function electronInfo() {
  const dir = join(root, 'node_modules', 'electron');
  if (!existsSync(join(dir, 'package.json'))) throw new Failure('electron is not installed in node_modules; run npm install first.');
  const abiFile = join(dir, 'abi_version');
  return { version: readJson(join(dir, 'package.json')).version, abi: existsSync(abiFile) ? readFileSync(abiFile, 'utf8').trim() : undefined };
}

/**
 * What a binary was built for, read from its exported entry point: `node_register_module_v<ABI>`
 * for a module tied to one NODE_MODULE_VERSION, `napi_register_module_v1` for Node-API modules,
 * which load under any runtime.
 */
function binaryAbi(file) {
  const text = readFileSync(file).toString('latin1');
  const abi = /node_register_module_v(\d+)/.exec(text);
  if (abi) return { napi: false, abi: abi[1] };
  if (text.includes('napi_register_module_v')) return { napi: true };
  return undefined;
}

/** True when a binary is tied to an ABI other than Electron's (Node-API binaries never are). */
function isForeignAbi(found, electron) {
  return Boolean(found && !found.napi && electron.abi && found.abi !== electron.abi);
}

function describeAbi(found, electron) {
  if (!found) return 'unknown ABI';
  if (found.napi) return 'Node-API (loads under Node and Electron)';
  if (found.abi === process.versions.modules) return `NODE_MODULE_VERSION ${found.abi} = Node ${process.versions.node}`;
  if (found.abi === electron.abi) return `NODE_MODULE_VERSION ${found.abi} = Electron ${electron.version}`;
  return `NODE_MODULE_VERSION ${found.abi} (neither this Node nor Electron ${electron.version})`;
}

/** Loads a module in a fresh Node process; returns undefined when it loads, else the reason. */
function probe(mod) {
  const run = spawnSync(process.execPath, ['-e', mod.probe], { cwd: root, encoding: 'utf8' });
  if (run.status === 0) return undefined;
  const text = `${run.stderr}\n${run.error?.message ?? ''}`;
  const abi = /NODE_MODULE_VERSION (\d+)\. This version of Node\.js requires\s+NODE_MODULE_VERSION (\d+)/.exec(text);
  if (abi) return `built for NODE_MODULE_VERSION ${abi[1]}, this Node needs ${abi[2]}`;
  const line = text.split('\n').find((l) => /Error|cannot|not found/i.test(l));
  return (line ?? text).trim().slice(0, 200) || `exit status ${run.status}`;
}

function nodeModulesBinary(mod) {
  return join(root, 'node_modules', mod.name, 'build', 'Release', mod.file);
}

// ---------------------------------------------------------------------------------------------
// node: make node_modules loadable under Node again

function ensureNode() {
  const broken = MODULES.map((mod) => ({ mod, reason: probe(mod) })).filter((b) => b.reason);
  if (broken.length === 0) {
    say(`node_modules loads under Node ${process.versions.node}; nothing to rebuild.`);
    return;
  }
  for (const { mod, reason } of broken) say(`${mod.name} does not load under Node ${process.versions.node} (${reason}).`);
  const names = broken.map((b) => b.mod.name);
  say(`npm rebuild ${names.join(' ')}`);
  // Under `npm run`, npm_execpath is npm's own CLI script; spawning it avoids npm.cmd on Windows.
  const npmCli = process.env['npm_execpath'];
  const run = npmCli && /\.c?js$/.test(npmCli)
    ? spawnSync(process.execPath, [npmCli, 'rebuild', ...names], { cwd: root, stdio: 'inherit' })
    : spawnSync('npm', ['rebuild', ...names], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (run.status !== 0) throw new Failure(`npm rebuild ${names.join(' ')} failed (exit status ${run.status ?? run.error?.message}); see the output above.`);
  const still = broken.map((b) => ({ mod: b.mod, reason: probe(b.mod) })).filter((b) => b.reason);
  if (still.length > 0) throw new Failure(`still not loadable under Node after npm rebuild: ${still.map((s) => `${s.mod.name} (${s.reason})`).join('; ')}.`);
  say(`rebuilt ${names.join(' and ')} for Node ${process.versions.node}.`);
}

// ---------------------------------------------------------------------------------------------
// electron: build Electron copies into .native/electron without touching node_modules

function wantedStamp(electron) {
  return {
    electron: electron.version,
    platform: process.platform,
    arch: process.arch,
    modules: Object.fromEntries(MODULES.map((m) => [m.name, packageVersion(m.name)])),
  };
}

/** Same Electron, platform and module versions as the stamp, and binaries of Electron's ABI. */
function upToDate(stamp, electron) {
  if (!existsSync(STAMP) || !MODULES.every((m) => existsSync(join(ELECTRON_DIR, m.file)))) return false;
  try {
    if (JSON.stringify(readJson(STAMP)) !== JSON.stringify(stamp)) return false;
  } catch {
    return false;
  }
  return MODULES.every((m) => !isForeignAbi(binaryAbi(join(ELECTRON_DIR, m.file)), electron));
}

/** A scratch app under .native/ holding copies of the packages (without their Node builds). */
function prepareScratch(stamp) {
  rmSync(SCRATCH, { recursive: true, force: true });
  mkdirSync(join(SCRATCH, 'node_modules'), { recursive: true });
  writeFileSync(
    join(SCRATCH, 'package.json'),
    `${JSON.stringify({ name: 'scimdesk-native-electron', version: '0.0.0', private: true, dependencies: stamp.modules }, null, 2)}\n`,
  );
  for (const { name } of MODULES) {
    const from = join(root, 'node_modules', name);
    // Leave the Node build (build/) and any ABI-tagged copies (bin/) behind.
    const skip = new Set([join(from, 'build'), join(from, 'bin')]);
    cpSync(from, join(SCRATCH, 'node_modules', name), { recursive: true, dereference: true, filter: (src) => !skip.has(src) });
  }
}

/** One sentence naming the likely cause, from the error and everything the rebuild printed. */
function explainRebuildFailure(err, output, electron) {
  const text = `${output}\n${err?.stack ?? err}`;
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const find = (re) => lines.find((l) => re.test(l));
  // The last network error is node-gyp's (a failed prebuilt-binary download comes first and is
  // only a warning). node-gyp run silently loses the errno; its text then only says "network connectivity".
  const network = lines.filter((l) => /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|getaddrinfo|socket hang up|certificate/i.test(l));
  const errno = network.findLast((l) => /error|ERR!/i.test(l)) ?? network.at(-1);
  const url = /gyp http GET (\S+)/.exec(lines.findLast((l) => /gyp http GET \S*headers/.test(l)) ?? '')?.[1];
  if (errno || find(/network connectivity|behind a proxy/i)) {
    return (
      `the Electron ${electron.version} headers could not be downloaded${url ? ` from ${url}` : ''} (${errno ? errno.slice(0, 160) : 'node-gyp reports no network connection or a proxy in the way'}). ` +
      `Run this once with internet access (node-gyp then keeps them in ${join(homedir(), '.electron-gyp')}), or copy that folder from a machine that has them.`
    );
  }
  const python = find(/find Python|Could not find any Python|python.*not found/i);
  if (python) return `node-gyp needs Python 3 (${python.slice(0, 160)}).`;
  const compiler = find(/(make|g\+\+|c\+\+|cc|clang): (command )?not found|No such file or directory.*(make|g\+\+|cc)|Visual Studio|MSBuild|xcrun|xcode-select/i);
  if (compiler) return `no C/C++ build toolchain (${compiler.slice(0, 160)}); install build-essential, Xcode's command line tools or Visual Studio Build Tools.`;
  const secret = find(/libsecret|gnome-keyring\.h|secret\.h/i);
  if (secret) return `keytar needs the libsecret development headers (${secret.slice(0, 160)}); on Debian/Ubuntu install libsecret-1-dev.`;
  return `@electron/rebuild failed: ${String(err?.message ?? err).split('\n')[0].slice(0, 200)}.`;
}

/**
 * npm's `nodedir` setting (an .npmrc line, npm_config_nodedir under `npm start`) points node-gyp
 * at Node's headers instead of downloading Electron's: the build then "succeeds" for Node's ABI.
 * It is right for the Node builds, never for these; say so and leave it out.
 */
function dropNodedir() {
  for (const key of ['npm_config_nodedir', 'NPM_CONFIG_NODEDIR']) {
    const value = process.env[key];
    if (value === undefined) continue;
    say(`ignoring npm's nodedir setting (${value}) for this build: it points node-gyp at Node's headers, and Electron's are needed.`);
    delete process.env[key];
  }
}

/** npm start needs the Electron binary, which electron's own install step downloads. */
function checkElectronBinary(electron) {
  if (existsSync(join(root, 'node_modules', 'electron', 'path.txt'))) return;
  throw new Failure(
    `the Electron ${electron.version} binary was never downloaded (electron's install step could not reach its download site), and the desktop app needs it. ` +
      'Run "node node_modules/electron/install.js" where it can be downloaded, or set ELECTRON_MIRROR to a mirror you can reach and run it again.',
  );
}

/**
 * Runs `work` with everything it prints kept in `output`: console calls, and writes to stdout and
 * stderr (the debug lines of @electron/rebuild, and node-gyp's output when it fails).
 */
async function capturing(output, work) {
  const saved = { log: console.log, warn: console.warn, error: console.error, out: process.stdout.write, err: process.stderr.write };
  const capture = (...args) => output.push(args.map(String).join(' '));
  console.log = console.warn = console.error = capture;
  const captureWrite = (chunk, encoding, done) => {
    output.push(String(chunk).replace(/\n$/, ''));
    if (typeof encoding === 'function') encoding();
    else if (typeof done === 'function') done();
    return true;
  };
  process.stdout.write = process.stderr.write = captureWrite;
  try {
    return await work((line) => saved.out.call(process.stdout, `${line}\n`));
  } finally {
    Object.assign(console, { log: saved.log, warn: saved.warn, error: saved.error });
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
  }
}

async function buildElectron(force) {
  const electron = electronInfo();
  const stamp = wantedStamp(electron);
  if (!force && upToDate(stamp, electron)) {
    say(`Electron ${electron.version} builds in ${rel(ELECTRON_DIR)} are up to date.`);
    checkElectronBinary(electron);
    return;
  }
  dropNodedir();
  // The rebuild's own account of what it did (its arguments, node-gyp's verbose output) goes
  // to the log; without it a failure left an empty log.
  process.env['DEBUG'] = process.env['DEBUG'] ? `${process.env['DEBUG']},electron-rebuild` : 'electron-rebuild';
  let rebuild;
  try {
    ({ rebuild } = await import('@electron/rebuild'));
  } catch (err) {
    throw new Failure(`@electron/rebuild is not installed (${err.message.split('\n')[0]}); run npm install first.`);
  }

  say(`building ${MODULES.map((m) => m.name).join(' and ')} for Electron ${electron.version} (${process.platform}-${process.arch}) in ${rel(SCRATCH)}`);
  prepareScratch(stamp);

  // @electron/rebuild prints node-gyp's whole output on failure; keep it in the log instead.
  const output = [];
  let failure;
  await capturing(output, async (print) => {
    try {
      const job = rebuild({
        buildPath: SCRATCH,
        projectRootPath: SCRATCH, // never walk up into the project's own node_modules
        electronVersion: electron.version,
        arch: process.arch,
        onlyModules: MODULES.map((m) => m.name),
        force: true,
        mode: 'sequential',
      });
      job.lifecycle.on('module-found', (name) => print(`native:   ${name}…`));
      await job;
    } catch (err) {
      failure = err;
    }
  });
  mkdirSync(NATIVE, { recursive: true });
  writeFileSync(LOG, `${output.join('\n')}\n${failure ? String(failure.stack ?? failure) : ''}\n`);
  if (failure) throw new Failure(`cannot build the Electron copies: ${explainRebuildFailure(failure, output.join('\n'), electron)} Full log: ${rel(LOG)}`);

  const built = MODULES.map((mod) => ({ mod, file: join(SCRATCH, 'node_modules', mod.name, 'build', 'Release', mod.file) }));
  for (const { mod, file } of built) {
    if (!existsSync(file)) throw new Failure(`@electron/rebuild finished but ${rel(file)} is missing. Full log: ${rel(LOG)}`);
    const found = binaryAbi(file);
    if (isForeignAbi(found, electron)) {
      throw new Failure(
        `node-gyp built ${mod.name} with the headers of NODE_MODULE_VERSION ${found.abi}, not Electron ${electron.version}'s (${electron.abi}): it was pointed at other headers (a --nodedir or npm_config_nodedir). Remove that setting and run this again. Full log: ${rel(LOG)}`,
      );
    }
  }
  rmSync(ELECTRON_DIR, { recursive: true, force: true });
  mkdirSync(ELECTRON_DIR, { recursive: true });
  for (const { mod, file } of built) copyFileSync(file, join(ELECTRON_DIR, mod.file));
  writeFileSync(STAMP, `${JSON.stringify(stamp, null, 2)}\n`);
  rmSync(SCRATCH, { recursive: true, force: true });
  say(`Electron ${electron.version} builds ready in ${rel(ELECTRON_DIR)} (${MODULES.map((m) => m.file).join(', ')}).`);
  checkElectronBinary(electron);
}

// ---------------------------------------------------------------------------------------------
// check: report what every build was made for

function check() {
  let electron;
  try {
    electron = electronInfo();
  } catch {
    electron = { version: '(not installed)', abi: undefined };
  }
  say(`this Node ${process.versions.node} uses NODE_MODULE_VERSION ${process.versions.modules}; Electron ${electron.version} uses ${electron.abi ?? 'an unknown one'}.`);
  let ok = true;
  for (const mod of MODULES) {
    const file = nodeModulesBinary(mod);
    const version = existsSync(join(root, 'node_modules', mod.name, 'package.json')) ? readJson(join(root, 'node_modules', mod.name, 'package.json')).version : 'missing';
    const abi = existsSync(file) ? describeAbi(binaryAbi(file), electron) : 'no binary';
    const reason = probe(mod);
    if (reason) ok = false;
    say(`${rel(file)} (${mod.name} ${version}): ${abi}; loads under this Node: ${reason ? `NO (${reason})` : 'yes'}`);
  }
  let stamp;
  try {
    stamp = readJson(STAMP);
  } catch {
    stamp = undefined;
  }
  for (const mod of MODULES) {
    const file = join(ELECTRON_DIR, mod.file);
    if (!existsSync(file)) {
      say(`${rel(file)}: missing (node scripts/native.mjs electron builds it)`);
      continue;
    }
    const found = binaryAbi(file);
    const stale = isForeignAbi(found, electron) ? ' — not Electron\'s ABI: rebuild with node scripts/native.mjs electron' : '';
    say(`${rel(file)}: ${describeAbi(found, electron)}${stale}`);
  }
  if (stamp) say(`${rel(STAMP)}: Electron ${stamp.electron}, ${stamp.platform}-${stamp.arch}, ${Object.entries(stamp.modules).map(([n, v]) => `${n} ${v}`).join(', ')}`);
  if (!ok) throw new Failure('node_modules does not load under this Node: run node scripts/native.mjs node');
}

// ---------------------------------------------------------------------------------------------

const [command, ...flags] = process.argv.slice(2);
try {
  if (command === 'electron') await buildElectron(flags.includes('--force'));
  else if (command === 'node') ensureNode();
  else if (command === 'check') check();
  else {
    console.error('usage: node scripts/native.mjs electron [--force] | node | check');
    process.exitCode = 2;
  }
} catch (err) {
  if (!(err instanceof Failure)) throw err;
  console.error(`native: ${err.message}`);
  process.exitCode = 1;
}
