/**
 * The panel's queries over the directory: searchable, filterable, sortable pages of users,
 * groups and group members. Sorting uses indexed columns (see migration 0002) and every page
 * is LIMIT/OFFSET, so a list of 100 000 users costs one page, not the whole table.
 */
import type { GroupSummary, MemberSummary, Page, UserSummary } from '../../contract/model';
import type { GroupSortKey, UserSortKey } from '../../contract/choices';
import type { GroupQuery, MemberQuery, UserQuery } from '../../contract/schemas';
import { foldCase, foldForSearch } from '../scim/text';
import type { Attributes } from '../scim/resource';
import type { Db } from './database';
import { displayNameOf, userEmail } from './resource-table';
import { LIMIT_OFFSET, StatementCache } from './statement-cache';

export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 50;

interface UserRow {
  seq: number;
  id: string;
  user_name: string;
  external_id: string | null;
  active: number | null;
  created_by: string | null;
  modified_by: string | null;
  created: string;
  last_modified: string;
  data: string;
}

interface GroupRow {
  id: string;
  display_name: string;
  external_id: string | null;
  member_count: number;
  created_by: string | null;
  modified_by: string | null;
  created: string;
  last_modified: string;
}

const USER_SORT: Record<UserSortKey, string> = {
  userName: 'u.user_name_ci',
  name: 'u.name_ci',
  email: 'u.email_ci',
  active: 'u.active',
  source: 'u.created_by',
  created: 'u.seq',
  lastModified: 'u.last_modified',
};

const GROUP_SORT: Record<GroupSortKey, string> = {
  displayName: 'g.display_name_ci',
  members: 'g.member_count',
  source: 'g.created_by',
  created: 'g.seq',
  lastModified: 'g.last_modified',
};

/**
 * The WHERE clause and parameters of a panel search over `alias`'s search column (the typed text
 * folded for search) and externalId, and inside ids when the text could be a piece of one (4 or
 * more characters, no space; ours are lower-case UUIDs, so a whole id is such a piece too):
 * shorter text would match most ids.
 */
function searchWhere(alias: 'u' | 'g', typed: string): { sql: string; params: string[] } {
  const text = `instr(${alias}.search_fold, ?) > 0 OR ${alias}.external_id = ?`;
  if (typed.length < 4 || /\s/.test(typed)) return { sql: `(${text})`, params: [foldForSearch(typed), typed] };
  return { sql: `(${text} OR instr(lower(${alias}.id), ?) > 0)`, params: [foldForSearch(typed), typed, foldCase(typed)] };
}

function pageBounds(q: { offset?: number; limit?: number }): { offset: number; limit: number } {
  const offset = Math.max(0, Math.floor(q.offset ?? 0));
  const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(q.limit ?? DEFAULT_PAGE)));
  return { offset, limit };
}

/**
 * ORDER BY a sort column, then insertion order, both in the same direction: an index on the
 * column (whose entries end in the rowid, which is `seq`) then serves the whole order, so a
 * page costs the same on page 1 and page 2 000. Empty values sort first ascending (SQLite's
 * NULL order); "NULLS LAST" would make SQLite sort the whole table instead.
 */
function orderBy(expr: string, order: 'asc' | 'desc' | undefined, tiebreak: string): string {
  const dir = order === 'desc' ? 'DESC' : 'ASC';
  return expr === tiebreak ? `${expr} ${dir}` : `${expr} ${dir}, ${tiebreak} ${dir}`;
}

export function toUserSummary(row: UserRow): UserSummary {
  const attributes = JSON.parse(row.data) as Attributes;
  return {
    id: row.id,
    userName: row.user_name,
    name: displayNameOf(attributes),
    email: userEmail(attributes),
    active: row.active === null ? null : row.active === 1,
    externalId: row.external_id,
    source: row.created_by,
    lastChangedBy: row.modified_by,
    created: row.created,
    lastModified: row.last_modified,
  };
}

function toGroupSummary(row: GroupRow): GroupSummary {
  return {
    id: row.id,
    displayName: row.display_name,
    memberCount: row.member_count,
    externalId: row.external_id,
    source: row.created_by,
    lastChangedBy: row.modified_by,
    created: row.created,
    lastModified: row.last_modified,
  };
}

const USER_COLUMNS = 'u.seq, u.id, u.user_name, u.external_id, u.active, u.created_by, u.modified_by, u.created, u.last_modified, u.data';
const GROUP_COLUMNS = 'g.id, g.display_name, g.external_id, g.member_count, g.created_by, g.modified_by, g.created, g.last_modified';

export class DirectoryBrowser {
  private readonly cache: StatementCache;
  private readonly userById;
  private readonly groupById;
  private readonly userByName;
  private readonly groupByName;

