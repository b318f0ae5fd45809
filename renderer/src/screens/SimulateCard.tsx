/**
 * "Simulate Okta" (or Entra ID): ScimDesk plays the IdP against itself over real HTTP, through
 * the public URL or locally, with a credential of its own that dies when the run ends. The steps
 * come live in status.simulation (status events); the report can be exported and the records
 * the run made removed.
 */
import { useId, useState } from 'react';
import { SIMULATION_SCENARIOS, type SimulationRoute, type SimulationScenario } from '../../../contract/choices';
import type { AppStatus, ConnectionStatus, SimulationReport } from '../../../contract/model';
import { useRemoveSimulated, useSimulate } from '../api/useSimulation';
import { Alert, ErrorAlert } from '../components/Alert';
import { Badge } from '../components/Badge';
import { CardHeader, CardIcon } from '../components/CardHeader';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { PlugIcon } from '../components/Icons';
import { NumberField, parseWhole } from '../components/NumberField';
import { RadioCards } from '../components/RadioCards';
import { SelectField } from '../components/SelectField';
import { SimulationSteps } from '../components/SimulationSteps';
import { useAnnounce } from '../hooks/useAnnounce';
import { plural } from '../format';
import { noUrlReason } from '../tunnel';
import { ROUTE_LABELS, SCENARIO_LABELS, downloadReport } from '../simulation';

type ScenarioChoice = SimulationScenario | 'all';
const MAX_USERS = 500;

function ReportSummary({ report, label }: { report: SimulationReport; label: string }) {
  if (report.state === 'running')
    return (
      <p className="sim-running" role="status">
        <span className="spinner spinner-inline" aria-hidden="true" />
        Simulating {label}: {plural(report.steps.length, 'step')} so far…
      </p>
    );
  const passed = report.state === 'passed';
  return (
    <Alert tone={passed ? 'success' : 'danger'} role={passed ? 'status' : 'alert'} title={passed ? `The ${label} simulation passed` : `The ${label} simulation failed`}>
      <p>{report.summary}</p>
      <p className="muted">
        {ROUTE_LABELS[report.through]}: <span className="mono">{report.baseUrl}</span>
      </p>
    </Alert>
  );
}

export function SimulateCard({ status, connection }: { status: AppStatus; connection: ConnectionStatus }) {
  const id = useId();
  const label = connection.label;
  const announce = useAnnounce();
  const simulate = useSimulate();
  const remove = useRemoveSimulated();
  const [scenario, setScenario] = useState<ScenarioChoice>('all');
  // The whole path is what an admin wants proven: the public URL when one is configured (a
  // tunnel or the admin's own URL), as the core defaults. Until the admin picks, it follows the status.
  const internet = status.reachable === 'internet';
  const [picked, setThrough] = useState<SimulationRoute | null>(null);
  const through = picked ?? (internet ? 'public' : 'local');
  const [users, setUsers] = useState('25');
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [removed, setRemoved] = useState<{ users: number; groups: number } | null>(null);

  const report = status.simulation?.connection === connection.name ? status.simulation : null;
  const running = simulate.isPending || status.simulation?.state === 'running';
  const userCount = parseWhole(users, 1, MAX_USERS);

  const run = () => {
    if (userCount === null) return;
    setRemoved(null);
    simulate.mutate(
      { connection: connection.name, scenario: scenario === 'all' ? undefined : scenario, through, users: userCount },
      { onSuccess: (r) => announce(r.state === 'passed' ? `The ${label} simulation passed` : `The ${label} simulation failed: ${r.summary}`, r.state === 'passed' ? 'success' : 'error') },
    );
  };

  const scenarioOptions = [{ value: 'all' as ScenarioChoice, label: 'All, in order' }, ...SIMULATION_SCENARIOS.map((s) => ({ value: s as ScenarioChoice, label: SCENARIO_LABELS[s] }))];

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <CardHeader
        icon={
          <CardIcon>
            <PlugIcon size={18} />
          </CardIcon>
        }
        title={<>Simulate {label}</>}
        titleId={`${id}-title`}
        subtitle={
          <>
            ScimDesk plays {label} against itself over real HTTP — its request shapes, in its order — through the public URL or on this computer, with a
            credential of its own that stops working when the run ends. Records it creates read &ldquo;{label} (simulated)&rdquo;.
          </>
        }
        aside={running ? <Badge tone="info" dot>Running</Badge> : undefined}
      />
      <div className="card-body sim-form">
        <div className="sim-form-row">
          <SelectField label="Scenario" value={scenario} options={scenarioOptions} onChange={setScenario} />
          <NumberField label="Users to import" value={users} onChange={setUsers} min={1} max={MAX_USERS} />
        </div>
        <RadioCards
          label="Send the requests through"
          value={through}
          onChange={setThrough}
          options={[
            {
              value: 'public',
              title: ROUTE_LABELS.public,
              description:
                internet && status.publicUrl
                  ? `${status.publicUrl}: the whole path ${label} uses, tunnel or proxy included.`
                  : `Not available now: ${noUrlReason(status)} (see the Public URL page).`,
            },
            { value: 'local', title: ROUTE_LABELS.local, description: 'Straight to 127.0.0.1: checks ScimDesk itself, not the way in.' },
          ]}
        />
        <div className="sim-actions">
          <button type="button" className="btn btn-primary" disabled={running || userCount === null} aria-busy={running || undefined} onClick={run}>
            {running && <span className="spinner spinner-inline" aria-hidden="true" />}
            {running ? 'Simulating…' : 'Run simulation'}
          </button>
          {report && report.state !== 'running' && (
            <>
              <button
                type="button"
                className="btn btn-secondary"
                onClick={() => announce(`Report saved as ${downloadReport(report)}`, 'success')}
              >
                Export report (JSON)
              </button>
              <button type="button" className="btn btn-secondary" disabled={running} onClick={() => setConfirmRemove(true)}>
                Remove simulated records
              </button>
            </>
          )}
        </div>
        {simulate.isError && <ErrorAlert error={simulate.error} title="The simulation could not run" />}
        {removed && (
          <Alert tone="success" role="status" title="Simulated records removed">
            <p>
              Removed {plural(removed.users, 'user')} and {plural(removed.groups, 'group')}. Records from a real identity provider were not touched.
            </p>
          </Alert>
        )}
      </div>
      {report && (
        <div className="card-body card-body-divided sim-report">
          <ReportSummary report={report} label={label} />
          {report.steps.length > 0 && <SimulationSteps steps={report.steps} label={`Steps of the ${label} simulation`} />}
        </div>
      )}
      {confirmRemove && (
        <ConfirmDialog
          title="Remove the simulated records?"
          confirmLabel="Remove"
          tone="danger"
          busy={remove.isPending}
          error={remove.isError ? <ErrorAlert error={remove.error} title="Nothing was removed" /> : undefined}
          onConfirm={() =>
            remove.mutate(undefined, {
              onSuccess: (counts) => {
                setRemoved(counts);
                setConfirmRemove(false);
                announce(`Removed ${plural(counts.users, 'user')} and ${plural(counts.groups, 'group')}`, 'success');
              },
            })
          }
          onCancel={() => setConfirmRemove(false)}
        >
          <p>ScimDesk deletes the users and groups the simulator created (of Okta and Entra ID). Records a real identity provider sent stay.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
