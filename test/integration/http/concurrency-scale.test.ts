/**
 * Concurrency at scale over real HTTP: 500 racing creates of one userName give exactly one
 * user, and membership PATCHes on one group fired from 20 clients, each on its own keep-alive
 * connection, in Okta's and Entra's forms, lose no member change.
 */
import { Agent, type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oktaAddMembers, oktaGroup, oktaRemoveMember, oktaRename, oktaUser } from '../../../tools/idp/okta';
import { ERROR_SCHEMA, OKTA_HEADERS, type ScimClient, patchOp } from '../../../tools/scim-client';
import { type TestServer, startTestServer } from '../../support/scim-server';

let t: TestServer;
let okta: ScimClient;

beforeAll(async () => {
  t = await startTestServer({ secrets: 'file' });
  okta = t.client('okta');
});
afterAll(async () => t?.stop());

/** The i-th case variant of a name: each letter's case from a bit of a mix of i and its position. */
function caseVariant(name: string, i: number): string {
  return [...name].map((ch, pos) => ((((i * 2654435761) >>> (pos % 29)) ^ (pos * 7)) & 1 ? ch.toUpperCase() : ch.toLowerCase())).join('');
}

interface HttpAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: any;
  /** Local port of the TCP connection the request went over. */
  readonly localPort: number;
}

/**
 * A SCIM client with its own keep-alive connection (one socket, requests queue on it), so that
 * several of them are really separate HTTP connections to the server.
 */
class ConnectionClient {
  readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  readonly localPorts = new Set<number>();
  private readonly url: URL;

  constructor(
    base: string,
    private readonly authorization: string,
    private readonly headers: Record<string, string>,
  ) {
    this.url = new URL(base);
  }

