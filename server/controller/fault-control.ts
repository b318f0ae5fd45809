/**
 * The fault drill's options as they arrive on the control channel, checked by hand the way
 * PAYLOAD_SCHEMAS.armFaultDrill checks them for IPC (server/ does not load TypeBox).
 */
import { FAULT_DRILL_LIMITS, FAULT_KINDS } from '../../contract/choices';
import { isConnectionName } from '../../contract/connections';
import type { Payloads } from '../../contract/ipc';

export type ArmFaultOptions = Payloads['armFaultDrill'];

function wholeIn(value: unknown, min: number, max: number): boolean {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}

export function isArmFaultOptions(value: unknown): value is ArmFaultOptions {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const o = value as Record<string, unknown>;
  const known = ['connection', 'kind', 'count', 'retryAfterSeconds', 'delayMs'];
  return (
    Object.keys(o).every((k) => known.includes(k)) &&
    isConnectionName(o['connection']) &&
    (FAULT_KINDS as readonly unknown[]).includes(o['kind']) &&
    wholeIn(o['count'], 1, FAULT_DRILL_LIMITS.count) &&
    (o['retryAfterSeconds'] === undefined || wholeIn(o['retryAfterSeconds'], 0, FAULT_DRILL_LIMITS.retryAfterSeconds)) &&
    (o['delayMs'] === undefined || wholeIn(o['delayMs'], 1, FAULT_DRILL_LIMITS.delayMs))
  );
}
