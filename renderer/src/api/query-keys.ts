/** Query keys, grouped so live events can invalidate whole families at once. */
import type { ActivityQuery, GroupQuery, MemberQuery, UserQuery } from '../../../contract/schemas';

export type ActivityFilters = Omit<ActivityQuery, 'beforeSeq' | 'limit'>;

export const queryKeys = {
  status: ['status'] as const,
  users: ['users'] as const,
  userList: (q: UserQuery) => ['users', 'list', q] as const,
  user: (id: string) => ['users', 'detail', id] as const,
  groups: ['groups'] as const,
  groupList: (q: GroupQuery) => ['groups', 'list', q] as const,
  group: (id: string, members: MemberQuery) => ['groups', 'detail', id, members] as const,
  activity: ['activity'] as const,
  activityLog: (f: ActivityFilters) => ['activity', 'log', f] as const,
  activityEntry: (seq: number) => ['activity', 'entry', seq] as const,
  activityActions: ['activity', 'actions'] as const,
  refused: ['activity', 'refused'] as const,
};
