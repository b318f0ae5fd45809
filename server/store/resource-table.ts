/**
 * One table of SCIM resources (users or groups): the JSON attributes plus the columns derived
 * from them for indexes. Each table differs only in its TableSpec; every statement is
 * prepared once (list queries, which vary with the filter, through a small cache).
 */
import type { Statement } from 'better-sqlite3';
import type { ResolvedAttr } from '../scim/attributes';
import { ScimError } from '../scim/errors';
import type { ResolvedFilter } from '../scim/filter';
import { foldCase, foldForSearch } from '../scim/text';
import type { Attributes } from '../scim/resource';
import type { ResourceTypeName } from '../scim/schema';
import type { Db } from './database';
import { type SqlParam, compileWhere, isIndexServed, sortExpression } from './filter-sql';
import type { ScanReader } from './scan-reader';
import type { MemberRef } from './memberships';
import { isUniqueViolation } from './sqlite-errors';
import { LIMIT_OFFSET, StatementCache } from './statement-cache';

export interface ResourceRecord {
  readonly seq: number;
  /** The user's groups, when read together with the row (one query instead of two). */
  readonly relations?: MemberRef[] | undefined;
  readonly id: string;
  readonly attributes: Attributes;
  readonly created: string;
  readonly lastModified: string;
  readonly version: number;
  readonly createdBy: string | null;
  readonly modifiedBy: string | null;
}

interface Row {
  relations?: string;
  seq: number;
  id: string;
  data: string;
  created: string;
  last_modified: string;
  version: number;
  created_by: string | null;
  modified_by: string | null;
}

interface TableSpec {
  readonly type: ResourceTypeName;
  readonly table: 'users' | 'groups';
  readonly alias: string;
  /** Index columns derived from the attributes, in a fixed order. */
  readonly columns: readonly string[];
  derive(attributes: Attributes): DbValue[];
  /** The attribute whose case-insensitive uniqueness the table enforces, for the 409 message. */
  readonly uniqueAttribute: 'userName' | 'displayName';
  readonly uniqueColumn: string;
  /** A column giving the resource's relations as JSON [[id, display], …], read with the row. */
  readonly relationsColumn?: string;
}

type DbValue = SqlParam | null;

/** The email the panel shows: the primary one, else the first. */
export function userEmail(a: Attributes): string | null {
  const emails = Array.isArray(a['emails']) ? (a['emails'] as Attributes[]) : [];
  const pick = emails.find((e) => e['primary'] === true) ?? emails[0];
  return pick ? text(pick['value']) : null;
}

/** The name the panel shows: displayName, else name.formatted, else given + family name. */
export function displayNameOf(a: Attributes): string | null {
  const name = (a['name'] ?? {}) as Attributes;
  const joined = [text(name['givenName']), text(name['familyName'])].filter(Boolean).join(' ').trim();
  return text(a['displayName']) ?? text(name['formatted']) ?? (joined || null);
}

/**
 * What the panel's user search looks in: userName, name and email, folded for search and kept
 * apart by U+001F (which nobody types), so one search never matches across two of them.
 * Migration 0006 builds the same text with scim_search_fold.
 */
export function userSearchText(userName: string, name: string | null, email: string | null): string {
  return foldForSearch([userName, name ?? '', email ?? ''].join('\u001f'));
}

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export const USER_TABLE: TableSpec = {
  type: 'User',
  table: 'users',
  alias: 'u',
  columns: ['user_name', 'user_name_ci', 'external_id', 'display_name_ci', 'active', 'email_ci', 'name_ci', 'search_fold'],
  derive: (a) => {
    const userName = a['userName'] as string;
    const display = text(a['displayName']);
    const active = typeof a['active'] === 'boolean' ? (a['active'] ? 1 : 0) : null;
    const email = userEmail(a);
    const name = displayNameOf(a);
    return [userName, foldCase(userName), text(a['externalId']), display === null ? null : foldCase(display), active, email && foldCase(email), name && foldCase(name), userSearchText(userName, name, email)] as DbValue[];
  },
  uniqueAttribute: 'userName',
  uniqueColumn: 'users.user_name_ci',
  relationsColumn: `(SELECT json_group_array(json_array(g.id, g.display_name)) FROM group_members m JOIN groups g ON g.seq = m.group_seq WHERE m.user_seq = u.seq)`,
};

export const GROUP_TABLE: TableSpec = {
  type: 'Group',
  table: 'groups',
  alias: 'g',
  columns: ['display_name', 'display_name_ci', 'external_id', 'search_fold'],
  derive: (a) => {
    const name = a['displayName'] as string;
    return [name, foldCase(name), text(a['externalId']), foldForSearch(name)] as DbValue[];
  },
  uniqueAttribute: 'displayName',
  uniqueColumn: 'groups.display_name_ci',
};

