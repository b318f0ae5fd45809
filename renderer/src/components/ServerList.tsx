/**
 * A server-side sorted and paged list with its detail pane: the TanStack Table instance, the
 * loading / error / empty / no-match states, the table, the pagination, and the split layout.
 * The Users and Groups screens differ only in their query, columns and texts.
 */
import { type ColumnDef, type SortingState, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import type { UseQueryResult } from '@tanstack/react-query';
import { type ReactNode, useRef } from 'react';
import type { Page } from '../../../contract/model';
import { settledOf, useLiveRows } from '../hooks/useLiveRows';
import { ErrorAlert } from './Alert';
import { DataTable } from './DataTable';
import { LiveBar } from './LiveBar';
import { Pagination } from './Pagination';
import { TableSkeleton } from './Spinner';

export const PAGE_SIZE = 50;

const NO_ROWS: readonly never[] = [];

export interface ServerListProps<T extends { id: string }> {
  /** The page query (kept while the next page loads: placeholder data marks it stale). */
  readonly list: UseQueryResult<Page<T>>;
  /** Names what the query asks (search, filters, sort, page): rows of another key show at once. */
  readonly listKey: string;
  // Columns of mixed value types, as TanStack's column helper produces them.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly columns: ColumnDef<T, any>[];
  readonly sorting: SortingState;
  readonly onSortingChange: (sorting: SortingState) => void;
  readonly onOffset: (offset: number) => void;
  /** "Users": the table's caption; lower-cased in the loading and error texts. */
  readonly caption: string;
  readonly className: string;
  readonly selectedId: string | null;
  readonly onActivate: (item: T) => void;
  /** Shown when there is nothing at all yet (no filter applied). */
  readonly empty: ReactNode;
  /** Shown when a search or filter matches nothing. */
  readonly noMatch: ReactNode;
  readonly filtered: boolean;
  readonly detail: ReactNode;
}

export function ServerList<T extends { id: string }>(props: ServerListProps<T>) {
  const { list, caption, selectedId } = props;
  const page = list.data;
  const scrollRef = useRef<HTMLDivElement>(null);
  // The directory changes under the list (an import): rows added, removed or reordered wait
  // behind the bar, whatever the pointer does, so the row read is the row clicked.
  const live = useLiveRows({ key: props.listKey, rows: page?.items, settled: settledOf(list), idOf: (item) => item.id, hold: true, total: page?.total });
  const items = live.rows ?? NO_ROWS;
  const table = useReactTable({
    data: items as T[],
    columns: props.columns,
    state: { sorting: props.sorting },
    onSortingChange: (updater) => props.onSortingChange(typeof updater === 'function' ? updater(props.sorting) : updater),
    manualSorting: true,
    manualPagination: true,
    enableSortingRemoval: false,
    enableMultiSort: false,
    rowCount: page?.total ?? 0,
    getRowId: (item) => item.id,
    getCoreRowModel: getCoreRowModel(),
  });

  const changeOffset = (next: number): void => {
    props.onOffset(next);
    scrollRef.current?.scrollTo({ top: 0 });
  };

  let body: ReactNode;
  if (list.isPending) body = <TableSkeleton label={`Loading ${caption.toLowerCase()}`} />;
  else if (list.isError && !page)
    body = (
      <div className="card-body">
        <ErrorAlert
          error={list.error}
          title={`The ${caption.toLowerCase()} could not be loaded`}
          actions={
            <button type="button" className="btn btn-secondary btn-sm" onClick={() => void list.refetch()}>
              Try again
            </button>
          }
        />
      </div>
    );
  else if (page && items.length === 0 && page.total === 0 && !props.filtered) body = props.empty;
  else if (page && items.length === 0) body = props.noMatch;
  else
    body = (
      <DataTable
        table={table}
        caption={caption}
        selectedId={selectedId}
        onActivate={(row) => props.onActivate(row.original)}
        stale={list.isPlaceholderData}
        className={props.className}
      />
    );

  return (
    <div className={`split${selectedId ? ' has-detail' : ''}`}>
      {/* Escape closes the detail pane from anywhere on the screen: DetailPane listens for it. */}
      <div className="card list-card">
        <LiveBar waiting={live.waiting} onShow={live.show} list={scrollRef} />
        <div className="table-scroll" ref={scrollRef}>
          {body}
        </div>
        {/* The total follows the directory; the rows shown are those held. */}
        {page && page.total > 0 && (
          <Pagination offset={page.offset} count={items.length} total={page.total} limit={PAGE_SIZE} onOffset={changeOffset} busy={list.isFetching} />
        )}
      </div>
      {selectedId && props.detail}
    </div>
  );
}

