import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { GroupQuery, MemberQuery } from '../../../contract/schemas';
import { call } from './client';
import { queryKeys } from './query-keys';

export function useGroupList(query: GroupQuery) {
  return useQuery({ queryKey: queryKeys.groupList(query), queryFn: () => call('listGroups', query), placeholderData: keepPreviousData });
}

/** A group with one page of its members; paging the members keeps the group on screen. */
export function useGroup(id: string | null, members: MemberQuery) {
  return useQuery({
    queryKey: queryKeys.group(id ?? '', members),
    queryFn: () => call('getGroup', { id: id ?? '', members }),
    enabled: id !== null,
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[2] === id ? previous : undefined),
  });
}
