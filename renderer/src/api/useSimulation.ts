/** The simulator and the fault drill: their calls, with the answers put in the cached status. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Payloads } from '../../../contract/ipc';
import type { AppStatus } from '../../../contract/model';
import { call } from './client';
import { queryKeys } from './query-keys';

/** Runs a simulation; the steps arrive live in status.simulation, the final report here too. */
export function useSimulate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (payload: Payloads['simulate']) => call('simulate', payload),
    onSuccess: (report) => client.setQueryData<AppStatus>(queryKeys.status, (s) => s && { ...s, simulation: report }),
  });
}

export function useRemoveSimulated() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => call('removeSimulated'),
    // The counts in the navigation and the lists change: the status event brings them; the lists refetch.
    onSuccess: () => void client.invalidateQueries(),
  });
}

function useDrillMutation<P>(fn: (payload: P) => Promise<AppStatus>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: (status) => client.setQueryData(queryKeys.status, status) });
}

export function useArmFaultDrill() {
  return useDrillMutation((payload: Payloads['armFaultDrill']) => call('armFaultDrill', payload));
}

export function useClearFaultDrill() {
  return useDrillMutation((payload: Payloads['clearFaultDrill']) => call('clearFaultDrill', payload));
}
