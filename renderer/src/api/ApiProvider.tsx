/**
 * The query client and the live-update wiring: subscribes once to the controller's events and keeps
 * the cache fresh, so lists follow what the IdPs write without a reload.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import { ApiError, bridge } from './client';
import { queryKeys } from './query-keys';

function makeClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Events keep data fresh; a refetch on focus adds nothing.
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        // Answers come from the same machine: an error will not go away by retrying, except
        // a transient internal one.
        retry: (count, err) => count < 1 && err instanceof ApiError && err.code === 'internal',
      },
    },
  });
}

export function ApiProvider({ children }: { children: ReactNode }) {
  const [client] = useState(makeClient);

  useEffect(() => {
    const api = bridge();
    if (!api) return undefined;
    const offs = [
      api.onStatus((status) => client.setQueryData(queryKeys.status, status)),
      api.onDirectoryChanged(() => {
        // Memberships tie users and groups together: a change to one shows in the other.
        void client.invalidateQueries({ queryKey: queryKeys.users });
        void client.invalidateQueries({ queryKey: queryKeys.groups });
      }),
      api.onActivity(() => {
        void client.invalidateQueries({ queryKey: queryKeys.activity, predicate: (q) => q.queryKey[1] !== 'entry' });
        // The histories in the open user or group.
        void client.invalidateQueries({ queryKey: [...queryKeys.users, 'detail'] });
        void client.invalidateQueries({ queryKey: [...queryKeys.groups, 'detail'] });
      }),
    ];
    return () => offs.forEach((off) => off());
  }, [client]);

  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
