import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { ActivitySummary } from '../../../contract/model';
import { call } from './client';
import { type ActivityFilters, queryKeys } from './query-keys';

export const ACTIVITY_PAGE = 100;

/** The activity log, newest first, paged back with beforeSeq ("Load older"). */
export function useActivityLog(filters: ActivityFilters) {
  return useInfiniteQuery({
    queryKey: queryKeys.activityLog(filters),
    queryFn: ({ pageParam }) => call('listActivity', { ...filters, ...(pageParam === undefined ? {} : { beforeSeq: pageParam }), limit: ACTIVITY_PAGE }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last: readonly ActivitySummary[]) => (last.length < ACTIVITY_PAGE ? undefined : last[last.length - 1]?.seq),
    placeholderData: (previous) => previous,
  });
}

export function useActivityEntry(seq: number | null) {
  return useQuery({ queryKey: queryKeys.activityEntry(seq ?? 0), queryFn: () => call('getActivity', { seq: seq ?? 0 }), enabled: seq !== null, staleTime: Infinity });
}

export function useActivityActions() {
  return useQuery({ queryKey: queryKeys.activityActions, queryFn: () => call('activityActions') });
}

/**
 * Requests no token authenticated, one aggregate per address and status. They make no activity
 * event, so they are polled (and fetched afresh whenever they are shown again).
 */
export function useRefused(intervalMs = 15_000) {
  return useQuery({ queryKey: queryKeys.refused, queryFn: () => call('listRefused'), refetchInterval: intervalMs, staleTime: 0 });
}
