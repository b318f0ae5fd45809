import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { AppStatus, ConnectionStatus, TunnelSettings } from '../../../contract/model';
import type { ConnectionName } from '../../../contract/connections';
import { connectionLabel } from '../activity';
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

/** "Okta", "Microsoft Entra ID" for a connection name, as the core labels them (the contract's labels otherwise). */
export function useConnectionLabel(): (name: string | null) => string | null {
  const connections = useStatus().data?.connections;
  // connectionLabel also reads `<connection>-simulated` ("Okta (simulated)").
  return useCallback((name) => (name === null ? null : (connections?.find((c) => c.name === name)?.label ?? connectionLabel(name))), [connections]);
}

/** Replaces one connection in the cached status (after setEnabled / rotateToken). */
export function useUpdateConnection(): (connection: ConnectionStatus) => void {
  const client = useQueryClient();
  return (connection) =>
    client.setQueryData<AppStatus>(queryKeys.status, (s) => s && { ...s, connections: s.connections.map((c) => (c.name === connection.name ? connection : c)) });
}

/**
 * Turns a connection's provisioning on or off, and puts the answer in the cached status: the
 * switch on the connection page and the "Enable" remedy in the activity log use this one action.
 * `token` in the answer is set only on the first enable (shown once, by the caller).
 */
export function useSetConnectionEnabled() {
  const update = useUpdateConnection();
  return useMutation({
    mutationFn: ({ connection, enabled }: { connection: ConnectionName; enabled: boolean }) => call('setEnabled', { connection, enabled }),
    onSuccess: (result) => update(result.connection),
  });
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

/** Ends the tunnel's wait between attempts: the next attempt starts now. */
export function useRetryTunnel() {
  return useStatusMutation(() => call('retryTunnel'));
}

/**
 * Runs the check from outside now. The core also announces it in the status (running, then the
 * result); the answer is put in the cached status at once too, unless the URL changed meanwhile.
 */
export function useCheckPublicUrl() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => call('checkPublicUrl'),
    onSuccess: (check) =>
      client.setQueryData<AppStatus>(queryKeys.status, (s) => (s && s.publicUrl === check.url ? { ...s, publicCheck: { running: false, last: check } } : s)),
  });
}
