/** How the tunnel's state reads in the panel. */
import type { AppStatus, TunnelPhase } from '../../contract/model';
import type { Tone } from './components/Badge';

export const PHASE_LABELS: Readonly<Record<TunnelPhase, string>> = {
  off: 'Off',
  connecting: 'Connecting',
  online: 'Online',
  reconnecting: 'Reconnecting',
  error: 'Error',
};

export const PHASE_TONES: Readonly<Record<TunnelPhase, Tone>> = {
  off: 'neutral',
  connecting: 'info',
  online: 'success',
  reconnecting: 'warning',
  error: 'danger',
};

/** One short line on how the IdPs reach ScimDesk, with a tone. */
export function reachSummary(status: AppStatus): { label: string; tone: Tone } {
  const mode = status.tunnelSettings.mode;
  if (mode === 'none') return { label: 'This computer only', tone: 'warning' };
  if (mode === 'external') return { label: 'Own public URL', tone: 'success' };
  const phase = status.tunnel.phase;
  return { label: `Tunnel ${PHASE_LABELS[phase].toLowerCase()}`, tone: PHASE_TONES[phase] };
}
