/**
 * `npm run bench`: SCIM workloads against real listening servers over loopback, driven by
 * autocannon (16 connections), each server in its own process:
 *
 *  1. side by side: ScimDesk (the headless CLI's `serve`, activity log on) and the reference
 *     server in bench/reference-server.ts (the least work any SCIM server must do) — req/s,
 *     p50/p99, the server's CPU time per request (on a machine shared with other work it moves
 *     far less than req/s) and the ratio;
 *  2. flatness: userName lookup and get-by-id at 1 000, 100 000 and 1 000 000 users; group
 *     member add/remove on groups of 100, 10 000 and 100 000 members;
 *  3. seeding 100 000 users through POST /Users, and the RSS right after it;
 *  4. cold start with 100 000 users (process start → SCIM answering), and the idle RSS of a
 *     server started on that store.
 *
 * A benchmark, not a test: it prints numbers and asserts nothing. Environment:
 * BENCH_DURATION (s per run, default 5), BENCH_WARMUP (unmeasured s before each side-by-side run,
 * default 1), BENCH_CONNECTIONS (16), BENCH_USERS (10 000),
 * BENCH_PARTS (comma list of: compare, scale, seed, start; default all).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { Core } from '../server/core/core';
import { FileSecretStore } from '../server/secrets/file-store';

const DURATION = Number(process.env['BENCH_DURATION'] ?? 5);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 16);
const USERS = Number(process.env['BENCH_USERS'] ?? 10_000);
const PARTS = new Set((process.env['BENCH_PARTS'] ?? 'compare,scale,seed,start').split(','));
const ROOT = join(import.meta.dirname, '..');
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const children = new Set<ChildProcess>();

// ---------------------------------------------------------------------------------------------
// Data

function userBody(i: number | string): Record<string, unknown> {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
    userName: `user${i}@bench.example`,
    name: { givenName: 'Bench', familyName: `User ${i}` },
    emails: [{ primary: true, value: `user${i}@bench.example`, type: 'work' }],
    displayName: `Bench User ${i}`,
    externalId: `ext-${i}`,
    active: true,
  };
}

interface Seeded {
  readonly dataDir: string;
  readonly token: string;
  readonly userIds: string[];
  readonly poolIds: string[];
  readonly groupId: string;
}

/**
 * A ScimDesk store with `users` users, a group holding the first `members` of them, and a pool
 * of `pool` more users outside the group (the add workload adds them, the remove one takes
 * them out again). Rows go in through the store's own insert (the same derived columns and
 * indexes as SCIM writes), skipping request parsing so a million users take seconds.
 */
async function seedScimDesk(users: number, members: number, pool: number): Promise<Seeded> {
  const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-bench-'));
  const core = new Core({ dataDir, secretStore: new FileSecretStore(dataDir) });
  try {
    const { token } = await core.connections.setEnabled('okta', true);
    const now = new Date().toISOString();
    const userIds: string[] = [];
    const poolIds: string[] = [];
    let groupId = '';
    core.db.transaction(() => {
      const insert = (i: number | string): string => core.directory.users.insert(randomUUID(), userBody(i) as never, 'okta', now).id;
      for (let i = 0; i < users; i++) userIds.push(insert(i));
      for (let i = 0; i < pool; i++) poolIds.push(insert(`pool${i}`));
      const group = core.directory.groups.insert(randomUUID(), { displayName: 'Everyone' }, 'okta', now);
      groupId = group.id;
      core.directory.memberships.addMany(group.seq, core.directory.memberships.resolveUsers(userIds.slice(0, members)));
    })();
    core.db.pragma('wal_checkpoint(TRUNCATE)');
    return { dataDir, token: token!, userIds, poolIds, groupId };
  } finally {
    core.close();
  }
}

