/**
 * The least work any SCIM server must do, as a yardstick for `npm run bench`: Fastify and
 * better-sqlite3, prepared statements, a bearer token checked in constant time, a users table
 * (plus the membership table the group workloads need), JSON in and out — and none of
 * ScimDesk's features: no schema validation, no filter language (one regex for `userName eq`),
 * no PATCH semantics beyond `active`, no ETags, no activity log, no case rules.
 *
 *   node --import tsx bench/reference-server.ts <dataDir> <token>
 * prints "listening on http://127.0.0.1:PORT".
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';

const [dataDir, token] = process.argv.slice(2) as [string, string];
const db = new Database(join(dataDir, 'reference.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`
  CREATE TABLE IF NOT EXISTS users (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, user_name TEXT NOT NULL UNIQUE, data TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS members (group_id TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (group_id, user_id)) WITHOUT ROWID;
`);

const expected = createHash('sha256').update(token).digest();
const byName = db.prepare<[string], { id: string; data: string }>('SELECT id, data FROM users WHERE user_name = ?');
const byId = db.prepare<[string], { id: string; data: string }>('SELECT id, data FROM users WHERE id = ?');
const page = db.prepare<[number, number], { id: string; data: string }>('SELECT id, data FROM users ORDER BY seq LIMIT ? OFFSET ?');
const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users');
const insert = db.prepare<[string, string, string]>('INSERT INTO users (id, user_name, data) VALUES (?, ?, ?)');
const update = db.prepare<[string, string]>('UPDATE users SET data = ? WHERE id = ?');
const addMember = db.prepare<[string, string]>('INSERT OR IGNORE INTO members (group_id, user_id) VALUES (?, ?)');
const removeMember = db.prepare<[string, string]>('DELETE FROM members WHERE group_id = ? AND user_id = ?');

const app = Fastify({ logger: false });
app.addContentTypeParser('application/scim+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));

app.addHook('onRequest', async (req, reply) => {
  const presented = createHash('sha256').update((req.headers.authorization ?? '').replace(/^Bearer /i, '')).digest();
  if (!timingSafeEqual(presented, expected)) return reply.code(401).send({ status: '401' });
});

const resource = (row: { id: string; data: string }): unknown => ({ ...JSON.parse(row.data), id: row.id });

app.get('/scim/v2/Users', async (req) => {
  const q = req.query as Record<string, string>;
  const m = /^userName eq "(.*)"$/.exec(q['filter'] ?? '');
  if (m) {
    const row = byName.get(m[1]!);
    return { totalResults: row ? 1 : 0, Resources: row ? [resource(row)] : [] };
  }
  const start = Math.max(1, Number(q['startIndex'] ?? 1));
  const rows = page.all(Number(q['count'] ?? 100), start - 1);
  return { totalResults: count.get()!.n, startIndex: start, itemsPerPage: rows.length, Resources: rows.map(resource) };
});

app.get('/scim/v2/Users/:id', async (req, reply) => {
  const row = byId.get((req.params as { id: string }).id);
  return row ? resource(row) : reply.code(404).send({ status: '404' });
});

app.post('/scim/v2/Users', async (req, reply) => {
  const body = req.body as { userName: string };
  const id = randomUUID();
  try {
    insert.run(id, body.userName, JSON.stringify(body));
  } catch {
    return reply.code(409).send({ status: '409' });
  }
  return reply.code(201).send({ ...body, id });
});

app.put('/scim/v2/Users/:id', async (req, reply) => {
  const { id } = req.params as { id: string };
  const info = update.run(JSON.stringify(req.body), id);
  return info.changes ? { ...(req.body as object), id } : reply.code(404).send({ status: '404' });
});

app.patch('/scim/v2/Users/:id', async (req, reply) => {
  const { id } = req.params as { id: string };
  const row = byId.get(id);
  if (!row) return reply.code(404).send({ status: '404' });
  const data = JSON.parse(row.data) as Record<string, unknown>;
  const ops = (req.body as { Operations: { value: { active?: boolean } }[] }).Operations;
  for (const op of ops) if (op.value?.active !== undefined) data['active'] = op.value.active;
  update.run(JSON.stringify(data), id);
  return { ...data, id };
});

app.patch('/scim/v2/Groups/:id', async (req, reply) => {
  const { id } = req.params as { id: string };
  for (const op of (req.body as { Operations: { op: string; path: string; value?: { value: string }[] }[] }).Operations) {
    if (op.op === 'add') for (const m of op.value ?? []) addMember.run(id, m.value);
    const removed = /^members\[value eq "(.*)"\]$/.exec(op.path ?? '');
    if (op.op === 'remove' && removed) removeMember.run(id, removed[1]!);
  }
  return reply.code(204).send();
});

await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening on http://127.0.0.1:${(app.server.address() as { port: number }).port}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
