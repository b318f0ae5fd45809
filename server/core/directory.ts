/**
 * The directory the IdPs provision: SCIM operations on users and groups over the store.
 * Each write is one immediate SQLite transaction (a failed write leaves nothing behind), or a
 * savepoint inside a group commit when it comes through commit(); listeners hear of it
 * ("directory changed") as it is made.
 */
import { randomUUID } from 'node:crypto';
import { Emitter } from '../base/emitter';
import { ScimError } from '../scim/errors';
import { type ListParams, listResponse } from '../scim/list';
import { type MemberChange, applyPatch, parsePatchRequest, splitGroupPatch, type PatchLimits, DEFAULT_PATCH_LIMITS } from '../scim/patch';
import { type Projection, includesAttribute, project } from '../scim/projection';
import { type JsonObject, type Notes, locationOf, parseResourceInput, toResource } from '../scim/resource';
import type { ResourceTypeName } from '../scim/schema';
import type { Db } from '../store/database';
import { type MemberRef, Memberships, type Sample, type Stamp } from '../store/memberships';
import { GroupCommit } from '../store/group-commit';
import type { StoreHealthTracker } from './store-health';
import { AuditTrail, type AuditInput } from '../store/audit-trail';
import { type AuditAction, type FieldChange, type MemberDelta, MEMBER_SAMPLE, auditSummary, createdFields, diffAttributes, updateAction } from '../scim/audit';
import { GROUP_TABLE, type ListQuery, type ResourceRecord, ResourceTable, USER_TABLE } from '../store/resource-table';
import type { ScanReader } from '../store/scan-reader';

export type ChangeKind = 'created' | 'updated' | 'deleted';

export interface DirectoryChange {
  readonly type: ResourceTypeName;
  readonly id: string;
  readonly kind: ChangeKind;
  readonly actor: string | null;
}

export interface DirectoryEvents {
  /** A write was made (announced as it is made, inside its transaction). */
  change: DirectoryChange;
}

export interface DirectoryOptions {
  /** The SCIM base URL clients see (public URL + /scim/v2); read on every response. */
  readonly baseUrl: () => string;
  readonly patchLimits?: PatchLimits;
  /** Told of each committed or failed write (a full disk degrades the store). */
  readonly health?: StoreHealthTracker;
  /** Where lists that read every row run (off the server's thread); without it, here. */
  readonly reader?: ScanReader;
}

/** A write's outcome: the resource to answer with (undefined → 204), its version, what was normalised. */
export interface WriteResult {
  readonly id: string;
  readonly resource?: JsonObject;
  readonly version: number;
  readonly location: string;
  readonly notes: Notes;
  /** What the write changed (also in the audit trail); null when it changed nothing. */
  readonly audit: AuditInput | null;
  /** The userName or displayName the write was about. */
  readonly target: string;
}

export interface ReadResult {
  readonly resource: JsonObject;
  readonly version: number;
}

