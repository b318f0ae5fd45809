/**
 * `npx tsx bench/costly.ts`: how long costly requests hold up everyone else at 100 000 users.
 * A real `serve` process over a directory seeded through the store (tools/costly-requests.ts);
 * for each costly request, the slowest `userName eq` lookup one client makes while it runs,
 * and what the costly request was answered. Prints numbers; asserts nothing (the test
 * test/integration/http/costly-requests.test.ts holds the 250 ms bar).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CROWDED_EMAILS, groupTerms, lookup, seedCostlyDirectory, whileLookingUp } from '../tools/costly-requests';
import { ScimClient, type ScimResponse, patchOp } from '../tools/scim-client';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function serve(dataDir: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'scimdesk.mjs'), 'serve', '--data-dir', dataDir, '--secret-store', 'file', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /SCIM base URL: (\S+)\n/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
  return { child, base };
}

const answered = (res: ScimResponse | ScimResponse[]): string =>
  (Array.isArray(res) ? res : [res]).map((r) => `${r.status}${r.body?.scimType ? ` ${r.body.scimType}` : ''}`).join(', ');

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'scimdesk-costly-bench-'));
  let child: ChildProcess | undefined;
  try {
    process.stdout.write('Seeding 100 000 users… ');
    const { token, crowded } = await seedCostlyDirectory(dataDir);
    const served = await serve(dataDir);
    child = served.child;
    const okta = new ScimClient(served.base, `Bearer ${token}`);
    for (let i = 0; i < 50; i++) await lookup(okta, i * 1999);
    console.log('serving.');
    const idle = await whileLookingUp(okta, async () => new Promise((r) => setTimeout(r, 1000)));
    console.log(`idle: slowest lookup ${idle.slowestMs.toFixed(0)} ms over ${idle.lookups} lookups`);

    const full = await okta.post('/Users', { userName: 'full@costly.example', emails: Array.from({ length: 100 }, (_, k) => ({ value: `full${k}@costly.example`, type: 'other' })) });
    const filterOps = Array.from({ length: 1000 }, (_, k) => (k < 200 ? { op: 'replace', path: `emails[value eq "full${k % 100}@costly.example"].type`, value: `t${k}` } : { op: 'replace', path: 'title', value: `T${k}` }));
    const get = (filter: string): Promise<ScimResponse> => okta.get(`/Users?count=5&filter=${encodeURIComponent(filter)}`);
    const addOps = Array.from({ length: 1000 }, (_, k) => ({ op: 'add', path: 'emails', value: [{ value: `more${k}@costly.example` }] }));
    const cases: [string, () => Promise<ScimResponse | ScimResponse[]>][] = [
      ['1 filter of 120 groups[display co] terms', () => get(groupTerms(120))],
      ['3 such filters at once', () => Promise.all([1, 2, 3].map(() => get(groupTerms(120))))],
      ['3 filters of 20 groups[display co] terms at once', () => Promise.all([1, 2, 3].map(() => get(groupTerms(20))))],
      ['emails co (every user\'s JSON)', () => get('emails co "user4242@"')],
      [`1 000-operation PATCH (add emails) on a user with ${CROWDED_EMAILS} emails`, () => okta.patch(`/Users/${crowded}`, patchOp(...addOps))],
      ['1 000-operation PATCH (200 value filters) on a user with 100 emails', () => okta.patch(`/Users/${full.body.id}`, patchOp(...filterOps))],
    ];
    for (const [name, run] of cases) {
      const m = await whileLookingUp(okta, run);
      console.log(`${name}: slowest lookup ${m.slowestMs.toFixed(0)} ms (${m.lookups} lookups); answered ${answered(m.result)}`);
    }
  } finally {
    child?.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