  request(method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: this.url.hostname,
          port: this.url.port,
          path: `${this.url.pathname}${path}`,
          method,
          agent: this.agent,
          headers: {
            ...this.headers,
            authorization: this.authorization,
            ...(payload !== undefined ? { 'content-length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const localPort = res.socket.localPort ?? -1;
          this.localPorts.add(localPort);
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('error', reject);
          res.on('end', () => {
            let parsed: unknown;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              parsed = text;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, localPort });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Entra ID's way to remove members: path "members" and the ids in the value. */
const entraRemoveMembers = (ids: readonly string[]) => ({ op: 'Remove', path: 'members', value: ids.map((value) => ({ value })) });
const ENTRA_HEADERS = { 'user-agent': 'Azure-AD-SCIM-Provisioning', accept: 'application/scim+json', 'content-type': 'application/scim+json' };

describe('racing creates at scale', () => {
  it('500 concurrent POST /Users of one userName in varying case → exactly one 201, 499 409 uniqueness, one user stored', async () => {
    const base = 'scale.race.condition.test@example.com';
    const names = Array.from({ length: 500 }, (_, i) => (i === 0 ? base : caseVariant(base, i)));
    expect(new Set(names).size).toBeGreaterThan(400); // really varying case
    const results = await Promise.all(names.map((name, i) => okta.post('/Users', oktaUser(name, { externalId: `scale-race-${i}` }))));

    const statuses = new Map<number, number>();
    for (const r of results) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    expect(Object.fromEntries(statuses)).toEqual({ 201: 1, 409: 499 });
    for (const r of results.filter((x) => x.status === 409)) {
      expect(r.headers.get('content-type')).toMatch(/^application\/scim\+json/);
      expect(r.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '409', scimType: 'uniqueness' });
    }

    const winnerIndex = results.findIndex((r) => r.status === 201);
    const winner = results[winnerIndex]!.body;
    expect(winner.userName).toBe(names[winnerIndex]);
    expect(winner.externalId).toBe(`scale-race-${winnerIndex}`);
    const list = await okta.get(`/Users?filter=${encodeURIComponent(`userName eq "${base.toUpperCase()}"`)}`);
    expect(list.body.totalResults).toBe(1);
    expect(list.body.Resources[0]).toMatchObject({ id: winner.id, userName: winner.userName, externalId: `scale-race-${winnerIndex}` });
    expect((await okta.get(`/Users/${winner.id}`)).body).toMatchObject({ id: winner.id, userName: names[winnerIndex] });
    expect(t.core.directory.counts().users).toBe(1);
  });
});

describe('concurrent membership PATCHes on one group', () => {
  const CLIENTS = 20;
  const USERS_PER_CLIENT = 20;
  const ADD_BATCH = 5;
  const clients: ConnectionClient[] = [];

  afterAll(() => {
    for (const c of clients) c.close();
  });

  it('20 clients on separate connections add and remove members concurrently (Okta and Entra forms): no change is lost, the version counts every change', async () => {
    // 400 users, created over HTTP; then the group.
    const userIds: string[] = new Array(CLIENTS * USERS_PER_CLIENT);
    const indexes = Array.from({ length: userIds.length }, (_, i) => i);
    for (let at = 0; at < indexes.length; at += 25) {
      await Promise.all(
        indexes.slice(at, at + 25).map(async (i) => {
          const res = await okta.post('/Users', oktaUser(`member.${i}@example.com`, { externalId: `member-${i}`, displayName: `Member ${i}` }));
          expect(res.status).toBe(201);
          userIds[i] = res.body.id;
        }),
      );
    }
    const displayName = 'Scale Members';
    const created = await okta.post('/Groups', oktaGroup(displayName));
    expect(created.status).toBe(201);
    const groupId: string = created.body.id;
    const startVersion = created.body.meta.version;
    expect(startVersion).toBe('W/"1"');

    for (let c = 0; c < CLIENTS; c++) {
      const entra = c % 2 === 1;
      clients.push(new ConnectionClient(t.base, `Bearer ${t.tokens[entra ? 'entra' : 'okta']}`, entra ? ENTRA_HEADERS : OKTA_HEADERS));
    }

    // Each client: its 20 users added in 4 Okta-style PATCHes (the rename op with each), then 5 of
    // them removed in 3 PATCHes: Okta's members[value eq "…"] (two ops in one PATCH, then one),
    // and Entra's {"op":"Remove","path":"members","value":[…]} with two ids. Then one Entra
    // remove of an id no longer a member: a PATCH that changes nothing.
    const expectedMembers = new Set<string>();
    const patch = (client: ConnectionClient, body: unknown) => client.request('PATCH', `/Groups/${groupId}`, body);
    let changingPatches = 0;
    const runClient = async (c: number): Promise<HttpAnswer[]> => {
      const client = clients[c]!;
      const own = userIds.slice(c * USERS_PER_CLIENT, (c + 1) * USERS_PER_CLIENT);
      const members = own.map((id, k) => ({ value: id, display: `member.${c * USERS_PER_CLIENT + k}@example.com` }));
      const answers: HttpAnswer[] = [];
      // Adds: all 4 PATCHes issued at once (they queue on the client's one connection).
      const adds: Promise<HttpAnswer>[] = [];
      for (let k = 0; k < USERS_PER_CLIENT; k += ADD_BATCH) adds.push(patch(client, patchOp(oktaRename(groupId, displayName), oktaAddMembers(members.slice(k, k + ADD_BATCH)))));
      answers.push(...(await Promise.all(adds)));
      // Removes, once the adds were answered.
      const [r1, r2, r3, r4, r5] = [own[1]!, own[6]!, own[11]!, own[16]!, own[19]!];
      answers.push(
        ...(await Promise.all([
          patch(client, patchOp(oktaRename(groupId, displayName), oktaRemoveMember(r1), oktaRemoveMember(r2))),
          patch(client, patchOp(oktaRename(groupId, displayName), oktaRemoveMember(r3))),
          patch(client, patchOp(entraRemoveMembers([r4, r5]))),
        ])),
      );
      changingPatches += answers.length;
      // A remove of a member that is gone already: no change.
      answers.push(await patch(client, patchOp(entraRemoveMembers([r1]))));
      for (const id of own) if (![r1, r2, r3, r4, r5].includes(id)) expectedMembers.add(id);
      return answers;
    };
    const perClient = await Promise.all(Array.from({ length: CLIENTS }, (_, c) => runClient(c)));

    // Every PATCH succeeded, each client used exactly one connection, and they were distinct.
    const all = perClient.flat();
    expect(all).toHaveLength(CLIENTS * 8);
    const failed = all.filter((a) => a.status !== 200 && a.status !== 204).map((a) => `${a.status} ${JSON.stringify(a.body)}`);
    expect(failed).toEqual([]);
    for (const c of clients) expect(c.localPorts.size).toBe(1);
    expect(new Set(clients.flatMap((c) => [...c.localPorts])).size).toBe(CLIENTS);

    // The final membership is exactly the expected set, in SCIM and in the store.
    expect(expectedMembers.size).toBe(CLIENTS * (USERS_PER_CLIENT - 5));
    const group = await okta.get(`/Groups/${groupId}`);
    expect(group.status).toBe(200);
    expect(group.body.displayName).toBe(displayName);
    const memberIds: string[] = group.body.members.map((m: { value: string }) => m.value);
    expect(memberIds).toHaveLength(expectedMembers.size);
    expect([...memberIds].sort()).toEqual([...expectedMembers].sort());
    const row = t.core.db.prepare('SELECT seq, member_count FROM groups WHERE id = ?').get(groupId) as { seq: number; member_count: number };
    expect(row.member_count).toBe(expectedMembers.size);
    expect(t.core.db.prepare('SELECT count(*) AS n FROM group_members WHERE group_seq = ?').get(row.seq)).toEqual({ n: expectedMembers.size });

    // Each user's groups agree.
    const users = await okta.get('/Users?count=1000&attributes=groups');
    expect(users.body.totalResults).toBe(userIds.length + 1); // + the race winner of the test above
    const wrongGroups: string[] = [];
    for (const u of users.body.Resources as { id: string; groups?: { value: string }[] }[]) {
      const groups = (u.groups ?? []).map((g) => g.value);
      const want = expectedMembers.has(u.id) ? [groupId] : [];
      if (JSON.stringify(groups) !== JSON.stringify(want)) wrongGroups.push(`${u.id}: ${JSON.stringify(groups)}`);
    }
    expect(wrongGroups).toEqual([]);

    // The version went up exactly once per PATCH that changed something, and each changing PATCH
    // was answered with its own version.
    expect(changingPatches).toBe(CLIENTS * 7);
    expect(group.body.meta.version).toBe(`W/"${1 + changingPatches}"`);
    expect(group.headers.get('etag')).toBe(`W/"${1 + changingPatches}"`);
    const changingEtags = perClient.flatMap((answers) => answers.slice(0, 7).map((a) => a.headers.etag));
    expect(new Set(changingEtags).size).toBe(changingPatches);
    const versions = changingEtags.map((e) => Number(/^W\/"(\d+)"$/.exec(String(e))?.[1])).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: changingPatches }, (_, k) => k + 2));
  });
});
