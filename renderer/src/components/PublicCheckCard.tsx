/**
 * "Check from outside": one request through the public URL the way an IdP sends it, step by
 * step (DNS, TLS, HTTP with its round trip, the one-time code proving this ScimDesk answered).
 * The core runs it by itself after every change of URL; the button runs it again.
 */
import { useId } from 'react';
import type { AppStatus, CheckStep, CheckStepState, PublicUrlCheck } from '../../../contract/model';
import { useCheckPublicUrl } from '../api/useStatus';
import { formatDateTime, formatDuration } from '../format';
import { currentCheck, isPlainHttp } from '../tunnel';
import { Alert, ErrorAlert } from './Alert';
import { Badge, type Tone } from './Badge';
import { ErrorIcon, SearchIcon, SuccessIcon } from './Icons';
import { RelativeTime } from './RelativeTime';
import { ReachBadge } from './ReachBadge';
import { CardHeader, CardIcon } from './CardHeader';

const STATE_LABELS: Record<CheckStepState, string> = { ok: 'OK', failed: 'Failed', skipped: 'Skipped' };
const STATE_TONES: Record<CheckStepState, Tone> = { ok: 'success', failed: 'danger', skipped: 'neutral' };

/** A step's outcome in words and an icon, so colour is never the only sign. */
function StepState({ step }: { step: CheckStep }) {
  const Icon = step.state === 'ok' ? SuccessIcon : step.state === 'failed' ? ErrorIcon : null;
  return (
    <Badge tone={STATE_TONES[step.state]}>
      {Icon && <Icon size={12} />}
      {STATE_LABELS[step.state]}
    </Badge>
  );
}

const capitalized = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

const took = (step: CheckStep): string => (step.ms === null ? '' : ` (${formatDuration(step.ms)})`);

/** What each step found, or why it failed or was skipped. */
function details(check: PublicUrlCheck): Record<'dns' | 'tls' | 'http' | 'proof', string> {
  const { dns, tls, http, proof } = check;
  const notTried = (step: CheckStep): string => capitalized(step.error ?? 'Not tried: an earlier step failed');
  return {
    dns: dns.state === 'ok' ? `${dns.addresses.join(', ')}${took(dns)}` : notTried(dns),
    tls:
      tls.state === 'ok'
        ? `${tls.protocol ?? 'TLS'}, issued by ${tls.issuer ?? 'an unnamed issuer'}, expires ${tls.validTo ? formatDateTime(tls.validTo) : 'at an unknown date'}${took(tls)}`
        : tls.state === 'skipped' && isPlainHttp(check.url)
          ? 'Not used: the URL is plain http'
          : notTried(tls),
    http:
      http.state === 'ok'
        ? `Status ${http.status ?? '—'}, round trip ${formatDuration(http.ms ?? 0)}`
        : http.status !== null
          ? `Status ${http.status}: ${notTried(http)}`
          : notTried(http),
    proof: proof.state === 'ok' ? 'Answered by this ScimDesk (one-time code verified)' : notTried(proof),
  };
}

function CheckSteps({ check }: { check: PublicUrlCheck }) {
  const text = details(check);
  const rows: [string, CheckStep, string][] = [
    ['DNS', check.dns, text.dns],
    ['TLS', check.tls, text.tls],
    ['HTTP', check.http, text.http],
    ['Proof', check.proof, text.proof],
  ];
  return (
    <table className="check-steps">
      <caption className="sr-only">Steps of the check of {check.url}</caption>
      <thead>
        <tr>
          <th scope="col">Step</th>
          <th scope="col">Result</th>
          <th scope="col">Details</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, step, detail]) => (
          <tr key={name} className={`check-step is-${step.state}`}>
            <th scope="row">{name}</th>
            <td>
              <StepState step={step} />
            </td>
            <td className="check-step-detail">{detail}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function PublicCheckCard({ status }: { status: AppStatus }) {
  const titleId = useId();
  const check = useCheckPublicUrl();
  const last = currentCheck(status);
  const running = check.isPending || status.publicCheck?.running === true;
  const url = status.publicUrl;
  const canCheck = status.tunnelSettings.mode !== 'none' && url !== null;
  return (
    <section className="card" aria-labelledby={titleId}>
      <CardHeader
        icon={<CardIcon><SearchIcon size={18} /></CardIcon>}
        title="Check from outside"
        titleId={titleId}
        subtitle="Sends one request through the public URL, as an identity provider would, and checks that this ScimDesk answered. It runs by itself after every change of URL."
        aside={<ReachBadge status={status} />}
      />
      <div className="card-body stack-sm">
        {/* Polite: the verdict of a check started by a URL change is read out when it arrives. */}
        <div aria-live="polite" className="check-verdict">
          {!canCheck ? (
            <p className="muted">Nothing to check: ScimDesk has no public URL {status.tunnelSettings.mode === 'none' ? 'in this-computer-only mode' : 'while the tunnel is not online'}.</p>
          ) : running && last === null ? (
            <p className="muted">Checking {url}…</p>
          ) : last === null ? (
            <p className="muted">{url} has not been checked yet.</p>
          ) : (
            <Alert tone={last.ok ? 'success' : 'danger'} title={last.ok ? 'This ScimDesk answered from outside' : 'The check from outside failed'}>
              <p>{last.sentence}</p>
            </Alert>
          )}
        </div>
        {last !== null && canCheck && (
          <>
            <CheckSteps check={last} />
            <p className="field-hint">
              Checked <RelativeTime iso={last.startedAt} /> · <span className="mono">{last.url}</span>
            </p>
          </>
        )}
        {check.isError && <ErrorAlert error={check.error} title="The check did not run" />}
        <div className="form-actions">
          <button
            type="button"
            className="btn btn-secondary"
            // aria-disabled keeps the focus on it while a check runs.
            aria-disabled={!canCheck || running || undefined}
            aria-busy={running || undefined}
            onClick={() => {
              if (canCheck && !running) check.mutate();
            }}
          >
            {running && <span className="spinner spinner-inline" aria-hidden="true" />}
            {running ? 'Checking…' : 'Check from outside'}
          </button>
        </div>
      </div>
    </section>
  );
}
