import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { AppStatus, ConnectionStatus, TunnelSettings } from '../../../contract/model';
import { call } from './client';
import { queryKeys } from './query-keys';

/** The app status; kept current by the onStatus subscription. */
export function useStatus() {
  return useQuery({ queryKey: queryKeys.status, queryFn: () => call('getStatus'), staleTime: Infinity });
}

/** The status, for screens rendered only once it has loaded (App waits for it). */
export function useLoadedStatus(): AppStatus {
  const { data } = useStatus();
  if (!data) throw new Error('useLoadedStatus used before the status loaded');
  return data;
}

/** "Okta", "Microsoft Entra ID" for a connection name, as the core labels them. */
export function useConnectionLabel(): (name: string | null) => string | null {
  const connections = useStatus().data?.connections;
  return useCallback((name) => (name === null ? null : (connections?.find((c) => c.name === name)?.label ?? name)), [connections]);
}

/** Replaces one connection in the cached status (after setEnabled / rotateToken). */
export function useUpdateConnection(): (connection: ConnectionStatus) => void {
  const client = useQueryClient();
  return (connection) =>
    client.setQueryData<AppStatus>(queryKeys.status, (s) => s && { ...s, connections: s.connections.map((c) => (c.name === connection.name ? connection : c)) });
}

function useStatusMutation<P>(fn: (payload: P) => Promise<AppStatus>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: (status) => client.setQueryData(queryKeys.status, status) });
}

export function useCheckKeychain() {
  return useStatusMutation(() => call('checkKeychain'));
}

export function useConfirmPublicUrl() {
  return useStatusMutation(() => call('confirmPublicUrl'));
}

export function useSetTunnelSettings() {
  return useStatusMutation((settings: Partial<TunnelSettings>) => call('setTunnelSettings', settings));
}

export function useOpenExternal() {
  return useMutation({ mutationFn: (url: string) => call('openExternal', { url }) });
}
