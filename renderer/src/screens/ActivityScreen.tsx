/**
 * Activity: the live log of the IdPs' requests, each row one sentence ("Create user ·
 * ada@example.com"), filtered on the server (connection, action, result, free text) with the
 * filters in the URL, paged back with "Load older"; and, apart, the requests refused without a
 * valid token, one aggregate per address and status.
 */
import { createColumnHelper, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useEffect, useMemo, useRef, useState } from 'react';
import { CONNECTIONS, type ConnectionName } from '../../../contract/connections';
import type { StatusClass } from '../../../contract/choices';
import type { ActivitySummary, AppStatus, RefusedSummary } from '../../../contract/model';
import { connectionLabel, retentionSentence, statusClass } from '../activity';
import { useActivityActions, useActivityEntry, useActivityLog, useRefused } from '../api/useActivity';
import type { ActivityFilters } from '../api/query-keys';
import { useLoadedStatus } from '../api/useStatus';
import { Alert, ErrorAlert } from '../components/Alert';
import { Badge, FaultBadge, HttpStatusBadge, PreviousTokenBadge, SimulatedBadge } from '../components/Badge';
import { DataTable } from '../components/DataTable';
import { EmptyState } from '../components/EmptyState';
import { ActivityIcon, InfoIcon, LockIcon } from '../components/Icons';
import { PageHeader } from '../components/PageHeader';
import { RemedyButton } from '../components/RemedyButton';
import { SearchInput } from '../components/SearchInput';
import { SelectField } from '../components/SelectField';
import { Skeleton, TableSkeleton } from '../components/Spinner';
import { formatDuration, formatFull, formatLogDateTime, formatNumber, plural } from '../format';
import { LiveBar } from '../components/LiveBar';
import { LiveToggle } from '../components/LiveToggle';
import { useUrlSearch } from '../hooks/useUrlSearch';
import { settledOf, useLiveRows } from '../hooks/useLiveRows';
import { usePointerInside } from '../hooks/usePointerInside';
import { useNow } from '../hooks/useNow';
import { type ActivityTab, type ActivityUrlFilters, href, navigate, replaceRoute } from '../routes';
import { ActivityDetailPane } from './ActivityDetailPane';
import { CardHeader, CardIcon } from '../components/CardHeader';

type ConnectionFilter = 'all' | ConnectionName;
type ResultFilter = 'all' | StatusClass;

const col = createColumnHelper<ActivitySummary>();

const NO_ENTRIES: readonly ActivitySummary[] = [];

/** What the server is asked for: the URL's filters, the search trimmed. */
function queryFilters(f: ActivityUrlFilters): ActivityFilters {
  const search = f.search?.trim();
  return {
    ...(f.connection ? { connection: f.connection } : {}),
    ...(f.action ? { action: f.action } : {}),
    ...(f.status ? { status: f.status } : {}),
    ...(search ? { search } : {}),
  };
}

/** Whether an entry passes the filters, as far as the panel can tell (the server decides for the list). */
function passes(e: ActivitySummary, f: ActivityFilters): boolean {
  if (f.connection && e.connection !== f.connection) return false;
  if (f.action && e.action !== f.action) return false;
  if (f.status && statusClass(e.status) !== f.status) return false;
  if (f.search) {
    // As the server searches (request-log-reader): text in the target, path or action, or the
    // exact status. A status that merely contains the text ("20" in 201) would keep open a pane
    // the list excludes.
    const q = f.search.toLowerCase();
    return [e.target ?? '', e.path, e.action].some((t) => t.toLowerCase().includes(q)) || String(e.status) === f.search;
  }
  return true;
}

/** The request as one sentence: action · target · what it did; then the explanation (errors) or the request line. */
function RequestCell({ e }: { e: ActivitySummary }) {
  const error = e.status >= 400;
  // The connection, here only when its column is hidden (a narrow list).
  const conn = e.connection && (
    <span className="req-conn">
      {connectionLabel(e.connection)} <PreviousTokenBadge token={e.token} /> <SimulatedBadge simulated={e.simulated} /> ·{' '}
    </span>
  );
  return (
    <div className="req">
      <span className="req-line">
        <span className="req-action">{e.action}</span>
        {e.target && (
          <>
            <span className="req-sep">{' · '}</span>
            <span className="req-target">{e.target}</span>
          </>
        )}
        {e.summary && (
          <>
            <span className="req-sep">{' · '}</span>
            <span className="req-summary">{e.summary}</span>
          </>
        )}
      </span>
      {error && e.explanation ? (
        <span className={`req-sub req-explanation req-explanation-${e.status >= 500 ? 'danger' : 'warning'}`} title={e.explanation}>
          {conn}
          {e.explanation}
        </span>
      ) : (
        <span className="req-sub" title={`${e.method} ${e.path}`}>
          {conn}
          <span className="mono">
            {e.method} {e.path}
          </span>
        </span>
      )}
    </div>
  );
}