export interface ListQuery {
  readonly filter?: ResolvedFilter;
  readonly sortBy?: ResolvedAttr;
  readonly descending?: boolean;
  /** 0-based offset and page size. */
  readonly offset: number;
  readonly limit: number;
  readonly baseUrl: string;
  /** Read each row's relations with it (tables that have a relations column). */
  readonly withRelations?: boolean;
}

/** Decodes the [[id, display], …] JSON of a relations column. */
function toRelations(json: string): MemberRef[] {
  const pairs = JSON.parse(json) as [string, string][];
  const refs: MemberRef[] = new Array(pairs.length);
  for (let i = 0; i < pairs.length; i++) refs[i] = { id: pairs[i]![0], display: pairs[i]![1] };
  return refs;
}

// One object shape for every record (relations: undefined when not read): a conditional
// spread here made each record a dictionary-mode object, four times slower to build and read.
function toRecord(row: Row): ResourceRecord {
  return {
    relations: row.relations === undefined ? undefined : toRelations(row.relations),
    seq: row.seq,
    id: row.id,
    attributes: JSON.parse(row.data) as Attributes,
    created: row.created,
    lastModified: row.last_modified,
    version: row.version,
    createdBy: row.created_by,
    modifiedBy: row.modified_by,
  };
}

export class ResourceTable {
  private readonly byId;
  private readonly insertStmt;
  private readonly touchStmt;
  private readonly deleteStmt;
  private readonly countAll;
  private readonly cache: StatementCache;
  private readonly select: string;
  private readonly selectWithRelations: string;
  private readonly byIdWithRelations;
  private readonly afterSeq;
  /** UPDATE statements by the bit set of the derived columns they SET (at most 2^columns). */
  private readonly updates = new Map<number, Statement<unknown[], Row>>();

