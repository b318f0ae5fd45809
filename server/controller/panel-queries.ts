/**
 * The panel's read-only queries: pages of users and groups (searchable, sortable), one user or
 * group with its relations and history, and the activity log. Plain reads of the core; the
 * IPC handlers call these with payloads already validated against the contract's schemas.
 */
import type { ActivityDetail, ActivitySummary, GroupDetail, GroupSummary, Page, UserDetail, UserSummary } from '../../contract/model';
import type { StatusClass } from '../../contract/choices';
import type { ActivityQuery, GroupQuery, MemberQuery, UserQuery } from '../../contract/schemas';
import type { Core } from '../core/core';
import { ServiceError } from '../core/errors';
import type { ActivityEntry } from '../store/activity-log';

const STATUS_CLASS: Readonly<Record<StatusClass, number>> = { success: 2, 'client-error': 4, 'server-error': 5 };

/** How many requests a record's history shows. */
const HISTORY_LIMIT = 50;

/** An activity entry as the panel's lists show it (no bodies). */
export function activitySummary(e: ActivityEntry): ActivitySummary {
  return {
    seq: e.seq,
    at: e.at,
    connection: e.connection,
    method: e.method,
    path: e.path,
    status: e.status,
    durationMs: e.durationMs,
    action: e.action,
    resourceType: e.resourceType,
    resourceId: e.resourceId,
  };
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
      history: this.history(id),
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
      history: this.history(id),
    };
  }

  listActivity(query: ActivityQuery): readonly ActivitySummary[] {
    return this.core.activity
      .list({
        connection: query.connection === 'none' ? null : query.connection,
        action: query.action || undefined,
        status: query.status ? STATUS_CLASS[query.status] : undefined,
        beforeSeq: query.beforeSeq,
        limit: Math.min(500, Math.max(1, query.limit ?? 100)),
      })
      .map(activitySummary);
  }

  getActivity(seq: number): ActivityDetail {
    const entry = this.core.activity.get(seq);
    if (!entry) throw new ServiceError('not-found', `No activity entry ${seq}`);
    return entry;
  }

  activityActions(): string[] {
    return this.core.activity.actions();
  }

  private history(resourceId: string): ActivitySummary[] {
    return this.core.activity.list({ resourceId, limit: HISTORY_LIMIT }).map(activitySummary);
  }
}
