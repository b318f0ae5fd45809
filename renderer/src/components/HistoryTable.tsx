/**
 * A user's or group's change history (its audit trail), oldest first: the Create, then the
 * newest changes, each with its date and time, the connection that made it and a one-line
 * summary; the field-by-field diff opens under it. Changes between the Create and the newest
 * ones that the core left out are counted where they would be.
 */
import type { AuditEntry, History } from '../../../contract/model';
import { AUDIT_ACTION_LABELS, AUDIT_ACTION_TONES, connectionLabel } from '../activity';
import { formatFull, formatLogDateTime, plural } from '../format';
import { useNow } from '../hooks/useNow';
import { Badge } from './Badge';
import { ChangesTable, MemberDeltaText } from './ChangesTable';
import { DetailSection } from './DetailPane';
import { href } from '../routes';

function Entry({ entry, now, label }: { entry: AuditEntry; now: number; label: string }) {
  const hasDiff = entry.changes.length > 0 || entry.members !== null;
  const by = connectionLabel(entry.connection);
  return (
    <li className={`history-entry history-${entry.action}`}>
      <div className="history-head">
        <Badge tone={AUDIT_ACTION_TONES[entry.action]}>{AUDIT_ACTION_LABELS[entry.action]}</Badge>
        {entry.summary.toLowerCase() !== AUDIT_ACTION_LABELS[entry.action].toLowerCase() && <span className="history-summary">{entry.summary}</span>}
      </div>
      <p className="history-meta">
        <time dateTime={entry.at} title={formatFull(entry.at)}>
          {formatLogDateTime(entry.at, now)}
        </time>
        <span aria-hidden="true"> · </span>
        <span className="sr-only">, </span>
        <span>{by ? `by ${by}` : 'without a connection'}</span>
      </p>
      {hasDiff && (
        <details className="history-details">
          <summary>
            {entry.action === 'create' ? 'Show the values it was created with' : 'Show what changed'}
            {entry.changes.length > 0 && ` (${plural(entry.changes.length, 'field')})`}
          </summary>
          {entry.changes.length > 0 && <ChangesTable changes={entry.changes} caption={`${AUDIT_ACTION_LABELS[entry.action]} ${label}: changes`} />}
          {entry.members && <MemberDeltaText members={entry.members} />}
        </details>
      )}
    </li>
  );
}

export function HistoryTable({ history, label }: { history: History; label: 'user' | 'group' }) {
  const now = useNow(60_000);
  const { entries, omitted } = history;
  if (entries.length === 0) return <p className="muted">No change recorded for this {label}.</p>;
  const [first, ...rest] = entries;
  return (
    <>
      <p className="history-order muted">Oldest first: its creation, then the most recent changes.</p>
      <ol className="history-list" aria-label={`Changes to this ${label}, oldest first`}>
        <Entry entry={first!} now={now} label={label} />
        {omitted > 0 && (
          <li className="history-omitted">
            … {plural(omitted, 'earlier change')} not shown
          </li>
        )}
        {rest.map((e) => (
          <Entry key={e.seq} entry={e} now={now} label={label} />
        ))}
      </ol>
    </>
  );
}

/** A user's or group's History section: the audit trail, and a link to its requests in Activity. */
export function HistorySection({ history, label, name }: { history: History; label: 'user' | 'group'; name: string }) {
  return (
    <DetailSection
      title="History"
      id={`${label}-history`}
      aside={
        <a className="section-link" href={href.activity(undefined, { search: name })}>
          Requests in Activity
        </a>
      }
    >
      <HistoryTable history={history} label={label} />
    </DetailSection>
  );
}
