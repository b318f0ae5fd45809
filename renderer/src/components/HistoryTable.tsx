import type { ActivitySummary } from '../../../contract/model';
import { formatFull, formatLogTime } from '../format';
import { useNow } from '../hooks/useNow';
import { href } from '../routes';
import { HttpStatusBadge } from './Badge';

/** The IdP requests that touched a user or group, newest first; each links to its log entry. */
export function HistoryTable({ entries, label }: { entries: readonly ActivitySummary[]; label: string }) {
  const now = useNow(60_000);
  if (entries.length === 0) return <p className="muted">No requests recorded for this {label} (the log keeps recent requests only).</p>;
  return (
    <table className="mini-table">
      <caption className="sr-only">Requests that touched this {label}</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Action</th>
          <th scope="col" className="cell-num">
            Status
          </th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.seq}>
            <td className="nowrap">
              <time dateTime={e.at} title={formatFull(e.at)}>
                {formatLogTime(e.at, now)}
              </time>
            </td>
            <td>
              <a href={href.activity(e.seq)}>{e.action}</a>
            </td>
            <td className="cell-num">
              <HttpStatusBadge status={e.status} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