/** Checks an If-Match header (a list of entity tags, or *) against the current version. */
export function checkIfMatch(header: string | undefined, version: number): void {
  if (header === undefined || header.trim() === '') return;
  const tags = header.split(',').map((t) => t.trim());
  if (tags.includes('*')) return;
  if (!tags.some((t) => t.replace(/^W\//, '') === `"${version}"`)) {
    throw ScimError.preconditionFailed(`The resource has changed since you read it (now W/"${version}"); read it again and retry`);
  }
}

function relationOf(type: ResourceTypeName, refs: readonly MemberRef[], baseUrl: string): JsonObject[] {
  const target: ResourceTypeName = type === 'User' ? 'Group' : 'User';
  return refs.map((r) => ({
    value: r.id,
    $ref: locationOf(target, r.id, baseUrl),
    display: r.display,
    type: type === 'User' ? 'direct' : 'User',
  }));
}

/** A membership change so far: counts, the first few users by key, and the stamp the users it moves get. */
interface MemberTally {
  added: number;
  removed: number;
  readonly addedSample: Sample;
  readonly removedSample: Sample;
  readonly stamp: Stamp;
}

const newSample = (): Sample => ({ room: MEMBER_SAMPLE, seqs: [] });
const newTally = (stamp: Stamp): MemberTally => ({ added: 0, removed: 0, addedSample: newSample(), removedSample: newSample(), stamp });

/** The name an audit entry is filed under: the userName or displayName. */
function targetOf(type: ResourceTypeName, attributes: JsonObject): string {
  const name = attributes[type === 'User' ? 'userName' : 'displayName'];
  return typeof name === 'string' ? name : '(unnamed)';
}

export class Directory {
  readonly users: ResourceTable;
  readonly groups: ResourceTable;
  readonly memberships: Memberships;
  readonly audit: AuditTrail;
  private readonly events = new Emitter<DirectoryEvents>();
  private readonly patchLimits: PatchLimits;
  /** One write transaction, built once (db.transaction() costs a few µs per call to build). */
  private readonly write: <T>(work: () => T) => T;
  private readonly commits: GroupCommit;
  /** Bumped by every write made here; with SQLite's data_version it dates the cached counts. */
  private generation = 0;
  private cachedCounts: { key: string; value: { users: number; groups: number } } | undefined;
  private readonly dataVersion;

  constructor(
    private readonly db: Db,
    private readonly options: DirectoryOptions,
  ) {
    this.users = new ResourceTable(db, USER_TABLE);
    this.groups = new ResourceTable(db, GROUP_TABLE);
    this.memberships = new Memberships(db);
    this.audit = new AuditTrail(db);
    this.patchLimits = options.patchLimits ?? DEFAULT_PATCH_LIMITS;
    // BEGIN IMMEDIATE: the write lock is taken before the first read, so two writers (the CLI
    // and the app on one file) never deadlock upgrading a read transaction.
    const tx = db.transaction((work: () => unknown) => work());
    this.write = <T>(work: () => T): T => tx.immediate(work) as T;
    this.commits = new GroupCommit(db);
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  }

  /**
   * Runs directory writes (create, replace, patch, delete) in the next group commit, shared
   * with the writes that arrived alongside (server/store/group-commit.ts); resolves once
   * committed. The HTTP routes write through here; a write called directly commits alone.
   */
  commit<T>(work: () => T): Promise<T> {
    const health = this.options.health;
    if (!health) return this.commits.run(work);
    return this.commits.run(work).then(
      (value) => {
        health.succeeded();
        return value;
      },
      (err: unknown) => {
        health.failed(err);
        throw err;
      },
    );
  }

  /** Commits the writes still queued and refuses further ones (the store is closing). */
  closeWrites(): void {
    this.commits.close();
  }

  /** Subscribe to an event; returns the unsubscribe function. */
  on<K extends keyof DirectoryEvents>(event: K, listener: (payload: DirectoryEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** A listener's failure never fails the request that changed the directory (the Emitter catches it). */
  private emit(change: DirectoryChange): void {
    this.generation++;
    this.events.emit('change', change);
  }

  private table(type: ResourceTypeName): ResourceTable {
    return type === 'User' ? this.users : this.groups;
  }

  private baseUrl(): string {
    return this.options.baseUrl();
  }

  private find(type: ResourceTypeName, id: string): ResourceRecord {
    const record = this.table(type).get(id);
    if (!record) throw ScimError.notFound(`${type} ${id} not found`);
    return record;
  }

  private render(type: ResourceTypeName, record: ResourceRecord, relations: MemberRef[] | undefined, base = this.baseUrl()): JsonObject {
    const omitted = relations === undefined || (type === 'User' && relations.length === 0);
    return toResource(
      type,
      {
        id: record.id,
        attributes: record.attributes,
        meta: { created: record.created, lastModified: record.lastModified, version: record.version },
        relations: omitted ? undefined : relationOf(type, relations, base),
      },
      base,
    );
  }

  private relationsOf(type: ResourceTypeName, seq: number): MemberRef[] {
    return type === 'User' ? this.memberships.groupsOf(seq) : this.memberships.members(seq);
  }

  private wantsRelations(type: ResourceTypeName, projection: Projection): boolean {
    return includesAttribute(type, projection, type === 'User' ? 'groups' : 'members');
  }

  private full(type: ResourceTypeName, record: ResourceRecord, projection: Projection = {}): JsonObject {
    const relations = this.wantsRelations(type, projection) ? (record.relations ?? this.relationsOf(type, record.seq)) : undefined;
    return project(type, this.render(type, record, relations), projection);
  }

  private written(type: ResourceTypeName, record: ResourceRecord, notes: Notes, audit: AuditInput | null, projection?: Projection): WriteResult {
    return {
      audit,
      target: targetOf(type, record.attributes),
      id: record.id,
      version: record.version,
      location: locationOf(type, record.id, this.baseUrl()),
      notes,
      resource: projection ? this.full(type, record, projection) : undefined,
    };
  }

  get(type: ResourceTypeName, id: string, projection: Projection = {}): ReadResult {
    const record = this.table(type).get(id, this.wantsRelations(type, projection));
    if (!record) throw ScimError.notFound(`${type} ${id} not found`);
    return { resource: this.full(type, record, projection), version: record.version };
  }

  private listQuery(type: ResourceTypeName, params: ListParams, base: string): ListQuery {
    return {
      filter: params.filter,
      sortBy: params.sortBy,
      descending: params.descending,
      offset: params.startIndex - 1,
      limit: params.count,
      baseUrl: base,
      withRelations: this.wantsRelations(type, params.projection),
    };
  }

  /** One page, read on this thread (the export's pages, and every list an index serves). */
  list(type: ResourceTypeName, params: ListParams): JsonObject {
    const base = this.baseUrl();
    const query = this.listQuery(type, params, base);
    return this.page(type, params, query, this.table(type).list(query));
  }

  /**
   * Up to `limit` resources after the one numbered `afterSeq`, as the SCIM API returns them, in
   * insertion order, and the number to continue after (null at the end): the export's pages,
   * each as cheap as the first (ResourceTable.after), however many users come before it.
   */
  exportPage(type: ResourceTypeName, afterSeq: number, limit: number): { resources: JsonObject[]; last: number | null } {
    const base = this.baseUrl();
    const records = this.table(type).after(afterSeq, limit);
    // Users bring their groups in the page query; groups' members come in one more query, as in page().
    const members = type === 'Group' && records.length ? this.memberships.membersOfMany(records.map((r) => r.seq)) : undefined;
    return {
      resources: records.map((r) => this.render(type, r, r.relations ?? members?.get(r.seq), base)),
      last: records.at(-1)?.seq ?? null,
    };
  }

  /**
   * A client's list request: answered at once when an index finds its rows (every IdP lookup),
   * otherwise read on the scan worker (server/store/scan-reader.ts) so that a search reading
   * every row never holds up the requests behind it.
   */
  search(type: ResourceTypeName, params: ListParams): JsonObject | Promise<JsonObject> {
    const reader = this.options.reader;
    const base = this.baseUrl();
    const query = this.listQuery(type, params, base);
    const table = this.table(type);
    if (!reader || !table.readsEveryRow(query)) return this.page(type, params, query, table.list(query));
    return table.listOn(reader, query).then((found) => this.page(type, params, query, found));
  }

  private page(type: ResourceTypeName, params: ListParams, query: ListQuery, found: { total: number; records: ResourceRecord[] }): JsonObject {
    const { total, records } = found;
    const wanted = query.withRelations === true;
    // Users bring their groups in the page query; groups' members come in one more query.
    const members = wanted && type === 'Group' && records.length ? this.memberships.membersOfMany(records.map((r) => r.seq)) : undefined;
    const resources = records.map((r) => project(type, this.render(type, r, wanted ? (r.relations ?? members?.get(r.seq)) : undefined, query.baseUrl), params.projection));
    return listResponse(total, params.startIndex, resources);
  }

  create(type: ResourceTypeName, body: unknown, actor: string | null, projection: Projection = {}): WriteResult {
    const notes: Notes = [];
    const input = parseResourceInput(type, body, notes);
    const now = new Date().toISOString();
    const { record, audit } = this.write(() => {
      const memberSeqs = input.members?.length ? this.memberships.resolveUsers(input.members) : [];
      const created = this.table(type).insert(randomUUID(), input.attributes, actor, now);
      const sample = newSample();
      const added = memberSeqs.length ? this.memberships.addMany(created.seq, memberSeqs, sample, { actor, now }) : 0;
      const members = added ? this.delta(added, 0, sample, newSample()) : null;
      return { record: created, audit: this.recordAudit(type, created, 'create', createdFields(input.attributes), members, actor, now) };
    });
    this.emit({ type, id: record.id, kind: 'created', actor });
    return this.written(type, record, notes, audit, projection);
  }

  /** The audit entry of a change, inserted in the change's transaction. */
  private recordAudit(type: ResourceTypeName, record: ResourceRecord, action: AuditAction, changes: readonly FieldChange[], members: MemberDelta | null, actor: string | null, now: string): AuditInput {
    const entry: AuditInput = {
      at: now,
      connection: actor,
      resourceType: type,
      resourceSeq: record.seq,
      resourceId: record.id,
      target: targetOf(type, record.attributes),
      action,
      summary: auditSummary(action, changes, members),
      changes,
      members,
    };
    this.audit.record(entry);
    return entry;
  }

  private delta(added: number, removed: number, addedSample: Sample, removedSample: Sample): MemberDelta {
    return { added, removed, addedSample: this.memberships.userNames(addedSample.seqs), removedSample: this.memberships.userNames(removedSample.seqs) };
  }

  /** A full replace of a group's members writes only the difference. */
  private replaceMembers(groupSeq: number, seqs: readonly number[], change: MemberTally): void {
    const wanted = new Set(seqs);
    const current = this.memberships.memberSeqs(groupSeq);
    const have = new Set(current);
    change.removed += this.memberships.removeMany(groupSeq, current.filter((s) => !wanted.has(s)), change.removedSample, change.stamp);
    change.added += this.memberships.addMany(groupSeq, [...wanted].filter((s) => !have.has(s)), change.addedSample, change.stamp);
  }

  replace(type: ResourceTypeName, id: string, body: unknown, actor: string | null, ifMatch: string | undefined, projection: Projection = {}): WriteResult {
    const notes: Notes = [];
    const input = parseResourceInput(type, body, notes);
    if (type === 'Group' && input.members === undefined) notes.push('members: not in the PUT body → the group is emptied (PUT replaces the whole resource)');
    const now = new Date().toISOString();
    const { record, audit } = this.write(() => {
      const current = this.find(type, id);
      checkIfMatch(ifMatch, current.version);
      const tally = newTally({ actor, now });
      if (type === 'Group') this.replaceMembers(current.seq, input.members?.length ? this.memberships.resolveUsers(input.members) : [], tally);
      const updated = this.table(type).update(current.seq, current.attributes, input.attributes, actor, now);
      const changes = diffAttributes(current.attributes, input.attributes);
      const members = tally.added || tally.removed ? this.delta(tally.added, tally.removed, tally.addedSample, tally.removedSample) : null;
      const action: AuditAction = changes.length === 0 && members ? 'members' : updateAction(changes);
      return { record: updated, audit: changes.length || members ? this.recordAudit(type, updated, action, changes, members, actor, now) : null };
    });
    this.emit({ type, id, kind: 'updated', actor });
    return this.written(type, record, notes, audit, projection);
  }

  private runMemberChanges(groupSeq: number, changes: readonly MemberChange[], stamp: Stamp): MemberTally {
    const tally = newTally(stamp);
    for (const change of changes) {
      switch (change.kind) {
        case 'add':
          tally.added += this.memberships.addMany(groupSeq, this.memberships.resolveUsers(change.ids), tally.addedSample, stamp);
          break;
        case 'remove':
          tally.removed += this.memberships.removeMany(groupSeq, this.memberships.existingUsers(change.ids), tally.removedSample, stamp);
          break;
        case 'replace':
          this.replaceMembers(groupSeq, this.memberships.resolveUsers(change.ids), tally);
          break;
        case 'removeAll':
          this.replaceMembers(groupSeq, [], tally);
          break;
      }
    }
    return tally;
  }

  /**
   * PATCH. Users answer 200 with the user. Groups answer 204 unless the client asked for
   * attributes: returning every member of a large group on each membership PATCH would make
   * its cost grow with the group.
   */
  patch(type: ResourceTypeName, id: string, body: unknown, actor: string | null, ifMatch: string | undefined, projection: Projection = {}): WriteResult {
    const notes: Notes = [];
    const ops = parsePatchRequest(body, notes, this.patchLimits);
    const { attributeOps, memberChanges } = type === 'Group' ? splitGroupPatch(ops, notes) : { attributeOps: ops, memberChanges: [] };
    const now = new Date().toISOString();
    const { record, audit } = this.write(() => {
      const current = this.find(type, id);
      checkIfMatch(ifMatch, current.version);
      const tally = this.runMemberChanges(current.seq, memberChanges, { actor, now });
      const members = tally.added || tally.removed ? this.delta(tally.added, tally.removed, tally.addedSample, tally.removedSample) : null;
      let updated: ResourceRecord | undefined;
      let changes: FieldChange[] = [];
      if (attributeOps.length) {
        const attributes = applyPatch(type, current.id, current.attributes, attributeOps, notes, this.patchLimits);
        // Okta re-sends the group's name with every membership update, and retries: a PATCH
        // that changes nothing keeps the version (and ETag) and lastModified as they were.
        if (JSON.stringify(attributes) !== JSON.stringify(current.attributes)) {
          updated = this.table(type).update(current.seq, current.attributes, attributes, actor, now);
          changes = diffAttributes(current.attributes, attributes);
        }
      }
      if (!updated && members) updated = this.table(type).touch(current.seq, actor, now);
      if (!updated) return { record: current, audit: null };
      const action: AuditAction = changes.length === 0 && members ? 'members' : updateAction(changes);
      return { record: updated, audit: this.recordAudit(type, updated, action, changes, members, actor, now) };
    });
    this.emit({ type, id, kind: 'updated', actor });
    const wantsBody = type === 'User' || projection.attributes !== undefined || projection.excludedAttributes !== undefined;
    return this.written(type, record, notes, audit, wantsBody ? projection : undefined);
  }

  /**
   * Deletes every user and group whose source (created_by) is one of `sources`, and nothing
   * else, in one transaction; each delete gets its audit entry by `actor`. Answers the counts.
   */
  deleteBySource(sources: readonly string[], actor: string): { users: number; groups: number } {
    if (sources.length === 0) return { users: 0, groups: 0 };
    const marks = sources.map(() => '?').join(', ');
    const ids = (table: 'users' | 'groups'): string[] => this.db.prepare<string[], string>(`SELECT id FROM ${table} WHERE created_by IN (${marks})`).pluck().all(...sources);
    return this.write(() => {
      // Groups first: deleting a user then does not touch a group that is going anyway.
      const groups = ids('groups');
      for (const id of groups) this.delete('Group', id, actor, undefined);
      const users = ids('users');
      for (const id of users) this.delete('User', id, actor, undefined);
      return { users: users.length, groups: groups.length };
    });
  }

  delete(type: ResourceTypeName, id: string, actor: string | null, ifMatch: string | undefined): AuditInput {
    const audit = this.write(() => {
      const current = this.find(type, id);
      checkIfMatch(ifMatch, current.version);
      const now = new Date().toISOString();
      // The other side of each membership changes too (a group loses a member, a user a group).
      if (type === 'User') this.memberships.touchGroups(current.seq, { actor, now });
      else this.memberships.touchMembers(current.seq, { actor, now });
      this.table(type).delete(current.seq);
      return this.recordAudit(type, current, 'delete', [], null, actor, now);
    });
    this.emit({ type, id, kind: 'deleted', actor });
    return audit;
  }

  /**
   * How many users and groups there are. The panel's status asks after every burst of
   * requests; counting a million users reads a whole index, so the answer is kept until a
   * write here or in another process (data_version) can have changed it.
   */
  counts(): { users: number; groups: number } {
    const key = `${this.generation}:${this.dataVersion.get()}`;
    if (this.cachedCounts?.key !== key) this.cachedCounts = { key, value: { users: this.users.count(), groups: this.groups.count() } };
    return this.cachedCounts.value;
  }
}
