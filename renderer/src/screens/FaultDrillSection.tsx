/**
 * The fault drill: the next N requests of this connection get a 429 or 503 (with Retry-After)
 * or a delay instead of their answer, to see how the IdP copes. It ends by itself; the banner
 * across the app (FaultDrillBanner) says so while it is armed.
 */
import { useId, useState } from 'react';
import { FAULT_KINDS, type FaultKind } from '../../../contract/choices';
import type { AppStatus, ConnectionStatus } from '../../../contract/model';
import { useArmFaultDrill } from '../api/useSimulation';
import { ErrorAlert } from '../components/Alert';
import { FaultDrillStatus, StopDrillButton } from '../components/FaultDrillBanner';
import { NumberField, parseWhole } from '../components/NumberField';
import { SelectField } from '../components/SelectField';
import { useAnnounce } from '../hooks/useAnnounce';
import { FAULT_LABELS } from '../simulation';

export function FaultDrillSection({ status, connection }: { status: AppStatus; connection: ConnectionStatus }) {
  const id = useId();
  const announce = useAnnounce();
  const arm = useArmFaultDrill();
  const [kind, setKind] = useState<FaultKind>('429');
  const [count, setCount] = useState('5');
  const [retryAfter, setRetryAfter] = useState('1');
  const [delayMs, setDelayMs] = useState('2000');
  const drill = status.faultDrills.find((d) => d.connection === connection.name) ?? null;
  const n = parseWhole(count, 1, 1000);
  const seconds = parseWhole(retryAfter, 0, 3600);
  const ms = parseWhole(delayMs, 1, 60_000);
  const valid = n !== null && (kind === 'delay' ? ms !== null : seconds !== null);

  const submit = () => {
    if (!valid || n === null) return;
    arm.mutate(
      { connection: connection.name, kind, count: n, ...(kind === 'delay' ? { delayMs: ms ?? undefined } : { retryAfterSeconds: seconds ?? undefined }) },
      { onSuccess: () => announce(`Fault drill armed on ${connection.label}`, 'info') },
    );
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <div className="card-body fault-drill">
        <h2 className="fault-drill-title" id={`${id}-title`}>
          Fault drill
        </h2>
        <p className="card-subtitle">
          ScimDesk answers {connection.label}&apos;s next requests with a fault instead of the real answer, to see how it retries. Each one is marked in Activity;
          the drill ends by itself.
        </p>
        {drill ? (
          <div className="fault-drill-armed">
            <FaultDrillStatus drill={drill} />
            <StopDrillButton connection={connection.name} label={connection.label} />
          </div>
        ) : (
          <div className="fault-drill-form">
            <SelectField label="Answer with" value={kind} options={FAULT_KINDS.map((k) => ({ value: k, label: FAULT_LABELS[k] }))} onChange={setKind} />
            <NumberField label="Requests" value={count} onChange={setCount} min={1} max={1000} />
            {kind === 'delay' ? (
              <NumberField label="Delay (ms)" value={delayMs} onChange={setDelayMs} min={1} max={60_000} />
            ) : (
              <NumberField label="Retry-After (s)" value={retryAfter} onChange={setRetryAfter} min={0} max={3600} />
            )}
            <button type="button" className="btn btn-secondary" disabled={!valid || arm.isPending} aria-busy={arm.isPending || undefined} onClick={submit}>
              {arm.isPending && <span className="spinner spinner-inline" aria-hidden="true" />}
              Arm
            </button>
          </div>
        )}
        {arm.isError && <ErrorAlert error={arm.error} title="The fault drill was not armed" />}
      </div>
    </section>
  );
}
