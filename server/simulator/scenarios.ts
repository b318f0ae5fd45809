/**
 * The scenarios: what Okta and Entra ID send, in their order, with their exact shapes (see
 * server/scim/IDP-REQUESTS.md). Okta's shapes for the Okta connection and Entra's for Entra,
 * except entra-cycle, which is Entra's by definition. The users the import creates are the
 * ones update and offboard work on; a scenario run alone creates the few it needs first.
 */
import type { ConnectionName } from '../../contract/connections';
import type { SimulationScenario } from '../../contract/choices';
import { entraAddMembers, entraDisable, entraEnable, entraRemoveMembers, entraReplaceWorkEmail, entraSetManager, entraUser } from './idp/entra';
import { oktaAddMembers, oktaDeactivate, oktaExistsQuery, oktaGroup, oktaReactivate, oktaRemoveMember, oktaRename, oktaReplaceMembers, oktaUser } from './idp/okta';
import { ENTERPRISE, GROUP_SCHEMA, LIST_RESPONSE, USER_SCHEMA, patchOp } from './idp/shapes';
import { type SimulatedPerson, person } from './names';
import type { Run } from './run';

export interface ScenarioContext {
  readonly run: Run;
  readonly connection: ConnectionName;
  /** This run's id, in every name it makes. */
  readonly runId: string;
  /** Users the import creates. */
  readonly users: number;
  /** Users created so far and not deleted (update and offboard take theirs from here). */
  readonly pool: { id: string; person: SimulatedPerson }[];
  /** The next person's number. */
  next: number;
}

type Json = Record<string, unknown>;
const enc = encodeURIComponent;
const listOk = (total: number | null) => (b: Json) =>
  [
    ['totalResults, startIndex, itemsPerPage integers', Number.isInteger(b['totalResults']) && Number.isInteger(b['startIndex']) && Number.isInteger(b['itemsPerPage'] ?? 0)],
    ['Resources array', Array.isArray(b['Resources'] ?? [])],
    ...(total === null ? [] : [[`totalResults ${total}`, b['totalResults'] === total] as const]),
  ] as const;

function userBody(c: ScenarioContext, p: SimulatedPerson): Json {
  const names = { name: { givenName: p.givenName, familyName: p.familyName }, displayName: `${p.givenName} ${p.familyName}` };
  if (c.connection === 'entra') return entraUser(p.userName, p.externalId, { ...names, name: { ...names.name, formatted: names.displayName } });
  return oktaUser(p.userName, { ...names, externalId: p.externalId });
}

/** Okta's and Entra's existence check before a create: nobody by that userName. */
async function lookup(c: ScenarioContext, scenario: SimulationScenario, p: SimulatedPerson): Promise<void> {
  const path = c.connection === 'entra' ? `/Users?filter=${enc(`userName eq "${p.userName}"`)}` : oktaExistsQuery(p.userName);
  await c.run.step(scenario, `Look up ${p.userName}`, 'GET', path, undefined, { status: [200], schema: LIST_RESPONSE, also: listOk(0) });
}

async function createUser(c: ScenarioContext, scenario: SimulationScenario): Promise<{ id: string; person: SimulatedPerson }> {
  const p = person(c.runId, c.next++);
  await lookup(c, scenario, p);
  const body = await c.run.step(scenario, `Create user ${p.userName}`, 'POST', '/Users', userBody(c, p), { status: [201], schema: USER_SCHEMA, userName: p.userName, created: 'Users' });
  const user = { id: body['id'] as string, person: p };
  c.pool.push(user);
  return user;
}

/** At least `n` users in the pool (a scenario run alone creates its own). */
async function ensureUsers(c: ScenarioContext, scenario: SimulationScenario, n: number): Promise<void> {
  while (c.pool.length < n) await createUser(c, scenario);
}

const activeIs = (value: boolean) => (b: Json) => [[`active ${value}`, b['active'] === value]] as const;

async function setActive(c: ScenarioContext, scenario: SimulationScenario, u: { id: string; person: SimulatedPerson }, active: boolean): Promise<void> {
  const body = c.connection === 'entra' ? (active ? entraEnable : entraDisable) : active ? oktaReactivate : oktaDeactivate;
  await c.run.step(scenario, `${active ? 'Reactivate' : 'Deactivate'} ${u.person.userName}`, 'PATCH', `/Users/${u.id}`, body, { status: [200, 204], id: u.id, also: activeIs(active) });
}

