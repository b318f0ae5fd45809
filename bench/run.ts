/**
 * `npm run bench`: SCIM workloads against a real listening ScimDesk server (the headless CLI's
 * `serve`, in its own process) over loopback, driven by autocannon. Prints req/s and latency
 * percentiles per workload. A benchmark, not a test: it asserts nothing.
 *
 * Environment: BENCH_USERS (default 10000), BENCH_DURATION seconds per workload (default 5),
 * BENCH_CONNECTIONS (default 16).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Core } from '../server/runtime';
import { FileSecretStore } from '../server/secrets/file-store';

const USERS = Number(process.env['BENCH_USERS'] ?? 10_000);
const DURATION = Number(process.env['BENCH_DURATION'] ?? 5);
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 16);
const ROOT = join(import.meta.dirname, '..');

/** Users outside the group, which the member-add workload adds (and member-remove takes out again). */
const POOL = Math.ceil(USERS / 2);

interface Seeded {
  readonly token: string;
  readonly userIds: string[];
  readonly poolIds: string[];
  readonly groupId: string;
}

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

/** Seeds users and one group holding all of them, directly through the core (not timed). */
async function seed(dataDir: string): Promise<Seeded> {
  const core = new Core({ dataDir, secretStore: new FileSecretStore(dataDir) });
  try {
    const { token } = await core.connections.setEnabled('okta', true);
    const userIds: string[] = [];
    const poolIds: string[] = [];
    const insertAll = core.db.transaction(() => {
      for (let i = 0; i < USERS; i++) userIds.push(core.directory.create('User', userBody(i), 'okta').id);
      for (let i = 0; i < POOL; i++) poolIds.push(core.directory.create('User', userBody(`pool${i}`), 'okta').id);
    });
    insertAll();
    const group = core.directory.create(
      'Group',
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Everyone', members: userIds.map((value) => ({ value })) },
      'okta',
    );
    return { token: token!, userIds, poolIds, groupId: group.id };
  } finally {
    core.close();
  }
}

async function startServer(dataDir: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'serve', '--data-dir', dataDir, '--secret-store', 'file', '--port', '0', '--log-level', 'warn'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(`${m[1]}/scim/v2`);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  return { child, base };
}

interface Row {
  readonly workload: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

type Setup = (req: { method?: string; path?: string; body?: string }) => { method: string; path: string; body?: string };

async function run(name: string, base: string, token: string, setup: Setup): Promise<Row> {
  const url = new URL(base);
  const result = await autocannon({
    url: `${url.protocol}//${url.host}`,
    connections: CONNECTIONS,
    duration: DURATION,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json; charset=utf-8', accept: 'application/scim+json' },
    requests: [{ setupRequest: (req: any) => ({ ...req, ...setup(req) }) }],
  });
  return {
    workload: name,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-bench-'));
  let child: ChildProcess | undefined;
  try {
    process.stdout.write(`Seeding ${USERS + POOL} users and a group of ${USERS} of them… `);
    const t0 = performance.now();
    const { token, userIds, poolIds, groupId } = await seed(dataDir);
    process.stdout.write(`${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const server = await startServer(dataDir);
    child = server.child;
    const base = server.base;
    const prefix = new URL(base).pathname;
    console.log(`Server ${base}; ${CONNECTIONS} connections, ${DURATION} s per workload; node ${process.version}, ${cpus().length} cores\n`);

    let created = 0;
    let added = 0;
    let removed = 0;
    let flip = false;
    const rows: Row[] = [];
    const workloads: [string, Setup][] = [
      ['userName lookup (filter eq)', () => ({ method: 'GET', path: `${prefix}/Users?filter=${encodeURIComponent(`userName eq "USER${Math.floor(Math.random() * USERS)}@bench.example"`)}` })],
      ['get user by id', () => ({ method: 'GET', path: `${prefix}/Users/${pick(userIds)}` })],
      ['page of 100 users', () => ({ method: 'GET', path: `${prefix}/Users?startIndex=${1 + Math.floor(Math.random() * (USERS - 100))}&count=100` })],
      ['create user (POST)', () => ({ method: 'POST', path: `${prefix}/Users`, body: JSON.stringify(userBody(`new${created++}`)) })],
      ['replace user (PUT)', () => {
        const i = Math.floor(Math.random() * USERS);
        return { method: 'PUT', path: `${prefix}/Users/${userIds[i]}`, body: JSON.stringify({ ...userBody(i), title: `Title ${Math.random()}` }) };
      }],
      ['deactivate user (PATCH)', () => {
        flip = !flip;
        return { method: 'PATCH', path: `${prefix}/Users/${pick(userIds)}`, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: flip } }] }) };
      }],
      // The group holds USERS members; adds bring in pool users (up to USERS + POOL), removes take them out again.
      [`group member add (group of ${USERS}+)`, () => {
        const id = poolIds[added++ % POOL]!;
        return { method: 'PATCH', path: `${prefix}/Groups/${groupId}`, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: [{ value: id, display: 'x' }] }] }) };
      }],
      [`group member remove (group of ${USERS}+)`, () => {
        const id = poolIds[removed++ % POOL]!;
        return { method: 'PATCH', path: `${prefix}/Groups/${groupId}`, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'remove', path: `members[value eq "${id}"]` }] }) };
      }],
    ];
    for (const [name, setup] of workloads) {
      const row = await run(name, base, token, setup);
      rows.push(row);
      console.log(`${name.padEnd(38)} ${String(row.rps).padStart(7)} req/s   p50 ${String(row.p50).padStart(4)} ms   p99 ${String(row.p99).padStart(4)} ms${row.errors ? `   ${row.errors} errors/non-2xx` : ''}`);
    }
  } finally {
    child?.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
