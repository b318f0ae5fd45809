/**
 * Realistic demo data, provisioned the way the IdPs do it: real SCIM requests over HTTP with
 * Okta's and Entra ID's request shapes (so the activity log is realistic too): user creates,
 * group pushes, deactivations, renames, Entra's capitalised PATCHes, a duplicate and a bad token.
 */
import type { Controller } from '../server/controller/controller';
import { oktaAddMembers, oktaDeactivate, oktaGroup, oktaRename, oktaUser } from './idp/okta';
import { entraDisable, entraUser } from './idp/entra';
import { ScimClient, patchOp } from './scim-client';

const FIRST = ['Ada', 'Grace', 'Alan', 'Barbara', 'Edsger', 'Margaret', 'Donald', 'Frances', 'Ken', 'Radia', 'Tim', 'Katherine', 'Linus', 'Hedy', 'Dennis', 'Annie', 'Guido', 'Sophie', 'Bjarne', 'Jean', 'John', 'Mary', 'Leslie', 'Shafi', 'Vint', 'Sister', 'Niklaus', 'Adele', 'James', 'Carol', 'Ivan', 'Joan', 'Whitfield', 'Karen', 'Yukihiro', 'Lynn', 'Brian', 'Evelyn', 'Rob', 'Susan'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Liskov', 'Dijkstra', 'Hamilton', 'Knuth', 'Allen', 'Thompson', 'Perlman', 'Berners-Lee', 'Johnson', 'Torvalds', 'Lamarr', 'Ritchie', 'Easley', 'van Rossum', 'Wilson', 'Stroustrup', 'Sammet', 'McCarthy', 'Keller', 'Lamport', 'Goldwasser', 'Cerf', 'Wirth', 'Goldberg', 'Gosling', 'Shaw', 'Sutherland', 'Clarke', 'Diffie', 'Spärck Jones', 'Matsumoto', 'Conway', 'Kernighan', 'Berezin', 'Pike', 'Kare', 'Bachman'];
const DEPARTMENTS = ['Engineering', 'Sales', 'Support', 'Finance', 'Marketing', 'People', 'Security', 'Legal', 'Product', 'Operations'];
const REGIONS = ['EMEA', 'Americas', 'APAC'];
const TITLES = ['Engineer', 'Senior Engineer', 'Manager', 'Director', 'Analyst', 'Specialist', 'Lead', 'Associate'];
/** The Asia-Pacific offices name their groups in their own scripts (the panel must render them). */
const LOCAL_GROUPS = ['開発部 東京', '営業部 大阪', '技术部 上海', '销售部 北京', '研發部 台北', '개발팀 서울', '인사팀 부산'];

export interface Seeded {
  readonly oktaToken: string;
  readonly entraToken: string;
  readonly userIds: string[];
  readonly groupIds: string[];
  readonly sampleUserId: string;
  readonly sampleGroupId: string;
}

/** A deterministic pseudo-random sequence, so every run shows the same data. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function inBatches<T>(items: readonly T[], size: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map((item, j) => fn(item, i + j)));
}

function expectOk(res: { status: number; text: string }, what: string): void {
  if (res.status >= 300) throw new Error(`${what}: HTTP ${res.status} ${res.text}`);
}

/**
 * `count` distinct group names, drawn like a real tenant's: department × region, bare departments,
 * numbered teams and some local-script names. The random draws repeat after ~140 names, so a draw
 * that is taken becomes that department's next free team number: any count finishes.
 */
function groupNames(count: number, random: () => number): string[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const names = new Set<string>();
  const nextTeam = new Map<string, number>();
  while (names.size < count) {
    const department = pick(DEPARTMENTS);
    const kind = random();
    let name =
      kind < 0.05 ? pick(LOCAL_GROUPS) : kind < 0.6 ? `${department} ${pick(REGIONS)}` : `${department}${random() < 0.5 ? '' : ` Team ${1 + Math.floor(random() * 9)}`}`;
    for (let n = nextTeam.get(department) ?? 10; names.has(name); n++) {
      name = `${department} Team ${n}`;
      nextTeam.set(department, n + 1);
    }
    names.add(name);
  }
  return [...names];
}

export async function seedDirectory(controller: Controller, counts: { users: number; groups: number }): Promise<Seeded> {
  const random = rng(7);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const oktaToken = (await controller.core.connections.setEnabled('okta', true)).token ?? (await controller.core.connections.rotateToken('okta')).token;
  const entraToken = (await controller.core.connections.setEnabled('entra', true)).token ?? (await controller.core.connections.rotateToken('entra')).token;
  const scimUrl = controller.status().server.localUrl + '/scim/v2';
  const okta = new ScimClient(scimUrl, `Bearer ${oktaToken}`);
  const entra = new ScimClient(scimUrl, `Bearer ${entraToken}`, { 'content-type': 'application/scim+json', 'user-agent': 'Azure AD SCIM client' });

  /** Okta user ids look like 00u followed by 17 letters and digits. */
  const oktaId = (): string => `00u${Array.from({ length: 17 }, () => '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'[Math.floor(random() * 62)]).join('')}`;
  const people = Array.from({ length: counts.users }, (_, i) => {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[(i * 17 + Math.floor(i / FIRST.length)) % LAST.length]!;
    const n = Math.floor(i / (FIRST.length * LAST.length));
    const userName = `${first}.${last}${n ? n + 1 : ''}@acme.example`.toLowerCase().replace(/[ ']/g, '');
    return { first, last, userName, department: pick(DEPARTMENTS), title: pick(TITLES), viaEntra: random() < 0.25 };
  });

  const userIds: string[] = [];
  await inBatches(people, 8, async (p, i) => {
    const res = p.viaEntra
      ? await entra.post(
          '/Users',
          entraUser(p.userName, `e-${i.toString(36)}-${p.last.length}`, {
            displayName: `${p.first} ${p.last}`,
            name: { givenName: p.first, familyName: p.last, formatted: `${p.first} ${p.last}` },
            title: p.title,
            'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { employeeNumber: String(1000 + i), department: p.department },
          }),
        )
      : await okta.post(
          '/Users',
          oktaUser(p.userName, { displayName: `${p.first} ${p.last}`, name: { givenName: p.first, familyName: p.last }, title: p.title, externalId: oktaId() }),
        );
    expectOk(res, `create ${p.userName}`);
    userIds[i] = res.body.id as string;
  });

  // Okta pushes groups: lookup, create, then members in batches with the rename it always sends.
  const groupIds: string[] = [];
  const names = groupNames(counts.groups, random);
  await inBatches(names, 4, async (name, i) => {
    await okta.get(`/Groups?filter=${encodeURIComponent(`displayName eq "${name}"`)}`);
    const created = await okta.post('/Groups', oktaGroup(name));
    expectOk(created, `create group ${name}`);
    const id = created.body.id as string;
    groupIds[i] = id;
    const size = 3 + Math.floor(random() * Math.min(60, userIds.length));
    const members = Array.from({ length: size }, () => Math.floor(random() * userIds.length)).map((k) => ({ value: userIds[k]!, display: people[k]!.userName }));
    for (let start = 0; start < members.length; start += 25) {
      expectOk(await okta.patch(`/Groups/${id}`, patchOp(oktaRename(id, name), oktaAddMembers(members.slice(start, start + 25)))), `push ${name}`);
    }
  });

  // Life goes on: deactivations (Okta and Entra), a rename, an Entra manager, a duplicate, a bad token.
  for (let k = 0; k < Math.max(1, Math.floor(userIds.length / 12)); k++) {
    const i = Math.floor(random() * userIds.length);
    expectOk(await (people[i]!.viaEntra ? entra.patch(`/Users/${userIds[i]}`, entraDisable) : okta.patch(`/Users/${userIds[i]}`, oktaDeactivate)), 'deactivate');
  }
  if (groupIds[0]) await okta.patch(`/Groups/${groupIds[0]}`, patchOp(oktaRename(groupIds[0], `${names[0]} (renamed)`)));
  const entraIndex = people.findIndex((p) => p.viaEntra);
  if (entraIndex >= 0 && userIds[0]) {
    await entra.patch(`/Users/${userIds[entraIndex]}`, patchOp({ op: 'Add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: userIds[0] }, { op: 'Replace', path: 'title', value: 'Staff Engineer' }));
  }
  await okta.post('/Users', oktaUser(people[0]!.userName.toUpperCase()));
  await new ScimClient(scimUrl, 'Bearer scimdesk_an-old-token-that-was-replaced').get('/Users?startIndex=1&count=2');

  return { oktaToken, entraToken, userIds, groupIds, sampleUserId: userIds[entraIndex >= 0 ? entraIndex : 0]!, sampleGroupId: groupIds[1] ?? groupIds[0]! };
}

/**
 * `count` plain users written straight through the directory in one transaction: 100 000 in
 * seconds, where POST /Users would take minutes. For the sizes benches and tests measure at;
 * seedDirectory is the realistic (and slower) data.
 */
export function seedUsersInBulk(controller: Controller, count: number): void {
  const first = FIRST.slice(0, 10);
  controller.core.db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const f = first[i % first.length]!;
      const userName = `${f.toLowerCase()}.user${i}@bench.example`;
      controller.core.directory.create(
        'User',
        { userName, name: { givenName: f, familyName: `User${i}` }, emails: [{ value: userName, type: 'work', primary: true }], active: i % 13 !== 0 },
        'okta',
      );
    }
  })();
}