const SCENARIOS: Record<SimulationScenario, (c: ScenarioContext) => Promise<void>> = {
  /** Okta's "Test API Credentials" (Entra's Test Connection: a random GUID looked up, an empty list). */
  async 'test-credentials'(c) {
    const s = 'test-credentials';
    if (c.connection === 'entra') {
      const guid = crypto.randomUUID();
      await c.run.step(s, 'Test Connection: look up a random userName', 'GET', `/Users?filter=${enc(`userName eq "${guid}"`)}`, undefined, { status: [200], schema: LIST_RESPONSE, also: listOk(0) });
      return;
    }
    await c.run.step(s, 'Test API Credentials: list users', 'GET', '/Users?startIndex=1&count=2', undefined, { status: [200], schema: LIST_RESPONSE, also: listOk(null) });
    await c.run.step(s, 'Test API Credentials: list groups', 'GET', '/Groups?startIndex=1&count=100', undefined, { status: [200], schema: LIST_RESPONSE, also: listOk(null) });
    const nobody = `nobody.${c.runId}@scimdesk-sim.example`;
    await c.run.step(s, 'Test API Credentials: look up a userName', 'GET', `/Users?filter=${enc(`userName eq "${nobody}"`)}&startIndex=1&count=2`, undefined, { status: [200], schema: LIST_RESPONSE, also: listOk(0) });
  },

  async import(c) {
    for (let i = 0; i < c.users; i++) await createUser(c, 'import');
  },

  /** Profile updates (Okta: GET then the whole user PUT; Entra: PATCH), then deactivate and reactivate. */
  async update(c) {
    const s = 'update';
    await ensureUsers(c, s, 2);
    for (const u of c.pool.slice(0, 2)) {
      const title = `Engineer ${c.runId}`;
      if (c.connection === 'entra') {
        await c.run.step(s, `Update ${u.person.userName}`, 'PATCH', `/Users/${u.id}`, patchOp({ op: 'Replace', path: 'title', value: title }), { status: [200, 204], id: u.id, also: (b) => [['title', b['title'] === title]] });
      } else {
        await c.run.step(s, `Read ${u.person.userName}`, 'GET', `/Users/${u.id}`, undefined, { status: [200], schema: USER_SCHEMA, id: u.id, userName: u.person.userName });
        const body = { ...userBody(c, u.person), id: u.id, title };
        await c.run.step(s, `Update ${u.person.userName}`, 'PUT', `/Users/${u.id}`, body, { status: [200], schema: USER_SCHEMA, id: u.id, userName: u.person.userName, also: (b) => [['title', b['title'] === title]] });
      }
      await setActive(c, s, u, false);
      await setActive(c, s, u, true);
    }
  },

  /** A group pushed: created, renamed, members added and removed, the whole list replaced, deleted. */
  async 'push-groups'(c) {
    const s = 'push-groups';
    await ensureUsers(c, s, 3);
    const [a, b, d] = c.pool as [ScenarioContext['pool'][0], ScenarioContext['pool'][0], ScenarioContext['pool'][0]];
    const name = `Simulated ${c.runId} Engineering`;
    const lookupPath = `/Groups?filter=${enc(`displayName eq "${name}"`)}${c.connection === 'entra' ? '&excludedAttributes=members' : '&startIndex=1&count=100'}`;
    await c.run.step(s, `Look up group ${name}`, 'GET', lookupPath, undefined, { status: [200], schema: LIST_RESPONSE, also: listOk(0) });
    const created = await c.run.step(s, `Create group ${name}`, 'POST', '/Groups', oktaGroup(name), { status: [201], schema: GROUP_SCHEMA, displayName: name, created: 'Groups' });
    const id = created['id'] as string;
    const renamed = `Simulated ${c.runId} R&D`;
    const rename = c.connection === 'entra' ? patchOp({ op: 'Replace', path: 'displayName', value: renamed }) : patchOp(oktaRename(id, renamed));
    await c.run.step(s, `Rename group to ${renamed}`, 'PATCH', `/Groups/${id}`, rename, { status: [200, 204] });
    const member = (u: typeof a) => ({ value: u.id, display: u.person.userName });
    const add = c.connection === 'entra' ? entraAddMembers(a.id, b.id) : patchOp(oktaAddMembers([member(a), member(b)]));
    await c.run.step(s, 'Add 2 members', 'PATCH', `/Groups/${id}`, add, { status: [200, 204] });
    const remove = c.connection === 'entra' ? entraRemoveMembers(a.id) : patchOp(oktaRemoveMember(a.id));
    await c.run.step(s, 'Remove 1 member', 'PATCH', `/Groups/${id}`, remove, { status: [200, 204] });
    await c.run.step(s, 'Replace the members', 'PATCH', `/Groups/${id}`, patchOp(oktaReplaceMembers([member(d)])), { status: [200, 204] });
    const ids = (g: Json) => ((g['members'] as { value: string }[] | undefined) ?? []).map((m) => m.value).join(',');
    await c.run.step(s, `Read group ${renamed}`, 'GET', `/Groups/${id}`, undefined, { status: [200], schema: GROUP_SCHEMA, id, displayName: renamed, also: (g) => [['members', ids(g) === d.id]] });
    await c.run.step(s, `Delete group ${renamed}`, 'DELETE', `/Groups/${id}`, undefined, { status: [204] });
    await c.run.step(s, `Read deleted group ${renamed}`, 'GET', `/Groups/${id}`, undefined, { status: [404] });
  },

  /** Entra's own forms: capitalised ops, "False", the manager as a bare id, the value-path email. */
  async 'entra-cycle'(c) {
    const s = 'entra-cycle';
    const manager = person(c.runId, c.next++);
    const subject = person(c.runId, c.next++);
    const created: Record<string, string> = {};
    for (const p of [manager, subject]) {
      await c.run.step(s, `Look up ${p.userName}`, 'GET', `/Users?filter=${enc(`userName eq "${p.userName}"`)}`, undefined, { status: [200], schema: LIST_RESPONSE, also: listOk(0) });
      const body = entraUser(p.userName, p.externalId, { displayName: `${p.givenName} ${p.familyName}`, name: { givenName: p.givenName, familyName: p.familyName, formatted: `${p.givenName} ${p.familyName}` } });
      const answer = await c.run.step(s, `Create user ${p.userName}`, 'POST', '/Users', body, { status: [201], schema: ENTERPRISE, userName: p.userName, created: 'Users' });
      created[p.userName] = answer['id'] as string;
    }
    const id = created[subject.userName]!;
    const email = `moved.${subject.userName}`;
    const workEmail = (b: Json) => ((b['emails'] as { type?: string; value?: string }[] | undefined) ?? []).find((e) => e.type === 'work')?.value;
    await c.run.step(s, 'Replace the work email (value path)', 'PATCH', `/Users/${id}`, entraReplaceWorkEmail(email), { status: [200, 204], id, also: (b) => [['work email', workEmail(b) === email]] });
    const managerOf = (b: Json) => ((b[ENTERPRISE] as Json | undefined)?.['manager'] as Json | undefined)?.['value'];
    await c.run.step(s, 'Set the manager (bare id)', 'PATCH', `/Users/${id}`, entraSetManager(created[manager.userName]!), { status: [200, 204], id, also: (b) => [['manager', managerOf(b) === created[manager.userName]]] });
    await c.run.step(s, 'Disable with "False"', 'PATCH', `/Users/${id}`, entraDisable, { status: [200, 204], id, also: activeIs(false) });
    await c.run.step(s, 'Enable with "True"', 'PATCH', `/Users/${id}`, entraEnable, { status: [200, 204], id, also: activeIs(true) });
    await c.run.step(s, `Delete ${subject.userName}`, 'DELETE', `/Users/${id}`, undefined, { status: [204] });
    c.pool.push({ id: created[manager.userName]!, person: manager });
  },

  /** Deactivate, then delete (the last user of the pool; the import's others stay for a look). */
  async offboard(c) {
    const s = 'offboard';
    await ensureUsers(c, s, 1);
    const u = c.pool.pop()!;
    await setActive(c, s, u, false);
    await c.run.step(s, `Delete ${u.person.userName}`, 'DELETE', `/Users/${u.id}`, undefined, { status: [204] });
    await c.run.step(s, `Read deleted ${u.person.userName}`, 'GET', `/Users/${u.id}`, undefined, { status: [404] });
  },
};

export function runScenario(scenario: SimulationScenario, context: ScenarioContext): Promise<void> {
  return SCENARIOS[scenario](context);
}
