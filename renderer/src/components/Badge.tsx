import type { ReactNode } from 'react';

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

/** An HTTP status as a colour-coded code. */
export function HttpStatusBadge({ status }: { status: number }) {
  const tone: Tone = status >= 500 ? 'danger' : status >= 400 ? 'warning' : 'success';
  return (
    <span className={`http-status http-status-${tone}`}>
      <span className="badge-dot" aria-hidden="true" />
      {status}
    </span>
  );
}