/** The same users and membership for the reference server (its own minimal schema). */
function seedReference(s: Seeded, users: number, members: number): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'reference-bench-'));
  const db = new Database(join(dataDir, 'reference.db'));
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE users (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, user_name TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
           CREATE TABLE members (group_id TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (group_id, user_id)) WITHOUT ROWID;`);
  const insert = db.prepare('INSERT INTO users (id, user_name, data) VALUES (?, ?, ?)');
  const member = db.prepare('INSERT INTO members (group_id, user_id) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < users; i++) insert.run(s.userIds[i], `user${i}@bench.example`, JSON.stringify(userBody(i)));
    s.poolIds.forEach((id, i) => insert.run(id, `userpool${i}@bench.example`, JSON.stringify(userBody(`pool${i}`))));
    for (let i = 0; i < members; i++) member.run(s.groupId, s.userIds[i]);
  })();
  db.close();
  return dataDir;
}

// ---------------------------------------------------------------------------------------------
// Servers

async function startProcess(args: string[]): Promise<{ child: ChildProcess; base: string; startedMs: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return { child, base, startedMs: performance.now() - t0 };
}

function startScimDesk(dataDir: string): ReturnType<typeof startProcess> {
  return startProcess([join(ROOT, 'scripts', 'scimdesk.mjs'), 'serve', '--data-dir', dataDir, '--secret-store', 'file', '--port', '0', '--log-level', 'warn']);
}

function startReference(dataDir: string, token: string): ReturnType<typeof startProcess> {
  return startProcess(['--import', 'tsx', join(ROOT, 'bench', 'reference-server.ts'), dataDir, token]);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  children.delete(child);
}

// ---------------------------------------------------------------------------------------------
// Load

interface Row {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  /** The server process's CPU time (user + system, all threads) per answered request, µs. */
  readonly cpuUs: number;
}

/** /proc/PID/stat counts CPU time in clock ticks: USER_HZ, 100 on Linux. */
const CLOCK_TICKS = 100;

/** CPU time a process has used so far, ms (from /proc: user + system, all its threads). */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

function rssMb(pid: number): string {
  const rss = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/)?.[1];
  return rss ? (Number(rss) / 1024).toFixed(0) : '?';
}

type Setup = () => { method: string; path: string; body?: string };

async function load(server: { base: string; child: ChildProcess }, token: string, setup: Setup, duration = DURATION): Promise<Row> {
  const cpu0 = cpuMs(server.child.pid!);
  const result = await autocannon({
    url: server.base,
    connections: CONNECTIONS,
    duration,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json; charset=utf-8', accept: 'application/scim+json' },
    requests: [{ setupRequest: (req: any) => ({ ...req, ...setup() }) }],
  });
  const cpuUs = ((cpuMs(server.child.pid!) - cpu0) * 1000) / Math.max(1, result.requests.total);
  return { rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts + result.non2xx, cpuUs: Math.round(cpuUs) };
}

/** Unmeasured seconds of a workload before its measured run (BENCH_WARMUP, default 1). */
const WARMUP = Number(process.env['BENCH_WARMUP'] ?? 1);

async function warmThenLoad(server: { base: string; child: ChildProcess }, token: string, setup: Setup): Promise<Row> {
  if (WARMUP > 0) await load(server, token, setup, WARMUP);
  return load(server, token, setup);
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;
const pad = (s: string | number, n: number): string => String(s).padStart(n);

/** The workloads, each a request generator over one seeded data set. */
function workloads(s: Seeded, users: number): [string, () => Setup][] {
  const patch = (ops: unknown[]): string => JSON.stringify({ schemas: [PATCH], Operations: ops });
  return [
    ['userName lookup (filter eq)', () => () => ({ method: 'GET', path: `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "user${Math.floor(Math.random() * users)}@bench.example"`)}` })],
    ['get user by id', () => () => ({ method: 'GET', path: `/scim/v2/Users/${pick(s.userIds)}` })],
    ['page of 100 users', () => () => ({ method: 'GET', path: `/scim/v2/Users?startIndex=${1 + Math.floor(Math.random() * Math.max(1, users - 100))}&count=100` })],
    [
      'create user (POST)',
      () => {
        const run = randomUUID().slice(0, 8);
        let n = 0;
        return () => ({ method: 'POST', path: '/scim/v2/Users', body: JSON.stringify(userBody(`new-${run}-${n++}`)) });
      },
    ],
    [
      'replace user (PUT)',
      () => () => {
        const i = Math.floor(Math.random() * users);
        return { method: 'PUT', path: `/scim/v2/Users/${s.userIds[i]}`, body: JSON.stringify({ ...userBody(i), title: `Title ${Math.random()}` }) };
      },
    ],
    [
      'deactivate user (PATCH)',
      () => {
        let flip = false;
        return () => ({ method: 'PATCH', path: `/scim/v2/Users/${pick(s.userIds)}`, body: patch([{ op: 'replace', value: { active: (flip = !flip) } }]) });
      },
    ],
    [
      'group member add',
      () => {
        let n = 0;
        return () => ({ method: 'PATCH', path: `/scim/v2/Groups/${s.groupId}`, body: patch([{ op: 'add', path: 'members', value: [{ value: s.poolIds[n++ % s.poolIds.length], display: 'x' }] }]) });
      },
    ],
    [
      'group member remove',
      () => {
        let n = 0;
        return () => ({ method: 'PATCH', path: `/scim/v2/Groups/${s.groupId}`, body: patch([{ op: 'remove', path: `members[value eq "${s.poolIds[n++ % s.poolIds.length]}"]` }]) });
      },
    ],
  ];
}

