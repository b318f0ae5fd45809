/**
 * Group membership rows. Adding or removing k members costs k index operations whatever the
 * group's size; nothing here reads the whole member list except the calls that return it.
 */
import { ScimError } from '../scim/errors';
import type { Db } from './database';

export interface MemberRef {
  readonly id: string;
  readonly display: string;
}

interface RelationRow {
  owner: number;
  id: string;
  display: string;
}

function group(owners: readonly number[], rows: readonly RelationRow[]): Map<number, MemberRef[]> {
  const out = new Map<number, MemberRef[]>(owners.map((o) => [o, []]));
  for (const r of rows) out.get(r.owner)?.push({ id: r.id, display: r.display });
  return out;
}

/** Collects the first few users a membership change touched, for the audit trail. */
export interface Sample {
  readonly room: number;
  readonly seqs: number[];
}

/**
 * A user's `groups` is part of the user and a group's `members` part of the group (RFC 7643
 * §4.1.2, §4.2), so a membership change is a change of both: their versions (the ETags that
 * If-None-Match and If-Match compare) and lastModified move with it.
 */
export interface Stamp {
  readonly actor: string | null;
  readonly now: string;
}

export class Memberships {
  private readonly userSeq;
  private readonly insertStmt;
  private readonly removeStmt;
  private readonly removeAllStmt;
  private readonly membersStmt;
  private readonly groupsStmt;
  private readonly membersMany;
  private readonly memberSeqsStmt;
  private readonly userNameStmt;
  private readonly touchUser;
  private readonly touchMembersStmt;
  private readonly touchGroupsStmt;

  constructor(db: Db) {
    this.userSeq = db.prepare<[string], { seq: number }>('SELECT seq FROM users WHERE id = ?');
    this.insertStmt = db.prepare<[number, number]>('INSERT OR IGNORE INTO group_members (group_seq, user_seq) VALUES (?, ?)');
    this.removeStmt = db.prepare<[number, number]>('DELETE FROM group_members WHERE group_seq = ? AND user_seq = ?');
    this.removeAllStmt = db.prepare<[number]>('DELETE FROM group_members WHERE group_seq = ?');
    this.membersStmt = db.prepare<[number], { id: string; display: string }>(
      `SELECT u.id, coalesce(json_extract(u.data, '$."displayName"'), u.user_name) AS display
       FROM group_members m JOIN users u ON u.seq = m.user_seq WHERE m.group_seq = ? ORDER BY m.user_seq`,
    );
    this.groupsStmt = db.prepare<[number], { id: string; display: string }>(
      `SELECT g.id, g.display_name AS display
       FROM group_members m JOIN groups g ON g.seq = m.group_seq WHERE m.user_seq = ? ORDER BY m.group_seq`,
    );
    this.memberSeqsStmt = db.prepare<[number], number>('SELECT user_seq FROM group_members WHERE group_seq = ?').pluck();
    this.userNameStmt = db.prepare<[number], string>('SELECT user_name FROM users WHERE seq = ?').pluck();
    this.touchUser = db.prepare<[string, string | null, number]>('UPDATE users SET last_modified = ?, version = version + 1, modified_by = ? WHERE seq = ?');
    this.touchMembersStmt = db.prepare<[string, string | null, number]>(
      'UPDATE users SET last_modified = ?, version = version + 1, modified_by = ? WHERE seq IN (SELECT user_seq FROM group_members WHERE group_seq = ?)',
    );
    this.touchGroupsStmt = db.prepare<[string, string | null, number]>(
      'UPDATE groups SET last_modified = ?, version = version + 1, modified_by = ? WHERE seq IN (SELECT group_seq FROM group_members WHERE user_seq = ?)',
    );
    this.membersMany = db.prepare<[string], RelationRow>(
      `SELECT m.group_seq AS owner, u.id, coalesce(json_extract(u.data, '$."displayName"'), u.user_name) AS display
       FROM group_members m JOIN users u ON u.seq = m.user_seq
       WHERE m.group_seq IN (SELECT value FROM json_each(?)) ORDER BY m.group_seq, m.user_seq`,
    );
  }

  /** Internal keys of the users with these ids; unknown ids are a 400 naming them. */
  resolveUsers(ids: readonly string[]): number[] {
    const seqs: number[] = [];
    const missing: string[] = [];
    for (const id of ids) {
      const row = this.userSeq.get(id);
      if (row) seqs.push(row.seq);
      else missing.push(id);
    }
    if (missing.length) {
      const shown = missing.slice(0, 5).map((m) => `"${m}"`).join(', ');
      throw ScimError.invalidValue(`No User with id ${shown}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''}; members must be existing Users`);
    }
    return seqs;
  }

  /** Internal keys of those ids that are users; others are skipped (removing them is a no-op). */
  existingUsers(ids: readonly string[]): number[] {
    const seqs: number[] = [];
    for (const id of ids) {
      const row = this.userSeq.get(id);
      if (row) seqs.push(row.seq);
    }
    return seqs;
  }

  /**
   * Returns how many memberships were added; the first of the added users go into `sample` (up
   * to its room). With `stamp`, each user added gets a new version (its `groups` changed).
   */
  addMany(groupSeq: number, userSeqs: readonly number[], sample?: Sample, stamp?: Stamp): number {
    let n = 0;
    for (const u of userSeqs) {
      const added = this.insertStmt.run(groupSeq, u).changes;
      n += added;
      if (added && stamp) this.touchUser.run(stamp.now, stamp.actor, u);
      if (added && sample && sample.seqs.length < sample.room) sample.seqs.push(u);
    }
    return n;
  }

  /** Returns how many memberships were removed; the first of the removed users go into `sample`; `stamp` as for addMany. */
  removeMany(groupSeq: number, userSeqs: readonly number[], sample?: Sample, stamp?: Stamp): number {
    let n = 0;
    for (const u of userSeqs) {
      const removed = this.removeStmt.run(groupSeq, u).changes;
      n += removed;
      if (removed && stamp) this.touchUser.run(stamp.now, stamp.actor, u);
      if (removed && sample && sample.seqs.length < sample.room) sample.seqs.push(u);
    }
    return n;
  }

  /** A new version for every member of a group (before the group is deleted: their `groups` change). */
  touchMembers(groupSeq: number, stamp: Stamp): void {
    this.touchMembersStmt.run(stamp.now, stamp.actor, groupSeq);
  }

  /** A new version for every group of a user (before the user is deleted: their `members` change). */
  touchGroups(userSeq: number, stamp: Stamp): void {
    this.touchGroupsStmt.run(stamp.now, stamp.actor, userSeq);
  }

  /** The internal keys of a group's members (for a full replace: only the difference is written). */
  memberSeqs(groupSeq: number): number[] {
    return this.memberSeqsStmt.all(groupSeq);
  }

  userNames(userSeqs: readonly number[]): string[] {
    return userSeqs.map((s) => this.userNameStmt.get(s) ?? '(deleted)');
  }

  removeAll(groupSeq: number): number {
    return this.removeAllStmt.run(groupSeq).changes;
  }

  members(groupSeq: number): MemberRef[] {
    return this.membersStmt.all(groupSeq);
  }

  groupsOf(userSeq: number): MemberRef[] {
    return this.groupsStmt.all(userSeq);
  }

  /** Members of several groups (one list page) in one query. */
  membersOfMany(groupSeqs: readonly number[]): Map<number, MemberRef[]> {
    return group(groupSeqs, this.membersMany.all(JSON.stringify(groupSeqs)));
  }
}
