/**
 * The headless CLI as real child processes, for the tests that drive it as an admin would:
 * `node --import tsx server/cli/main.ts …` from the repository root, stdout and stderr
 * captured, every command bounded in time (a hang is a failure), and every process and data
 * folder a test made cleaned up after it.
 *
 *   const { newDir, cli, enable, serve, stop } = cliProcesses({ limitMs: 30_000 });
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, expect } from 'vitest';
import { ScimClient } from '../../tools/scim-client';
import { tempDir } from './scim-server';

/** The repository root: the CLI is started from there (tsx and server/cli/main.ts resolve from it). */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** A token as `enable` and `token new` print it. */
export const TOKEN = /^scimdesk_[A-Za-z0-9_-]{43}$/;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  readonly output: string;
}

/** What the process has printed so far, by stream. */
export type Stream = 'stdout' | 'stderr' | 'output';

export interface Running {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  stdout(): string;
  stderr(): string;
  output(): string;
}

export interface Served extends Running {
  readonly port: number;
  /** The SCIM base URL it printed, http://127.0.0.1:PORT/scim/v2. */
  readonly base: string;
  /** A client sending `Bearer <token>` (no Authorization header for undefined). */
  client(token: string | undefined): ScimClient;
}

export interface CliOptions {
  /** How long one command, or one wait for a line of output, may take. */
  readonly limitMs?: number;
  /** The prefix of the folders newDir() makes. */
  readonly dirPrefix?: string;
  /**
   * When processes are killed and folders removed: after each test, or after the file when a
   * beforeAll sets up what several tests then read.
   */
  readonly cleanup?: 'each' | 'all';
}

export interface CommandOptions {
  /** Arguments after the ones the helper adds (e.g. ['--secret-store', 'file']). */
  readonly args?: readonly string[];
  /** The child's environment (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface CliProcesses {
  /** A fresh folder, removed at cleanup. */
  newDir(prefix?: string): string;
  /** Starts a CLI command and returns at once. */
  start(args: readonly string[], env?: NodeJS.ProcessEnv): Running;
  /** Runs one CLI command to completion. */
  cli(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<Exit>;
  /** `enable`, which must exit 0 and print the new token alone on its last line. */
  enable(dataDir: string, options?: CommandOptions & { readonly connection?: string }): Promise<Exit & { readonly token: string }>;
  /** `serve --port 0`, resolved once the server printed its address and waits for a signal. */
  serve(dataDir: string, options?: CommandOptions & { readonly logLevel?: string }): Promise<Served>;
  /** Sends the signal and waits for the exit. */
  stop(run: Running, signal?: NodeJS.Signals): Promise<Exit>;
  /** Waits until `pattern` matches what the process printed on `stream` (default stdout). */
  waitFor(run: Running, pattern: RegExp, what: string, stream?: Stream): Promise<RegExpExecArray>;
}

export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The CLI helpers for one test file; registers the cleanup hook, so call it at the top level. */
export function cliProcesses({ limitMs = 30_000, dirPrefix = 'scimdesk-cli-', cleanup = 'each' }: CliOptions = {}): CliProcesses {
  /** Every process started, with the promise of its exit. */
  const children = new Map<ChildProcess, Promise<unknown>>();
  const dirs: string[] = [];

  (cleanup === 'all' ? afterAll : afterEach)(async () => {
    for (const child of children.keys()) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.allSettled(children.values());
    children.clear();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const printed = (run: Running): string => `stdout: ${run.stdout()} stderr: ${run.stderr()}`;

  function newDir(prefix = dirPrefix): string {
    const dir = tempDir(prefix);
    dirs.push(dir);
    return dir;
  }

  function start(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Running {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      output += d;
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      output += d;
    });
    const exited = new Promise<Exit>((resolve, reject) => {
      child.on('error', reject);
      // 'close', not 'exit': by then all output has been read.
      child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, output }));
    });
    children.set(child, exited.catch(() => undefined));
    return { child, exited, stdout: () => stdout, stderr: () => stderr, output: () => output };
  }

  async function cli(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<Exit> {
    const run = start(args, env);
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        run.child.kill('SIGKILL');
        reject(new Error(`scimdesk ${args.join(' ')} did not finish; ${printed(run)}`));
      }, limitMs);
    });
    try {
      return await Promise.race([run.exited, limit]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function enable(dataDir: string, { connection = 'okta', args = [], env }: CommandOptions & { readonly connection?: string } = {}): Promise<Exit & { readonly token: string }> {
    const exit = await cli(['enable', '--connection', connection, '--data-dir', dataDir, ...args], env);
    expect(exit.code, exit.output).toBe(0);
    const token = lines(exit.stdout).at(-1) ?? '';
    expect(token).toMatch(TOKEN);
    return { ...exit, token };
  }

  async function waitFor(run: Running, pattern: RegExp, what: string, stream: Stream = 'stdout'): Promise<RegExpExecArray> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const m = pattern.exec(run[stream]());
      if (m) return m;
      // An exited process prints nothing more: fail now rather than at the deadline.
      if (run.child.exitCode !== null || run.child.signalCode !== null || Date.now() > deadline) throw new Error(`no ${what}; ${printed(run)}`);
      await sleep(25);
    }
  }

  async function serve(dataDir: string, { args = [], env, logLevel = 'warn' }: CommandOptions & { readonly logLevel?: string } = {}): Promise<Served> {
    const run = start(['serve', '--port', '0', '--data-dir', dataDir, '--log-level', logLevel, ...args], env);
    let m: RegExpExecArray;
    try {
      // "SCIM base URL" is the last line before the server waits for SIGINT/SIGTERM; up to its
      // line end, so that a line read in two pieces is not taken for a shorter URL.
      m = await waitFor(run, /^SCIM base URL: (\S+)\n/m, 'SCIM base URL');
    } catch {
      run.child.kill('SIGKILL');
      const exit = await run.exited;
      throw new Error(`serve did not start (exit ${exit.code}); stdout: ${exit.stdout} stderr: ${exit.stderr}`);
    }
    const listening = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(run.stdout());
    expect(listening, run.stdout()).not.toBeNull();
    const port = Number(listening![1]);
    expect(port).toBeGreaterThan(0);
    const base = `http://127.0.0.1:${port}/scim/v2`;
    expect(m[1]).toBe(base);
    return { ...run, port, base, client: (token) => new ScimClient(base, token === undefined ? undefined : `Bearer ${token}`) };
  }

  async function stop(run: Running, signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> {
    run.child.kill(signal);
    return run.exited;
  }

  return { newDir, start, cli, enable, serve, stop, waitFor };
}
