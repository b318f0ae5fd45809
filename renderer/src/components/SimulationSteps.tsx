/**
 * A simulation's steps as they arrive: ✓/✗, what the IdP did, the answer's status, the time and
 * the retries. A failed step shows what the IdP would conclude and the fix in the open; any step
 * opens (native <details>) on its request and response, which the server has redacted.
 * The exchange is rendered only while its step is open: a run re-renders every step on each
 * status event, and a closed step's highlighted bodies would cost that much each time.
 */
import { useState } from 'react';
import type { SimulationStep } from '../../../contract/model';
import { formatDuration, plural } from '../format';
import { HttpStatusBadge } from './Badge';
import { ErrorIcon, SuccessIcon } from './Icons';
import { JsonView } from './JsonView';

function Headers({ headers }: { headers: Readonly<Record<string, string>> }) {
  const rows = Object.entries(headers);
  if (rows.length === 0) return null;
  return (
    <dl className="sim-headers">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt className="mono">{k}</dt>
          <dd className="mono">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function StepExchange({ step }: { step: SimulationStep }) {
  const { request, response } = step;
  return (
    <div className="sim-exchange">
      <h4 className="sim-exchange-title">Request</h4>
      <p className="mono sim-request-line">
        {request.method} {request.url}
      </p>
      <Headers headers={request.headers} />
      {request.body !== null && <JsonView text={request.body} label={`Request body of step ${step.index}`} copyWhat="request body" />}
      <h4 className="sim-exchange-title">Response</h4>
      {response === null ? (
        <p className="muted">No answer came (the connection was refused or timed out).</p>
      ) : (
        <>
          <HttpStatusBadge status={response.status} />
          <Headers headers={response.headers} />
          {response.body !== null && <JsonView text={response.body} label={`Response body of step ${step.index}`} copyWhat="response body" />}
        </>
      )}
      {step.checks.length > 0 && <p className="muted sim-checks">Checked: {step.checks.join(', ')}</p>}
    </div>
  );
}

function Step({ step: s }: { step: SimulationStep }) {
  const [open, setOpen] = useState(false);
  const passed = s.verdict === 'passed';
  return (
    <li className={`sim-step is-${s.verdict}`}>
      <details onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>
          <span className="sim-step-icon">
            {passed ? <SuccessIcon size={15} /> : <ErrorIcon size={15} />}
            <span className="sr-only">{passed ? 'Passed:' : 'Failed:'}</span>
          </span>
          <span className="sim-step-name">{s.name}</span>
          <span className="sim-step-facts">
            {s.response ? <HttpStatusBadge status={s.response.status} compact /> : <span className="muted">no answer</span>}
            <span className="num">{formatDuration(s.ms)}</span>
            {s.retries > 0 && <span className="sim-retries">{plural(s.retries, 'retry', 'retries')}</span>}
          </span>
        </summary>
        {open && <StepExchange step={s} />}
      </details>
      {!passed && (s.conclusion || s.fix) && (
        <div className="sim-step-failure">
          {s.conclusion && <p className="sim-conclusion">{s.conclusion}</p>}
          {s.fix && (
            <p className="sim-fix">
              <strong>Fix:</strong> {s.fix}
            </p>
          )}
        </div>
      )}
    </li>
  );
}

export function SimulationSteps({ steps, label }: { steps: readonly SimulationStep[]; label: string }) {
  return (
    <ol className="sim-steps" aria-label={label}>
      {steps.map((s) => (
        <Step key={s.index} step={s} />
      ))}
    </ol>
  );
}
