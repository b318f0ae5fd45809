/** A connection's health: one badge for its state, the sentence, and when requests last worked or failed. */
import type { ConnectionHealth, ConnectionStatus } from '../../../contract/model';
import { HEALTH_LABELS, HEALTH_TONES, connectionState } from '../activity';
import { formatNumber } from '../format';
import { Badge } from './Badge';
import { RelativeTime } from './RelativeTime';

/** The connection's switch and health in one badge ("Enabled · old token"): never plain green when failing. */
export function ConnectionStateBadge({ connection }: { connection: ConnectionStatus }) {
  const s = connectionState(connection);
  return (
    <Badge tone={s.tone} dot>
      {s.label}
    </Badge>
  );
}

export function HealthBadge({ health }: { health: ConnectionHealth }) {
  return (
    <Badge tone={HEALTH_TONES[health.state]} dot>
      {HEALTH_LABELS[health.state]}
    </Badge>
  );
}

/** Last success, last failure, failures in the last hour, as a compact definition list. */
export function HealthFacts({ health, className }: { health: ConnectionHealth; className?: string }) {
  return (
    <dl className={`health-facts${className ? ` ${className}` : ''}`}>
      <div>
        <dt>Last success</dt>
        <dd>{health.lastSuccessAt ? <RelativeTime iso={health.lastSuccessAt} /> : 'None yet'}</dd>
      </div>
      <div>
        <dt>Last failure</dt>
        <dd>{health.lastFailureAt ? <RelativeTime iso={health.lastFailureAt} /> : 'None'}</dd>
      </div>
      <div>
        <dt>Failures, last hour</dt>
        <dd className={health.failuresLastHour > 0 ? 'health-failures' : undefined}>{formatNumber(health.failuresLastHour)}</dd>
      </div>
    </dl>
  );
}
