/** Columns the Users and Groups tables share: source connection, created, last updated. */
import { type ColumnDef, createColumnHelper } from '@tanstack/react-table';
import { formatFull, formatWhen } from '../format';
import { useNow } from '../hooks/useNow';
import { RelativeTime } from './RelativeTime';

interface Dated {
  readonly source: string | null;
  readonly created: string;
  readonly lastModified: string;
}

/** When a record was created: date and time (the time alone today, kept current past midnight). */
function CreatedTime({ iso }: { iso: string }) {
  const now = useNow(60_000);
  return (
    <time className="nowrap" dateTime={iso} title={formatFull(iso)}>
      {formatWhen(iso, now)}
    </time>
  );
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function sharedColumns<T extends Dated>(labelOf: (name: string | null) => string | null): ColumnDef<T, any>[] {
  const col = createColumnHelper<Dated>();
  return [
    col.accessor('source', { id: 'source', header: 'Source', cell: (c) => <span className="nowrap">{labelOf(c.getValue()) ?? '—'}</span>, meta: { className: 'col-source' } }),
    col.accessor('created', {
      id: 'created',
      header: 'Created',
      sortDescFirst: true,
      cell: (c) => <CreatedTime iso={c.getValue()} />,
      meta: { className: 'col-created' },
    }),
    col.accessor('lastModified', {
      id: 'lastModified',
      header: 'Last updated',
      sortDescFirst: true,
      cell: (c) => (
        <span className="nowrap">
          <RelativeTime iso={c.getValue()} />
        </span>
      ),
      meta: { className: 'col-updated' },
    }),
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ] as ColumnDef<T, any>[];
}