// ---------------------------------------------------------------------------------------------
// Parts

async function compare(): Promise<void> {
  const pool = Math.ceil(USERS / 2);
  const seeded = await seedScimDesk(USERS, USERS, pool);
  const refDir = seedReference(seeded, USERS, USERS);
  console.log(`\n1. Side by side: ${USERS} users, a group of ${USERS} (+ a pool of ${pool} the member workloads add and remove), ${CONNECTIONS} connections, ${DURATION} s each`);
  console.log('req/s, latency p50/p99 in ms, and the server\'s CPU time per request in µs (steadier than req/s on a shared machine)');
  console.log(`${'workload'.padEnd(30)} ${pad('ScimDesk', 9)} ${pad('p50', 5)} ${pad('p99', 5)} ${pad('cpu', 5)}   ${pad('reference', 9)} ${pad('p50', 5)} ${pad('p99', 5)} ${pad('cpu', 5)}   ratio`);
  const scim = await startScimDesk(seeded.dataDir);
  const ref = await startReference(refDir, seeded.token);
  try {
    for (const [name, make] of workloads(seeded, USERS)) {
      // Each server first runs the workload unmeasured for WARMUP s: a server runs for months,
      // and a fresh process's first seconds (the JIT compiling the path) are not its speed.
      const a = await warmThenLoad(scim, seeded.token, make());
      const b = await warmThenLoad(ref, seeded.token, make());
      const flag = a.errors || b.errors ? `   (${a.errors}/${b.errors} errors)` : '';
      console.log(`${name.padEnd(30)} ${pad(a.rps, 9)} ${pad(a.p50, 5)} ${pad(a.p99, 5)} ${pad(a.cpuUs, 5)}   ${pad(b.rps, 9)} ${pad(b.p50, 5)} ${pad(b.p99, 5)} ${pad(b.cpuUs, 5)}   ${(a.rps / b.rps).toFixed(2)}${flag}`);
    }
  } finally {
    await stop(scim.child);
    await stop(ref.child);
    rmSync(seeded.dataDir, { recursive: true, force: true });
    rmSync(refDir, { recursive: true, force: true });
  }
}

