/**
 * While a fault drill is armed, every screen says so first (like the store alert): which
 * connection, what it answers, how many requests remain and when it ends, with Stop.
 */
import type { ConnectionName } from '../../../contract/connections';
import type { AppStatus, FaultDrill } from '../../../contract/model';
import { connectionLabel } from '../activity';
import { useClearFaultDrill } from '../api/useSimulation';
import { formatCountdown, formatFull } from '../format';
import { useAnnounce } from '../hooks/useAnnounce';
import { useNow } from '../hooks/useNow';
import { faultSentence, remainingSentence } from '../simulation';
import { Alert } from './Alert';

export function StopDrillButton({ connection, label }: { connection: ConnectionName; label: string }) {
  const clear = useClearFaultDrill();
  const announce = useAnnounce();
  return (
    <button
      type="button"
      className="btn btn-secondary btn-sm"
      disabled={clear.isPending}
      onClick={() => clear.mutate({ connection }, { onSuccess: () => announce(`Fault drill on ${label} stopped`, 'info') })}
      aria-label={`Stop the fault drill on ${label}`}
    >
      Stop
    </button>
  );
}

/** "503 answers with Retry-After 1 s · 4 requests left · ends in 9 min". */
export function FaultDrillStatus({ drill }: { drill: FaultDrill }) {
  const now = useNow(1000);
  return (
    <p className="fault-drill-status">
      {faultSentence(drill)} · <strong>{remainingSentence(drill)}</strong> · ends{' '}
      <time dateTime={drill.expiresAt} title={formatFull(drill.expiresAt)}>
        {formatCountdown(drill.expiresAt, now)}
      </time>
    </p>
  );
}

export function FaultDrillBanner({ status }: { status: AppStatus }) {
  if (status.faultDrills.length === 0) return null;
  return (
    <>
      {status.faultDrills.map((d) => {
        const label = connectionLabel(d.connection) ?? d.connection;
        return (
          <Alert
            key={d.connection}
            tone="warning"
            role="status"
            className="app-alert fault-drill-banner"
            title={`Fault drill armed on ${label}`}
            actions={<StopDrillButton connection={d.connection} label={label} />}
          >
            <FaultDrillStatus drill={d} />
          </Alert>
        );
      })}
    </>
  );
}