  constructor(
    private readonly db: Db,
    readonly spec: TableSpec,
  ) {
    const { table, alias, columns } = spec;
    this.select = `SELECT ${alias}.seq, ${alias}.id, ${alias}.data, ${alias}.created, ${alias}.last_modified, ${alias}.version, ${alias}.created_by, ${alias}.modified_by FROM ${table} ${alias}`;
    this.selectWithRelations = spec.relationsColumn ? this.select.replace('SELECT ', `SELECT ${spec.relationsColumn} AS relations, `) : this.select;
    this.byId = db.prepare<[string], Row>(`${this.select} WHERE ${alias}.id = ?`);
    this.byIdWithRelations = db.prepare<[string], Row>(`${this.selectWithRelations} WHERE ${alias}.id = ?`);
    this.afterSeq = db.prepare<[number, number], Row>(`${this.selectWithRelations} WHERE ${alias}.seq > ? ORDER BY ${alias}.seq LIMIT ?`);
    this.insertStmt = db.prepare<DbValue[], Row>(
      `INSERT INTO ${table} (id, data, created, last_modified, version, created_by, modified_by, ${columns.join(', ')})
       VALUES (?, ?, ?, ?, 1, ?, ?, ${columns.map(() => '?').join(', ')})
       RETURNING seq, id, data, created, last_modified, version, created_by, modified_by`,
    );
    this.touchStmt = db.prepare<[string, string | null, number], Row>(
      `UPDATE ${table} SET last_modified = ?, version = version + 1, modified_by = ? WHERE seq = ?
       RETURNING seq, id, data, created, last_modified, version, created_by, modified_by`,
    );
    this.deleteStmt = db.prepare<[number]>(`DELETE FROM ${table} WHERE seq = ?`);
    this.countAll = db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table}`);
    this.cache = new StatementCache(db, 200);
  }

  private uniqueness(attributes: Attributes): ScimError {
    const { type, uniqueAttribute } = this.spec;
    return ScimError.uniqueness(`A ${type} with ${uniqueAttribute} "${String(attributes[uniqueAttribute])}" already exists (compared case-insensitively)`);
  }

  /** One resource; with `withRelations` (users) its groups come in the same query. */
  get(id: string, withRelations = false): ResourceRecord | undefined {
    const row = (withRelations ? this.byIdWithRelations : this.byId).get(id);
    return row && toRecord(row);
  }

  insert(id: string, attributes: Attributes, actor: string | null, now: string): ResourceRecord {
    try {
      return toRecord(this.insertStmt.get(id, JSON.stringify(attributes), now, now, actor, actor, ...this.spec.derive(attributes))!);
    } catch (err) {
      if (isUniqueViolation(err, this.spec.uniqueColumn)) throw this.uniqueness(attributes);
      throw err;
    }
  }

  /**
   * Writes new attributes over `previous`. Only the derived columns whose value changes are
   * SET: SQLite rewrites every index on a SET column even when its value stays the same, and
   * that cost a replace three times as much (a random index page per index in each commit).
   */
  update(seq: number, previous: Attributes, attributes: Attributes, actor: string | null, now: string): ResourceRecord {
    const before = this.spec.derive(previous);
    const after = this.spec.derive(attributes);
    const changed: number[] = [];
    let mask = 0;
    for (let i = 0; i < after.length; i++) {
      if (after[i] !== before[i]) {
        changed.push(i);
        mask |= 1 << i;
      }
    }
    // One statement per set of changed columns, found by that set (building the SQL text and
    // hashing it into the statement cache on every write cost a few µs per replace).
    let stmt = this.updates.get(mask);
    if (!stmt) {
      const { table, columns } = this.spec;
      const sets = changed.map((i) => `, ${columns[i]} = ?`).join('');
      stmt = this.db.prepare<unknown[], Row>(
        `UPDATE ${table} SET data = ?, last_modified = ?, version = version + 1, modified_by = ?${sets}
         WHERE seq = ? RETURNING seq, id, data, created, last_modified, version, created_by, modified_by`,
      );
      this.updates.set(mask, stmt);
    }
    try {
      return toRecord(stmt.get(JSON.stringify(attributes), now, actor, ...changed.map((i) => after[i]), seq)!);
    } catch (err) {
      if (isUniqueViolation(err, this.spec.uniqueColumn)) throw this.uniqueness(attributes);
      throw err;
    }
  }

  /** New version and lastModified without touching the attributes (membership changes). */
  touch(seq: number, actor: string | null, now: string): ResourceRecord {
    return toRecord(this.touchStmt.get(now, actor, seq)!);
  }

  delete(seq: number): void {
    this.deleteStmt.run(seq);
  }

  count(): number {
    return this.countAll.get()!.n;
  }

  /**
   * Whether a list reads every row (a filter no index serves, or a sort of the whole table):
   * such lists run on the scan worker (listOn), not on the server's thread.
   */
  readsEveryRow(query: ListQuery): boolean {
    if (query.filter !== undefined) return !isIndexServed(this.spec.type, query.filter);
    return query.sortBy !== undefined;
  }

  /**
   * The SQL of a list: its WHERE (with parameters), the cache key of its page query, and the
   * page and count queries' text (built only when needed: an IdP lookup never counts).
   */
  private plan(query: ListQuery): { where: string; params: SqlParam[]; key: string; page: () => string; count: () => string } {
    const { alias, table, type } = this.spec;
    let where = '';
    let params: SqlParam[] = [];
    if (query.filter) {
      const compiled = compileWhere(type, alias, query.baseUrl, query.filter);
      where = ` WHERE ${compiled.sql}`;
      params = compiled.params;
    }
    let order = `${alias}.seq`;
    if (query.sortBy) {
      const expr = sortExpression(type, alias, query.sortBy);
      const dir = query.descending ? 'DESC' : 'ASC';
      order = `(${expr}) IS NULL, ${expr} ${dir}, ${alias}.seq ${dir}`;
    }
    const select = query.withRelations ? this.selectWithRelations : this.select;
    const key = `${table}${query.withRelations ? '+' : ''}${where} ORDER BY ${order}`;
    return { where, params, key, page: () => `${select}${where} ORDER BY ${order} ${LIMIT_OFFSET}`, count: () => `SELECT count(*) AS n FROM ${table} ${alias}${where}` };
  }

  /** One page and the total count for a filter; stable order (sortBy, then insertion order). */
  list(query: ListQuery): { total: number; records: ResourceRecord[] } {
    const { where, params, key, page, count } = this.plan(query);
    const countAll = (): number => (where ? this.cache.get<{ n: number }>(count()).get(...params)!.n : this.count());
    if (query.limit <= 0) return { total: countAll(), records: [] };
    const rows = this.cache.get<Row>(key, page).all(...params, query.limit, query.offset);
    return { total: knownTotal(rows.length, query) ?? countAll(), records: rows.map(toRecord) };
  }

  /**
   * Up to `limit` records after `seq`, in insertion order, with their relations: keyset paging
   * for the export, whose every page costs the same however deep into the table it is (an
   * OFFSET steps over every row before it: 50 ms a page at 100 000 users, and a quadratic total).
   */
  after(seq: number, limit: number): ResourceRecord[] {
    return this.afterSeq.all(seq, limit).map(toRecord);
  }

  /** list() with its queries run by `reader` (the scan worker), off the server's thread. */
  async listOn(reader: ScanReader, query: ListQuery): Promise<{ total: number; records: ResourceRecord[] }> {
    const { params, page, count } = this.plan(query);
    const countAll = async (): Promise<number> => (await reader.all<{ n: number }>(count(), params))[0]!.n;
    if (query.limit <= 0) return { total: await countAll(), records: [] };
    const rows = await reader.all<Row>(page(), [...params, query.limit, query.offset]);
    return { total: knownTotal(rows.length, query) ?? (await countAll()), records: rows.map(toRecord) };
  }
}

/**
 * A page that is not full ends the results: the total is known without counting (an IdP's
 * lookups — userName eq, externalId eq — are all such pages). Undefined: count.
 */
function knownTotal(rows: number, query: ListQuery): number | undefined {
  return rows < query.limit && (rows > 0 || query.offset === 0) ? query.offset + rows : undefined;
}
