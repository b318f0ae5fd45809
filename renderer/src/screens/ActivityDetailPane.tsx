/**
 * The "Request details" pane: what the request was about (by name), why it failed and what to
 * do, what it changed (field by field, members), who sent it, and the bodies pretty-printed.
 */
import type { ActivityDetail } from '../../../contract/model';
import { TOKEN_LABELS, connectionLabel } from '../activity';
import { isApiError } from '../api/client';
import { useActivityEntry } from '../api/useActivity';
import { Alert, ErrorAlert } from '../components/Alert';
import { FaultBadge, HttpStatusBadge, SimulatedBadge } from '../components/Badge';
import { ChangesTable, MemberDeltaText } from '../components/ChangesTable';
import { DetailPane, DetailSection, Facts } from '../components/DetailPane';
import { JsonView } from '../components/JsonView';
import { RemedyButton } from '../components/RemedyButton';
import { Skeleton } from '../components/Spinner';
import { formatDuration, formatFull, formatLogDateTime } from '../format';
import { href } from '../routes';

function Body({ text, label }: { text: string | null; label: string }) {
  if (text === null || text === '') return <p className="muted">No body.</p>;
  return <JsonView text={text} label={label} copyWhat={`${label.toLowerCase()} body`} />;
}

/** The user or group by name, linked; its SCIM id underneath. */
function Target({ e }: { e: ActivityDetail }) {
  const link = e.resourceId && e.resourceType === 'User' ? href.users(e.resourceId) : e.resourceId && e.resourceType === 'Group' ? href.groups(e.resourceId) : null;
  const name = e.target ?? e.resourceId;
  if (name === null) return <>—</>;
  return (
    <span className="target-value">
      {link ? <a href={link}>{name}</a> : <span>{name}</span>}
      {e.resourceId && e.target && <span className="mono muted target-id">{e.resourceId}</span>}
    </span>
  );
}

function Explanation({ e }: { e: ActivityDetail }) {
  if (e.status < 400) return null;
  const server = e.status >= 500;
  return (
    <Alert
      tone={server ? 'danger' : 'warning'}
      role="note"
      className="request-explanation"
      title={server ? 'ScimDesk could not complete this request' : `ScimDesk refused this request`}
      actions={e.remedy ? <RemedyButton remedy={e.remedy} /> : undefined}
    >
      <p>{e.explanation ?? 'No explanation was recorded for this request.'}</p>
    </Alert>
  );
}

export function ActivityDetailPane({ seq, closeHref = href.activity() }: { seq: number; closeHref?: string }) {
  const entry = useActivityEntry(seq);

  if (entry.isPending) {
    return (
      <DetailPane label="Loading request details" closeHref={closeHref} heading="Request" busy>
        <Skeleton lines={8} />
      </DetailPane>
    );
  }
  if (entry.isError) {
    return (
      <DetailPane label="Request details" closeHref={closeHref} heading="Request">
        <ErrorAlert error={entry.error} title={isApiError(entry.error, 'not-found') ? 'This request is no longer in the log' : 'The request could not be loaded'} />
      </DetailPane>
    );
  }
  const e = entry.data;
  const noun = e.resourceType === 'User' ? 'User' : e.resourceType === 'Group' ? 'Group' : 'Target';
  return (
    <DetailPane label="Request details" closeHref={closeHref} heading="Request">
      <header className="detail-header detail-header-request">
        <div className="detail-header-text">
          <h2 className="detail-title">
            {e.action}
            {e.target && (
              <>
                <span className="title-sep">{' · '}</span>
                <span className="detail-title-target">{e.target}</span>
              </>
            )}
          </h2>
          {e.summary && <p className="detail-subtitle request-summary-line">{e.summary}</p>}
          <p className="request-line">
            <span className={`method method-${e.method.toLowerCase()}`}>{e.method}</span>
            <span className="mono break">{e.path}</span>
          </p>
        </div>
        <HttpStatusBadge status={e.status} />
      </header>

      <Explanation e={e} />

      {(e.changes.length > 0 || e.members !== null) && (
        <DetailSection title="What changed" id="request-changes">
          {e.members !== null && <MemberDeltaText members={e.members} />}
          {e.changes.length > 0 && <ChangesTable changes={e.changes} caption={`What ${e.action.toLowerCase()} changed, field by field`} />}
        </DetailSection>
      )}

      <DetailSection title="Summary" id="request-summary">
        <Facts
          items={[
            [noun, <Target key="t" e={e} />],
            [
              'Time',
              <time key="t" dateTime={e.at} title={formatFull(e.at)}>
                {formatLogDateTime(e.at)}
              </time>,
            ],
            [
              'Connection',
              <span key="c">
                {connectionLabel(e.connection) ?? '—'} <SimulatedBadge simulated={e.simulated} />
              </span>,
            ],
            e.token !== null && ['Token', TOKEN_LABELS[e.token]],
            [
              'Result',
              <span key="s">
                <HttpStatusBadge status={e.status} /> <FaultBadge fault={e.fault} />
              </span>,
            ],
            ['Duration', formatDuration(e.durationMs)],
            ['Client IP', e.clientIp ? <span key="ip" className="mono">{e.clientIp}</span> : '—'],
            ['User agent', e.userAgent ? <span key="ua" className="mono break">{e.userAgent}</span> : '—'],
            ['Log entry', `#${e.seq}`],
          ]}
        />
      </DetailSection>

      <DetailSection title="What ScimDesk normalised" id="request-notes">
        {e.notes.length === 0 ? (
          <p className="muted">Nothing: the request was used as sent.</p>
        ) : (
          <ul className="notes-list">
            {e.notes.map((note, i) => (
              <li key={i} className="mono">
                {note}
              </li>
            ))}
          </ul>
        )}
      </DetailSection>

      <DetailSection title="Request" id="request-body">
        <Body text={e.requestBody} label="Request" />
      </DetailSection>

      <DetailSection title="Response" id="response-body">
        <Body text={e.responseBody} label="Response" />
      </DetailSection>
    </DetailPane>
  );
}
