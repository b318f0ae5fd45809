import type { ReactNode } from 'react';
import type { FaultKind } from '../../../contract/choices';
import { faultMark } from '../simulation';
import { STATUS_CLASS_LABELS, STATUS_CLASS_TONES, statusClass } from '../activity';
import { ErrorIcon, SuccessIcon, WarningIcon } from './Icons';

export type Tone = 'neutral' | 'success' | 'warning' | 'danger' | 'info' | 'accent';

export function Badge({ tone = 'neutral', dot = false, children, title }: { tone?: Tone; dot?: boolean; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {dot && <span className="badge-dot" aria-hidden="true" />}
      {children}
    </span>
  );
}

export function ActiveBadge({ active }: { active: boolean | null }) {
  return active === false ? <Badge tone="neutral">Deactivated</Badge> : <Badge tone="success">Active</Badge>;
}

/** A connection's provisioning switch state. */
export function EnabledBadge({ enabled }: { enabled: boolean }) {
  return (
    <Badge tone={enabled ? 'success' : 'neutral'} dot>
      {enabled ? 'Enabled' : 'Disabled'}
    </Badge>
  );
}

/**
 * An HTTP status: the code, an icon and its class in words ("404 Client error"), so the
 * colour is never the only thing that tells success from a client or server error.
 */
export function HttpStatusBadge({ status, compact }: { status: number; compact?: boolean }) {
  const cls = statusClass(status);
  const tone = STATUS_CLASS_TONES[cls];
  const Icon = cls === 'success' ? SuccessIcon : cls === 'client-error' ? WarningIcon : ErrorIcon;
  return (
    <span className={`http-status http-status-${tone}${compact ? ' is-compact' : ''}`} title={`${status} ${STATUS_CLASS_LABELS[cls]}`}>
      <Icon size={13} />
      <span className="http-status-code">{status}</span>
      <span className={compact ? 'sr-only' : 'http-status-text'}>{STATUS_CLASS_LABELS[cls]}</span>
    </span>
  );
}

/** Which token authenticated a request: only the previous one (during a rotation overlap) is marked. */
export function PreviousTokenBadge({ token }: { token: 'current' | 'previous' | null }) {
  if (token !== 'previous') return null;
  return (
    <Badge tone="warning" title="Sent with the replaced token, which still works during a rotation overlap">
      previous token
    </Badge>
  );
}

/** A request the simulator sent with its own credential (not the real IdP). */
export function SimulatedBadge({ simulated }: { simulated: boolean }) {
  if (!simulated) return null;
  return (
    <Badge tone="info" title="Sent by ScimDesk's simulator with its own short-lived credential, not by the identity provider">
      simulated
    </Badge>
  );
}

/** An answer a fault drill gave instead of the real one: "fault drill 429". */
export function FaultBadge({ fault }: { fault: FaultKind | null }) {
  if (fault === null) return null;
  return (
    <Badge tone="warning" title="A fault drill answered this request instead of ScimDesk">
      {faultMark(fault)}
    </Badge>
  );
}
