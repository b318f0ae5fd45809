/**
 * A compact data table over a TanStack Table instance (sorting and paging happen on the
 * server). Sortable headers are buttons and the th carries aria-sort; rows are selectable
 * with the mouse or the keyboard: one row is in the tab order, arrows move between rows,
 * Enter or Space selects.
 */
import { type Header, type Row, type RowData, type Table, flexRender } from '@tanstack/react-table';
import { type KeyboardEvent, type PointerEvent, useRef, useState } from 'react';
import { SortAscIcon, SortDescIcon, SortNoneIcon } from './Icons';

declare module '@tanstack/react-table' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData extends RowData, TValue> {
    /** Class for the column's th and td cells (widths, alignment, hiding in narrow layouts). */
    className?: string;
  }
}

function SortHeader<T>({ header }: { header: Header<T, unknown> }) {
  const column = header.column;
  const label = flexRender(column.columnDef.header, header.getContext());
  const meta = column.columnDef.meta;
  if (!column.getCanSort()) {
    return (
      <th scope="col" className={meta?.className}>
        {label}
      </th>
    );
  }
  const sorted = column.getIsSorted();
  return (
    <th scope="col" className={meta?.className} aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}>
      <button type="button" className={`th-sort${sorted ? ' is-sorted' : ''}`} onClick={column.getToggleSortingHandler()}>
        <span>{label}</span>
        {sorted === 'asc' ? <SortAscIcon size={13} /> : sorted === 'desc' ? <SortDescIcon size={13} /> : <SortNoneIcon size={13} className="sort-idle" />}
      </button>
    </th>
  );
}

interface DataTableProps<T> {
  readonly table: Table<T>;
  /** Names the table for screen readers (visually hidden caption). */
  readonly caption: string;
  readonly selectedId?: string | null;
  readonly onActivate?: (row: Row<T>) => void;
  /** True while a newer page loads: the current rows stay, dimmed. */
  readonly stale?: boolean;
  readonly rowClassName?: (row: Row<T>) => string | undefined;
  readonly className?: string;
}

/**
 * Cells end in an ellipsis when their column is too narrow: on hover, a cut cell (or an element
 * in it) gets its whole text as a tooltip, and a cell that shows everything gets none. Measured
 * on hover because whether text is cut depends on the window's width at that moment.
 */
function titleIfCut(e: PointerEvent<HTMLTableCellElement>): void {
  const td = e.currentTarget;
  const cut = [td, ...td.querySelectorAll<HTMLElement>('*')].some((el) => el.scrollWidth > el.clientWidth + 1);
  const text = td.textContent?.trim() ?? '';
  if (cut && text) td.title = text;
  else td.removeAttribute('title');
}

export function DataTable<T>({ table, caption, selectedId, onActivate, stale, rowClassName, className }: DataTableProps<T>) {
  const rows = table.getRowModel().rows;
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const selectedIndex = rows.findIndex((r) => r.id === selectedId);
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  const tabIndexRow = focusIndex !== null && focusIndex < rows.length ? focusIndex : Math.max(0, selectedIndex);

  const focusRow = (i: number): void => {
    const clamped = Math.min(rows.length - 1, Math.max(0, i));
    setFocusIndex(clamped);
    bodyRef.current?.querySelectorAll<HTMLTableRowElement>(':scope > tr')[clamped]?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTableRowElement>, i: number, row: Row<T>): void => {
    if (e.target !== e.currentTarget) return;
    const step: Record<string, number> = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: rows.length - 1, PageDown: i + 10, PageUp: i - 10 };
    const to = step[e.key];
    if (to !== undefined) {
      e.preventDefault();
      focusRow(to);
    } else if ((e.key === 'Enter' || e.key === ' ') && onActivate) {
      e.preventDefault();
      onActivate(row);
    }
  };

  return (
    <table className={`data-table${onActivate ? ' is-interactive' : ''}${stale ? ' is-stale' : ''}${className ? ` ${className}` : ''}`} aria-busy={stale || undefined}>
      <caption className="sr-only">{caption}</caption>
      <thead>
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id}>
            {group.headers.map((header) => (
              <SortHeader key={header.id} header={header} />
            ))}
          </tr>
        ))}
      </thead>
      <tbody ref={bodyRef}>
        {rows.map((row, i) => {
          const selected = row.id === selectedId;
          const extra = rowClassName?.(row);
          return (
            <tr
              key={row.id}
              className={`${selected ? 'is-selected' : ''}${extra ? ` ${extra}` : ''}` || undefined}
              aria-selected={selected || undefined}
              tabIndex={onActivate ? (i === tabIndexRow ? 0 : -1) : undefined}
              onClick={onActivate ? () => onActivate(row) : undefined}
              onFocus={onActivate ? () => setFocusIndex(i) : undefined}
              onKeyDown={onActivate ? (e) => onKeyDown(e, i, row) : undefined}
            >
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} className={cell.column.columnDef.meta?.className} onPointerEnter={titleIfCut}>
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  {/* Invisible at the end of the cell; keeps the row's plain text apart ("Sales 12 Okta", not "Sales12Okta"). */}{' '}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
