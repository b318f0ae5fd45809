/** Activity: the live log of IdP requests, filtered on the server and paged back with "Load older". */
import { createColumnHelper, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ActivitySummary } from '../../../contract/model';
import type { ConnectionName } from '../../../contract/connections';
import type { StatusClass } from '../../../contract/choices';
import { useActivityActions, useActivityLog } from '../api/useActivity';
import type { ActivityFilters } from '../api/query-keys';
import { useConnectionLabel, useLoadedStatus } from '../api/useStatus';
import { ErrorAlert } from '../components/Alert';
import { HttpStatusBadge } from '../components/Badge';
import { DataTable } from '../components/DataTable';
import { EmptyState } from '../components/EmptyState';
import { ActivityIcon } from '../components/Icons';
import { PageHeader } from '../components/PageHeader';
import { SelectField } from '../components/SelectField';
import { TableSkeleton } from '../components/Spinner';
import { formatDuration, formatFull, formatLogTime, formatNumber } from '../format';
import { useNow } from '../hooks/useNow';
import { href, navigate } from '../routes';
import { ActivityDetailPane } from './ActivityDetailPane';

type ConnectionFilter = 'all' | ConnectionName | 'none';
type ResultFilter = 'all' | StatusClass;

const col = createColumnHelper<ActivitySummary>();

