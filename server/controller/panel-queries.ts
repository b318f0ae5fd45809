/**
 * The panel's read-only queries: pages of users and groups (searchable, sortable), one user or
 * group with its relations and its audit trail, and the request log. Plain reads of the core;
 * the IPC handlers call these with payloads already validated against the contract's schemas.
 */
import type { ActivityDetail, ActivitySummary, AuditEntry, GroupDetail, GroupSummary, History, Page, RefusedSummary, UserDetail, UserSummary } from '../../contract/model';
import type { StatusClass } from '../../contract/choices';
import { isConnectionName } from '../../contract/connections';
import type { ActivityQuery, GroupQuery, MemberQuery, UserQuery } from '../../contract/schemas';
import type { Core } from '../core/core';
import { ServiceError } from '../core/errors';
import type { AuditHistory, AuditKey, AuditRecord } from '../store/audit-trail';

const STATUS_CLASS: Readonly<Record<StatusClass, number>> = { success: 2, 'client-error': 4, 'server-error': 5 };

/** How many audit entries a record's History shows (its Create, then the newest). */
export const HISTORY_LIMIT = 50;

export function auditEntry({ resourceSeq: _internal, ...e }: AuditRecord): AuditEntry {
  return { ...e, connection: e.connection !== null && isConnectionName(e.connection) ? e.connection : null };
}

export function historyOf(h: AuditHistory): History {
  return { entries: h.entries.map(auditEntry), omitted: h.omitted };
}

export class PanelQueries {
  constructor(private readonly core: Core) {}

  listUsers(query: UserQuery): Page<UserSummary> {
    return this.core.browser.users(query);
  }

  getUser(id: string): UserDetail {
    const user = this.core.browser.user(id);
    if (!user) throw new ServiceError('not-found', `No user with id ${id}`);
    const { seq, ...summary } = user;
    return {
      summary,
      resource: this.core.directory.get('User', id).resource,
      groups: this.core.directory.memberships.groupsOf(seq).map((g) => ({ id: g.id, displayName: g.display })),
      history: this.history({ type: 'User', seq, id }),
    };
  }

  listGroups(query: GroupQuery): Page<GroupSummary> {
    return this.core.browser.groups(query);
  }

  getGroup(id: string, members: MemberQuery = {}): GroupDetail {
    const group = this.core.browser.group(id);
    if (!group) throw new ServiceError('not-found', `No group with id ${id}`);
    const { seq, ...summary } = group;
    return {
      summary,
      resource: this.core.directory.get('Group', id, { excludedAttributes: 'members' }).resource,
      members: this.core.browser.members(seq, members),
      history: this.history({ type: 'Group', seq, id }),
    };
  }

  listActivity(query: ActivityQuery): Promise<ActivitySummary[]> {
    return this.core.activity.list({
      connection: query.connection,
      action: query.action || undefined,
      statusClass: query.status ? STATUS_CLASS[query.status] : undefined,
      search: query.search,
      beforeSeq: query.beforeSeq,
      limit: Math.min(500, Math.max(1, query.limit ?? 100)),
    });
  }

  async getActivity(seq: number): Promise<ActivityDetail> {
    const entry = await this.core.activity.get(seq);
    if (!entry) throw new ServiceError('not-found', `No activity entry ${seq}`);
    return entry;
  }

  activityActions(): Promise<string[]> {
    return this.core.activity.actions();
  }

  listRefused(): Promise<RefusedSummary[]> {
    return this.core.activity.refused();
  }

  private history(key: AuditKey): History {
    return historyOf(this.core.directory.audit.history(key, HISTORY_LIMIT));
  }
}