function RequestLogAlert({ status }: { status: AppStatus }) {
  const log = status.requestLog;
  if (log.state === 'ok' && log.dropped === 0) return null;
  const title = log.state === 'disk-full' ? 'The disk is full: the activity log is not recording every request' : log.state === 'unavailable' ? 'The activity log is unavailable' : 'Some requests were not recorded in the activity log';
  return (
    <Alert tone="warning" role="alert" title={title} className="activity-alert">
      {log.message && <p>{log.message}</p>}
      {log.dropped > 0 && <p>{plural(log.dropped, 'entry', 'entries')} not written since ScimDesk started. Users and groups are not affected.</p>}
    </Alert>
  );
}

function RetentionNote({ status }: { status: AppStatus }) {
  return (
    <p className="retention-note">
      <InfoIcon size={14} />
      <span>{retentionSentence(status.requestLog.retention)}</span>
    </p>
  );
}

function Tabs({ tab, filters, refused }: { tab: ActivityTab; filters: ActivityUrlFilters; refused: readonly RefusedSummary[] | undefined }) {
  const total = refused?.reduce((n, r) => n + r.count, 0) ?? 0;
  return (
    <nav className="view-tabs" aria-label="Activity views">
      <a className={`view-tab${tab === 'requests' ? ' is-current' : ''}`} href={href.activity(undefined, filters)} aria-current={tab === 'requests' ? 'page' : undefined}>
        <ActivityIcon size={15} />
        Requests
      </a>
      <a className={`view-tab${tab === 'refused' ? ' is-current' : ''}`} href={href.refused(filters)} aria-current={tab === 'refused' ? 'page' : undefined}>
        <LockIcon size={15} />
        Refused without a valid token
        {total > 0 && (
          <span className="view-tab-count">
            {formatNumber(total)}
            <span className="sr-only"> refused</span>
          </span>
        )}
      </a>
    </nav>
  );
}

/** Newest first: the log's order, by sequence number. */
const newerEntry = (a: ActivitySummary, b: ActivitySummary): boolean => a.seq > b.seq;