export function ActivityScreen({ selectedSeq }: { selectedSeq: number | null }) {
  const status = useLoadedStatus();
  const labelOf = useConnectionLabel();
  const [connection, setConnection] = useState<ConnectionFilter>('all');
  const [action, setAction] = useState('all');
  const [result, setResult] = useState<ResultFilter>('all');
  const filters: ActivityFilters = {
    ...(connection !== 'all' ? { connection } : {}),
    ...(action !== 'all' ? { action } : {}),
    ...(result !== 'all' ? { status: result } : {}),
  };
  const log = useActivityLog(filters);
  const actions = useActivityActions();
  const now = useNow(30_000);

  const entries = useMemo(() => log.data?.pages.flat() ?? [], [log.data]);

  // Entries that arrive live (same filters, newer than what was shown) get a brief highlight.
  const filterKey = JSON.stringify(filters);
  const newestSeen = useRef<{ key: string; seq: number } | null>(null);
  const [highlightAbove, setHighlightAbove] = useState<number | null>(null);
  const newest = log.isPlaceholderData ? null : (entries[0]?.seq ?? null);
  useEffect(() => {
    if (newest === null) return;
    const seen = newestSeen.current;
    if (seen && seen.key === filterKey && newest > seen.seq) setHighlightAbove(seen.seq);
    else if (seen && seen.key !== filterKey) setHighlightAbove(null);
    newestSeen.current = { key: filterKey, seq: newest };
  }, [newest, filterKey]);

  const columns = useMemo(
    () => [
      col.accessor('at', {
        header: 'Time',
        cell: (c) => (
          <time className="nowrap num" dateTime={c.getValue()} title={formatFull(c.getValue())}>
            {formatLogTime(c.getValue(), now)}
          </time>
        ),
        meta: { className: 'col-time' },
      }),
      col.accessor('connection', {
        header: 'Connection',
        cell: (c) => (c.getValue() === null ? <span className="muted nowrap">No valid token</span> : <span className="nowrap">{labelOf(c.getValue())}</span>),
        meta: { className: 'col-connection' },
      }),
      col.accessor('action', { header: 'Action', cell: (c) => <span className="cell-primary">{c.getValue()}</span>, meta: { className: 'col-action' } }),
      col.accessor('method', { header: 'Method', cell: (c) => <span className={`method method-${c.getValue().toLowerCase()}`}>{c.getValue()}</span>, meta: { className: 'col-method' } }),
      col.accessor('path', {
        header: 'Path',
        cell: (c) => (
          <span className="mono path-cell" title={c.getValue()}>
            {c.getValue()}
          </span>
        ),
        meta: { className: 'col-path' },
      }),
      col.accessor('status', { header: 'Status', cell: (c) => <HttpStatusBadge status={c.getValue()} />, meta: { className: 'col-http' } }),
      col.accessor('durationMs', { header: 'Duration', cell: (c) => <span className="num nowrap">{formatDuration(c.getValue())}</span>, meta: { className: 'col-duration cell-num' } }),
    ],
    [labelOf, now],
  );

  const table = useReactTable({
    data: entries,
    columns,
    enableSorting: false,
    getRowId: (e) => String(e.seq),
    getCoreRowModel: getCoreRowModel(),
  });

  const filtered = connection !== 'all' || action !== 'all' || result !== 'all';
  const connectionOptions = [
    { value: 'all' as ConnectionFilter, label: 'All' },
    ...status.connections.map((c) => ({ value: c.name as ConnectionFilter, label: c.label })),
    { value: 'none' as ConnectionFilter, label: 'No valid token' },
  ];
  const actionOptions = [{ value: 'all', label: 'All' }, ...(actions.data ?? []).map((a) => ({ value: a, label: a }))];
  if (action !== 'all' && !actionOptions.some((o) => o.value === action)) actionOptions.push({ value: action, label: action });

  let body;
  if (log.isPending) body = <TableSkeleton label="Loading activity" />;
  else if (log.isError && !log.data)
    body = (
      <div className="card-body">
        <ErrorAlert
          error={log.error}
          title="The activity log could not be loaded"
          actions={
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => void log.refetch()}>
              Try again
            </button>
          }
        />
      </div>
    );
  else if (entries.length === 0)
    body = filtered ? (
      <EmptyState
        title="No matching requests."
        action={
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => {
              setConnection('all');
              setAction('all');
              setResult('all');
            }}
          >
            Clear filters
          </button>
        }
      >
        No request in the log matches these filters.
      </EmptyState>
    ) : (
      <EmptyState
        title="No requests yet."
        icon={<ActivityIcon size={22} />}
        action={
          <a className="btn btn-primary" href={href.scim()}>
            Go to App Integrations › SCIM
          </a>
        }
      >
        Every request Okta or Microsoft Entra ID sends shows up here as it happens. Click Test API Credentials in Okta (or Test Connection in Entra ID) to see the first ones.
      </EmptyState>
    );
  else
    body = (
      <>
        <DataTable
          table={table}
          caption="Activity log, newest first"
          selectedId={selectedSeq === null ? null : String(selectedSeq)}
          onActivate={(row) => navigate(href.activity(row.original.seq))}
          stale={log.isPlaceholderData}
          rowClassName={(row) => (highlightAbove !== null && row.original.seq > highlightAbove ? 'is-new' : undefined)}
          className="activity-table"
        />
        <div className="load-older">
          {log.hasNextPage ? (
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
              {log.isFetchingNextPage && <span className="spinner spinner-inline" aria-hidden="true" />}
              Load older
            </button>
          ) : (
            <p className="muted">Beginning of the log: {formatNumber(entries.length)} requests shown.</p>
          )}
          {log.isFetchNextPageError && <ErrorAlert error={log.error} title="Older requests could not be loaded" />}
        </div>
      </>
    );

  return (
    <div className="page page-list">
      <PageHeader
        title="Activity"
        subtitle="Every SCIM request the identity providers send, as it happens: what they asked, what ScimDesk answered."
        actions={
          <span className="live-pill" title="New requests appear automatically">
            <span className="live-dot" aria-hidden="true" />
            Live
          </span>
        }
      />
      <div className="toolbar">
        <SelectField<ConnectionFilter> label="Connection" value={connection} onChange={setConnection} options={connectionOptions} />
        <SelectField<string> label="Action" value={action} onChange={setAction} options={actionOptions} />
        <SelectField<ResultFilter>
          label="Result"
          value={result}
          onChange={setResult}
          options={[
            { value: 'all', label: 'All' },
            { value: 'success', label: 'Success' },
            { value: 'client-error', label: 'Client error' },
            { value: 'server-error', label: 'Server error' },
          ]}
        />
      </div>
      <div className={`split${selectedSeq !== null ? ' has-detail' : ''}`}>
        <div className="card list-card">
          <div className="table-scroll">{body}</div>
        </div>
        {selectedSeq !== null && <ActivityDetailPane seq={selectedSeq} />}
      </div>
    </div>
  );
}