  constructor(db: Db) {
    this.cache = new StatementCache(db, 100);
    this.userByName = db.prepare<[string], string>('SELECT id FROM users WHERE user_name_ci = ?').pluck();
    this.groupByName = db.prepare<[string], string>('SELECT id FROM groups WHERE display_name_ci = ?').pluck();
    this.userById = db.prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ?`);
    this.groupById = db.prepare<[string], GroupRow & { seq: number }>(`SELECT g.seq, ${GROUP_COLUMNS} FROM groups g WHERE g.id = ?`);
  }

  users(q: UserQuery): Page<UserSummary> {
    const { offset, limit } = pageBounds(q);
    const where: string[] = [];
    const params: (string | number)[] = [];
    const search = q.search?.trim();
    if (search) {
      const clause = searchWhere('u', search);
      where.push(clause.sql);
      params.push(...clause.params);
    }
    if (q.status === 'active') where.push('(u.active = 1 OR u.active IS NULL)');
    if (q.status === 'inactive') where.push('u.active = 0');
    const whereSql = where.length ? ` WHERE ${where.join(' AND ')}` : '';
    const total = this.cache.get<{ n: number }>(`SELECT count(*) AS n FROM users u${whereSql}`).get(...params)!.n;
    const order = orderBy(USER_SORT[q.sort ?? 'created'], q.order, 'u.seq');
    const rows = this.cache.get<UserRow>(`SELECT ${USER_COLUMNS} FROM users u${whereSql} ORDER BY ${order} ${LIMIT_OFFSET}`).all(...params, limit, offset);
    return { total, offset, items: rows.map(toUserSummary) };
  }

  /** Up to `limit` users after `seq`, in insertion order (keyset paging for the CSV export: no OFFSET to step over). */
  usersAfter(seq: number, limit: number): (UserSummary & { seq: number })[] {
    return this.cache
      .get<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.seq > ? ORDER BY u.seq LIMIT ?`)
      .all(seq, limit)
      .map((row) => ({ ...toUserSummary(row), seq: row.seq }));
  }

  /**
   * Up to `limit` members of the group after the user numbered `seq`, in user order: keyset
   * paging for the CSV export (an OFFSET steps over every member before it: quadratic in a
   * group of 100 000).
   */
  membersAfter(groupSeq: number, seq: number, limit: number): { seq: number; id: string; userName: string }[] {
    return this.cache
      .get<{ seq: number; id: string; userName: string }>('SELECT u.seq, u.id, u.user_name AS userName FROM group_members m JOIN users u ON u.seq = m.user_seq WHERE m.group_seq = ? AND m.user_seq > ? ORDER BY m.user_seq LIMIT ?')
      .all(groupSeq, seq, limit);
  }

  user(id: string): (UserSummary & { seq: number }) | undefined {
    const row = this.userById.get(id);
    return row && { ...toUserSummary(row), seq: row.seq };
  }

  /** The id of the user holding a userName (compared case-insensitively, as SCIM's uniqueness is). */
  userIdByName(userName: string): string | undefined {
    return this.userByName.get(foldCase(userName));
  }

  groupIdByName(displayName: string): string | undefined {
    return this.groupByName.get(foldCase(displayName));
  }

  groups(q: GroupQuery): Page<GroupSummary> {
    const { offset, limit } = pageBounds(q);
    const search = q.search?.trim();
    const clause = search ? searchWhere('g', search) : null;
    const whereSql = clause ? ` WHERE ${clause.sql}` : '';
    const params = clause?.params ?? [];
    const total = this.cache.get<{ n: number }>(`SELECT count(*) AS n FROM groups g${whereSql}`).get(...params)!.n;
    const order = orderBy(GROUP_SORT[q.sort ?? 'displayName'], q.order, 'g.seq');
    const rows = this.cache.get<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM groups g${whereSql} ORDER BY ${order} ${LIMIT_OFFSET}`).all(...params, limit, offset);
    return { total, offset, items: rows.map(toGroupSummary) };
  }

  group(id: string): (GroupSummary & { seq: number }) | undefined {
    const row = this.groupById.get(id);
    return row && { ...toGroupSummary(row), seq: row.seq };
  }

  /** One page of a group's members, in membership order, optionally searched. */
  members(groupSeq: number, q: MemberQuery): Page<MemberSummary> {
    const { offset, limit } = pageBounds(q);
    const search = q.search?.trim();
    const whereSql = search ? ' AND instr(u.search_fold, ?) > 0' : '';
    const params: (string | number)[] = search ? [groupSeq, foldForSearch(search)] : [groupSeq];
    const from = `FROM group_members m JOIN users u ON u.seq = m.user_seq WHERE m.group_seq = ?${whereSql}`;
    const total = search
      ? this.cache.get<{ n: number }>(`SELECT count(*) AS n ${from}`).get(...params)!.n
      : this.cache.get<{ n: number }>('SELECT member_count AS n FROM groups WHERE seq = ?').get(groupSeq)!.n;
    const rows = this.cache.get<UserRow>(`SELECT ${USER_COLUMNS} ${from} ORDER BY m.user_seq ${LIMIT_OFFSET}`).all(...params, limit, offset);
    return {
      total,
      offset,
      items: rows.map((r) => {
        const s = toUserSummary(r);
        return { id: s.id, userName: s.userName, name: s.name, active: s.active };
      }),
    };
  }
}