function RequestsView({ selectedSeq, urlFilters, paused }: { selectedSeq: number | null; urlFilters: ActivityUrlFilters; paused: boolean }) {
  const urlKey = JSON.stringify(urlFilters);
  // Keyed by value: the route object is new on every render.
  const filters = useMemo(() => queryFilters(urlFilters), [urlKey]);
  const log = useActivityLog(filters);
  const actions = useActivityActions();
  const selected = useActivityEntry(selectedSeq);
  const now = useNow(30_000);
  const fresh = useMemo(() => log.data?.pages.flat(), [log.data]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [pointerInside, pointerHandlers] = usePointerInside();
  // New requests go on top, pushing the rows down, except while the admin is reading: paused,
  // the pointer over the list, or an entry open. Then they wait behind "N new — show".
  const live = useLiveRows({
    key: JSON.stringify(filters),
    rows: fresh,
    settled: settledOf(log),
    idOf: (e) => String(e.seq),
    hold: paused || pointerInside || selectedSeq !== null,
    newer: newerEntry,
  });
  const entries = live.rows ?? NO_ENTRIES;

  // The search box: typed text reaches the URL (without a new history entry) once typing pauses;
  // a URL that changes (Back, a link) puts its search in the box.
  const [search, setSearch] = useUrlSearch(
    urlFilters.search ?? '',
    (text) => {
      const { search: _old, ...rest } = urlFilters;
      replaceRoute(href.activity(selectedSeq ?? undefined, text ? { ...rest, search: text } : rest));
    },
    300,
  );
  // For the effect below, which runs on the list's changes only.
  const latest = useRef({ urlFilters });
  latest.current = { urlFilters };

  const setFilter = (change: Partial<Record<keyof ActivityUrlFilters, string | undefined>>): void => {
    const next: Record<string, string | undefined> = { ...urlFilters, ...change };
    for (const k of Object.keys(next)) if (next[k] === undefined || next[k] === 'all') delete next[k];
    navigate(href.activity(selectedSeq ?? undefined, next as ActivityUrlFilters));
  };

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

  const filtered = Object.keys(filters).length > 0;

  // The pane closes when the filters exclude its entry: it is not in the list the server
  // answered (when that list reaches back past it), or it does not pass them.
  const listReady = log.isSuccess && !log.isPlaceholderData;
  useEffect(() => {
    if (selectedSeq === null || !filtered || !listReady) return;
    if (entries.some((e) => e.seq === selectedSeq)) return;
    const oldest = entries[entries.length - 1];
    let excluded: boolean;
    if (!log.hasNextPage || oldest === undefined || selectedSeq > oldest.seq) excluded = true;
    else if (selected.data) excluded = !passes(selected.data, filters);
    else return;
    if (excluded) replaceRoute(href.activity(undefined, latest.current.urlFilters));
  }, [selectedSeq, filtered, listReady, entries, log.hasNextPage, selected.data, filters]);

  const columns = useMemo(
    () => [
      col.accessor('at', {
        header: 'Time',
        cell: (c) => (
          <time className="nowrap num" dateTime={c.getValue()} title={formatFull(c.getValue())}>
            {formatLogDateTime(c.getValue(), now)}
          </time>
        ),
        meta: { className: 'col-time' },
      }),
      col.display({ id: 'request', header: 'Request', cell: (c) => <RequestCell e={c.row.original} />, meta: { className: 'col-request' } }),
      col.accessor('connection', {
        header: 'Connection',
        cell: (c) => (
          <span className="nowrap">
            {connectionLabel(c.getValue()) ?? <span className="muted">—</span>} <PreviousTokenBadge token={c.row.original.token} />{' '}
            <SimulatedBadge simulated={c.row.original.simulated} />
          </span>
        ),
        meta: { className: 'col-connection' },
      }),
      col.accessor('status', {
        header: 'Result',
        cell: (c) => (
          <span className="result-cell">
            <HttpStatusBadge status={c.getValue()} /> <FaultBadge fault={c.row.original.fault} />
          </span>
        ),
        meta: { className: 'col-http' },
      }),
      col.accessor('durationMs', { header: 'Duration', cell: (c) => <span className="num nowrap">{formatDuration(c.getValue())}</span>, meta: { className: 'col-duration cell-num' } }),
    ],
    [now],
  );

  const table = useReactTable({
    data: entries as ActivitySummary[],
    columns,
    enableSorting: false,
    getRowId: (e) => String(e.seq),
    getCoreRowModel: getCoreRowModel(),
  });

  const connectionOptions = [{ value: 'all' as ConnectionFilter, label: 'All' }, ...CONNECTIONS.map((c) => ({ value: c as ConnectionFilter, label: connectionLabel(c)! }))];
  const actionOptions = [{ value: 'all', label: 'All' }, ...(actions.data ?? []).map((a) => ({ value: a, label: a }))];
  const action = urlFilters.action ?? 'all';
  if (action !== 'all' && !actionOptions.some((o) => o.value === action)) actionOptions.push({ value: action, label: action });

  const clearFilters = (): void => {
    setSearch('');
    navigate(href.activity());
  };

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
          <button type="button" className="btn btn-secondary" onClick={clearFilters}>
            Clear filters
          </button>
        }
      >
        {filters.search ? `No request in the log matches “${filters.search}” with these filters.` : 'No request in the log matches these filters.'}
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
          caption={filtered ? 'Activity log, filtered, newest first' : 'Activity log, newest first'}
          selectedId={selectedSeq === null ? null : String(selectedSeq)}
          onActivate={(row) => navigate(href.activity(row.original.seq, urlFilters))}
          stale={log.isPlaceholderData}
          rowClassName={(row) => {
            const cls = `status-${statusClass(row.original.status)}`;
            return highlightAbove !== null && row.original.seq > highlightAbove ? `${cls} is-new` : cls;
          }}
          className="activity-table"
        />
        <div className="load-older">
          {log.hasNextPage ? (
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
              {log.isFetchingNextPage && <span className="spinner spinner-inline" aria-hidden="true" />}
              Load older
            </button>
          ) : (
            <p className="muted">
              {filtered ? 'All matching requests in the log' : 'Beginning of the log'}: {plural(entries.length, 'request')} shown.
            </p>
          )}
          {log.isFetchNextPageError && <ErrorAlert error={log.error} title="Older requests could not be loaded" />}
        </div>
      </>
    );

  return (
    <>
      <div className="toolbar" role="search" aria-label="Filter the activity log">
        <SearchInput label="Search activity" value={search} onChange={setSearch} placeholder="Search by user, group, path or status" />
        <SelectField<ConnectionFilter> label="Connection" value={urlFilters.connection ?? 'all'} onChange={(v) => setFilter({ connection: v })} options={connectionOptions} />
        <SelectField<string> label="Action" value={action} onChange={(v) => setFilter({ action: v })} options={actionOptions} />
        <SelectField<ResultFilter>
          label="Result"
          value={urlFilters.status ?? 'all'}
          onChange={(v) => setFilter({ status: v })}
          options={[
            { value: 'all', label: 'All' },
            { value: 'success', label: 'Success' },
            { value: 'client-error', label: 'Client error (4xx)' },
            { value: 'server-error', label: 'Server error (5xx)' },
          ]}
        />
        {filtered && (
          <button type="button" className="btn btn-ghost btn-sm" onClick={clearFilters}>
            Clear filters
          </button>
        )}
      </div>
      <div className={`split${selectedSeq !== null ? ' has-detail' : ''}`}>
        <div className="card list-card" {...pointerHandlers}>
          <LiveBar waiting={live.waiting} onShow={live.show} list={scrollRef} />
          <div className="table-scroll" ref={scrollRef}>
            {body}
          </div>
        </div>
        {selectedSeq !== null && <ActivityDetailPane seq={selectedSeq} closeHref={href.activity(undefined, urlFilters)} />}
      </div>
    </>
  );
}

