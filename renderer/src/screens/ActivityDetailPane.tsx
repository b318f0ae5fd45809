/** The "Request details" pane: who sent what, what ScimDesk answered, and what it normalised. */
import { isApiError } from '../api/client';
import { useActivityEntry } from '../api/useActivity';
import { useConnectionLabel } from '../api/useStatus';
import { ErrorAlert } from '../components/Alert';
import { HttpStatusBadge } from '../components/Badge';
import { DetailPane, DetailSection, Facts } from '../components/DetailPane';
import { JsonView } from '../components/JsonView';
import { Skeleton } from '../components/Spinner';
import { formatDuration, formatFull } from '../format';
import { href } from '../routes';

function Body({ text, label }: { text: string | null; label: string }) {
  if (text === null || text === '') return <p className="muted">No body.</p>;
  return <JsonView text={text} label={label} copyWhat={`${label.toLowerCase()} body`} />;
}

export function ActivityDetailPane({ seq }: { seq: number }) {
  const entry = useActivityEntry(seq);
  const labelOf = useConnectionLabel();
  const close = href.activity();

  if (entry.isPending) {
    return (
      <DetailPane label="Loading request details" closeHref={close} heading="Request" busy>
        <Skeleton lines={8} />
      </DetailPane>
    );
  }
  if (entry.isError) {
    return (
      <DetailPane label="Request details" closeHref={close} heading="Request">
        <ErrorAlert error={entry.error} title={isApiError(entry.error, 'not-found') ? 'This request is no longer in the log' : 'The request could not be loaded'} />
      </DetailPane>
    );
  }
  const e = entry.data;
  const resourceLink =
    e.resourceId && e.resourceType === 'User' ? href.users(e.resourceId) : e.resourceId && e.resourceType === 'Group' ? href.groups(e.resourceId) : null;
  return (
    <DetailPane label="Request details" closeHref={close} heading="Request">
      <header className="detail-header detail-header-request">
        <div className="detail-header-text">
          <h2 className="detail-title">{e.action}</h2>
          <p className="request-line">
            <span className={`method method-${e.method.toLowerCase()}`}>{e.method}</span>
            <span className="mono break">{e.path}</span>
          </p>
        </div>
        <HttpStatusBadge status={e.status} />
      </header>

      <DetailSection title="Summary" id="request-summary">
        <Facts
          items={[
            ['Time', <time key="t" dateTime={e.at}>{formatFull(e.at)}</time>],
            ['Connection', e.connection === null ? 'No valid token' : labelOf(e.connection)],
            ['Client IP', e.clientIp ? <span key="ip" className="mono">{e.clientIp}</span> : '—'],
            ['User agent', e.userAgent ? <span key="ua" className="mono break">{e.userAgent}</span> : '—'],
            ['Status', <HttpStatusBadge key="s" status={e.status} />],
            ['Duration', formatDuration(e.durationMs)],
            resourceLink !== null && [
              e.resourceType === 'User' ? 'User' : 'Group',
              <a key="r" href={resourceLink} className="mono break">
                {e.resourceId}
              </a>,
            ],
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