async function scale(): Promise<void> {
  const seconds = Math.max(2, Math.round(DURATION / 2));
  console.log(`\n2. Flatness (${CONNECTIONS} connections, ${seconds} s each; req/s and p99 ms)`);
  // Groups first: the million-user store written just before would still be draining to disk.
  for (const members of [100, 10_000, 100_000]) {
    const s = await seedScimDesk(members, members, 5_000);
    const server = await startScimDesk(s.dataDir);
    const w = workloads(s, members);
    const add = await load(server, s.token, w[6]![1](), seconds);
    const remove = await load(server, s.token, w[7]![1](), seconds);
    console.log(`  group of ${pad(members.toLocaleString('en'), 7)}: member add ${pad(add.rps, 5)} req/s p99 ${pad(add.p99, 3)} cpu ${pad(add.cpuUs, 4)} µs | member remove ${pad(remove.rps, 5)} req/s p99 ${pad(remove.p99, 3)} cpu ${pad(remove.cpuUs, 4)} µs`);
    await stop(server.child);
    rmSync(s.dataDir, { recursive: true, force: true });
  }
  for (const users of [1_000, 100_000, 1_000_000]) {
    const t0 = performance.now();
    const s = await seedScimDesk(users, 0, 0);
    const seededIn = ((performance.now() - t0) / 1000).toFixed(1);
    const server = await startScimDesk(s.dataDir);
    const [lookup, get] = workloads(s, users);
    const a = await load(server, s.token, lookup![1](), seconds);
    const b = await load(server, s.token, get![1](), seconds);
    console.log(`  ${pad(users.toLocaleString('en'), 9)} users (seeded in ${seededIn} s): userName lookup ${pad(a.rps, 5)} req/s p99 ${pad(a.p99, 3)} cpu ${pad(a.cpuUs, 4)} µs | get by id ${pad(b.rps, 5)} req/s p99 ${pad(b.p99, 3)} cpu ${pad(b.cpuUs, 4)} µs`);
    await stop(server.child);
    rmSync(s.dataDir, { recursive: true, force: true });
  }
}

async function seed(): Promise<void> {
  const total = 100_000;
  const s = await seedScimDesk(0, 0, 0);
  const server = await startScimDesk(s.dataDir);
  try {
    console.log(`\n3. Seeding ${total.toLocaleString('en')} users through POST /Users (${CONNECTIONS} connections)…`);
    const t0 = performance.now();
    let n = 0;
    const result = await autocannon({
      url: server.base,
      connections: CONNECTIONS,
      amount: total,
      headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/scim+json; charset=utf-8' },
      requests: [{ setupRequest: (req: any) => ({ ...req, method: 'POST', path: '/scim/v2/Users', body: JSON.stringify(userBody(n++)) }) }],
    });
    const seconds = (performance.now() - t0) / 1000;
    console.log(`  ${result.requests.total} creates in ${seconds.toFixed(1)} s (${Math.round(result.requests.total / seconds)} req/s, p99 ${result.latency.p99} ms, ${result.non2xx + result.errors} non-2xx/errors)`);
    await new Promise((r) => setTimeout(r, 3000));
    console.log(`  RSS of the server 3 s after that import: ${rssMb(server.child.pid!)} MB`);
  } finally {
    await stop(server.child);
    rmSync(s.dataDir, { recursive: true, force: true });
  }
}

async function start(): Promise<void> {
  const s = await seedScimDesk(100_000, 0, 0);
  try {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const server = await startScimDesk(s.dataDir);
      const res = await fetch(`${server.base}/scim/v2/Users?count=1`, { headers: { authorization: `Bearer ${s.token}` } });
      await res.arrayBuffer();
      times.push(performance.now() - t0);
      await stop(server.child);
    }
    times.sort((a, b) => a - b);
    console.log(`\n4. Cold start with 100,000 users (process start → first SCIM answer): median ${times[2]!.toFixed(0)} ms (${times.map((t) => t.toFixed(0)).join(', ')})`);
    // Idle: a server started on the 100 000-user store, asked a few hundred lookups, then left alone.
    const server = await startScimDesk(s.dataDir);
    for (let i = 0; i < 300; i++) {
      const res = await fetch(`${server.base}/scim/v2/Users?filter=${encodeURIComponent(`userName eq "user${Math.floor(Math.random() * 100_000)}@bench.example"`)}`, { headers: { authorization: `Bearer ${s.token}` } });
      await res.arrayBuffer();
    }
    await new Promise((r) => setTimeout(r, 3000));
    console.log(`   idle RSS with 100,000 users (started, 300 lookups, then 3 s idle): ${rssMb(server.child.pid!)} MB`);
    await stop(server.child);
  } finally {
    rmSync(s.dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${cpus().length} cores; servers run as separate processes, autocannon in this one`);
  if (PARTS.has('compare')) await compare();
  if (PARTS.has('scale')) await scale();
  if (PARTS.has('seed')) await seed();
  if (PARTS.has('start')) await start();
}

try {
  await main();
} finally {
  for (const child of children) child.kill('SIGKILL');
}
