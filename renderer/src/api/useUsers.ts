import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { UserQuery } from '../../../contract/schemas';
import { call } from './client';
import { queryKeys } from './query-keys';

/** One server-side page of users; the previous page stays on screen while the next loads. */
export function useUserList(query: UserQuery) {
  return useQuery({ queryKey: queryKeys.userList(query), queryFn: () => call('listUsers', query), placeholderData: keepPreviousData });
}

export function useUser(id: string | null) {
  return useQuery({ queryKey: queryKeys.user(id ?? ''), queryFn: () => call('getUser', { id: id ?? '' }), enabled: id !== null });
}
