import { useSyncExternalStore } from 'react';
import { type Route, parseRoute } from '../routes';
import { getHash, getPendingLeave, type PendingLeave, subscribe } from '../router';

/** The route the app shows (while a leave question is open, the page the user is still on). */
export function useHashRoute(): Route {
  const hash = useSyncExternalStore(subscribe, getHash);
  return parseRoute(hash);
}

/** The navigation a blocker is asking about, if any (see useLeaveGuard). */
export function usePendingLeave(): PendingLeave | null {
  return useSyncExternalStore(subscribe, getPendingLeave);
}