function RefusedItem({ r, now }: { r: RefusedSummary; now: number }) {
  const from = r.clientIp ?? 'an unknown address';
  return (
    <li className={`refused-item refused-${statusClass(r.status)}`}>
      <div className="refused-head">
        <HttpStatusBadge status={r.status} />
        <h3 className="refused-title">
          {plural(r.count, 'request')} from <span className="mono">{from}</span>
        </h3>
        {r.claimedConnection && <Badge tone="warning">{`Replaced ${connectionLabel(r.claimedConnection)} token`}</Badge>}
      </div>
      <p className="refused-explanation">{r.explanation}</p>
      <dl className="refused-facts">
        <div>
          <dt>First seen</dt>
          <dd>
            <time dateTime={r.firstAt} title={formatFull(r.firstAt)}>
              {formatLogDateTime(r.firstAt, now)}
            </time>
          </dd>
        </div>
        <div>
          <dt>Last seen</dt>
          <dd>
            <time dateTime={r.lastAt} title={formatFull(r.lastAt)}>
              {formatLogDateTime(r.lastAt, now)}
            </time>
          </dd>
        </div>
        <div className="refused-fact-wide">
          <dt>Latest request</dt>
          <dd className="mono break">
            {r.sampleMethod} {r.samplePath}
          </dd>
        </div>
        <div className="refused-fact-wide">
          <dt>Client</dt>
          <dd className="mono break">{r.sampleAgent ?? '—'}</dd>
        </div>
      </dl>
      {r.remedy && (
        <div className="refused-actions">
          <RemedyButton remedy={r.remedy} variant="secondary" />
        </div>
      )}
    </li>
  );
}

function RefusedView({ refused }: { refused: ReturnType<typeof useRefused> }) {
  const now = useNow(30_000);
  const { refetch } = refused;
  useEffect(() => {
    void refetch();
  }, [refetch]);
  let body;
  if (refused.isPending) body = <Skeleton lines={6} />;
  else if (refused.isError && !refused.data) body = <ErrorAlert error={refused.error} title="The refused requests could not be loaded" />;
  else if (refused.data.length === 0)
    body = (
      <EmptyState title="Nothing refused." icon={<LockIcon size={22} />}>
        Every request ScimDesk received carried a valid token. Requests without one (a missing, wrong or replaced token) are counted here by address.
      </EmptyState>
    );
  else
    body = (
      <ul className="refused-list" aria-label="Refused requests, by address and status">
        {[...refused.data]
          .sort((a, b) => b.lastAt.localeCompare(a.lastAt))
          .map((r) => (
            <RefusedItem key={r.id} r={r} now={now} />
          ))}
      </ul>
    );
  return (
    <section className="card refused-card" aria-labelledby="refused-title">
      <CardHeader
        icon={<CardIcon><LockIcon size={18} /></CardIcon>}
        title="Refused without a valid token"
        titleId="refused-title"
        subtitle="Requests no token let in are not logged one by one: each address and status is one line, with its count and the latest request."
      />
      <div className="card-body">{body}</div>
    </section>
  );
}

export function ActivityScreen({ selectedSeq, tab, filters }: { selectedSeq: number | null; tab: ActivityTab; filters: ActivityUrlFilters }) {
  const status = useLoadedStatus();
  // Kept here, above the views: opening an entry, filtering or switching tabs keeps it.
  const [paused, setPaused] = useState(false);
  // Refused requests make no activity event: polled, faster while they are on screen.
  const refused = useRefused(tab === 'refused' ? 5_000 : 15_000);
  return (
    <div className={`page${tab === 'requests' ? ' page-list' : ''}`}>
      <PageHeader
        title="Activity"
        subtitle="Every SCIM request the identity providers send, as it happens: what they asked, what ScimDesk answered, and what to do when it failed."
        actions={tab === 'requests' ? <LiveToggle paused={paused} onChange={setPaused} /> : undefined}
      />
      <RequestLogAlert status={status} />
      <Tabs tab={tab} filters={filters} refused={refused.data} />
      <RetentionNote status={status} />
      {tab === 'requests' ? <RequestsView selectedSeq={selectedSeq} urlFilters={filters} paused={paused} /> : <RefusedView refused={refused} />}
    </div>
  );
}
