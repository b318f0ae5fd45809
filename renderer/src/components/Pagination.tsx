import { useEffect, useState } from 'react';
import { formatNumber } from '../format';
import { ChevronLeftIcon, ChevronRightIcon } from './Icons';

/**
 * "1–50 of 100,000" with first/previous/next/last buttons and a page number to jump to (a list
 * of 100 000 users has 2 000 pages: Next alone never gets to the end). `noun` names the
 * controls when a page has two pagers ("Next members page").
 */
export function Pagination({ offset, count, total, limit, onOffset, noun, busy }: { offset: number; count: number; total: number; limit: number; onOffset: (offset: number) => void; noun?: string; busy?: boolean }) {
  const from = total === 0 ? 0 : offset + 1;
  const to = offset + count;
  const what = noun ? `${noun} page` : 'page';
  const pages = Math.max(1, Math.ceil(total / limit));
  const current = Math.floor(offset / limit) + 1;
  const lastOffset = (pages - 1) * limit;

  // The typed page number, back to the shown page whenever the page changes.
  const [typed, setTyped] = useState(String(current));
  useEffect(() => setTyped(String(current)), [current]);
  const jump = (): void => {
    const n = Math.floor(Number(typed));
    if (!Number.isFinite(n) || n < 1) return setTyped(String(current));
    const page = Math.min(pages, n);
    setTyped(String(page));
    if (page !== current) onOffset((page - 1) * limit);
  };

  return (
    <div className="pagination">
      <p className="pagination-range" aria-live="polite">
        {total === 0 ? 'No results' : `${formatNumber(from)}–${formatNumber(to)} of ${formatNumber(total)}`}
        {busy && <span className="spinner spinner-inline" aria-hidden="true" />}
      </p>
      <div className="pagination-buttons">
        <button type="button" className="btn btn-secondary btn-sm" aria-label={`First ${what}`} onClick={() => onOffset(0)} disabled={offset === 0}>
          <span aria-hidden="true">First</span>
        </button>
        <button type="button" className="btn btn-secondary btn-sm" aria-label={`Previous ${what}`} onClick={() => onOffset(Math.max(0, offset - limit))} disabled={offset === 0}>
          <ChevronLeftIcon size={14} />
          <span aria-hidden="true">Previous</span>
        </button>
        <form
          className="pagination-jump"
          onSubmit={(e) => {
            e.preventDefault();
            jump();
          }}
        >
          <input
            className="input input-sm"
            type="number"
            inputMode="numeric"
            min={1}
            max={pages}
            value={typed}
            aria-label={`${noun ? `${noun[0]!.toUpperCase()}${noun.slice(1)} page` : 'Page'} number, of ${formatNumber(pages)}`}
            onChange={(e) => setTyped(e.target.value)}
            onBlur={jump}
          />
          <span aria-hidden="true">of {formatNumber(pages)}</span>
        </form>
        <button type="button" className="btn btn-secondary btn-sm" aria-label={`Next ${what}`} onClick={() => onOffset(offset + limit)} disabled={to >= total}>
          <span aria-hidden="true">Next</span>
          <ChevronRightIcon size={14} />
        </button>
        <button type="button" className="btn btn-secondary btn-sm" aria-label={`Last ${what}`} onClick={() => onOffset(lastOffset)} disabled={to >= total}>
          <span aria-hidden="true">Last</span>
        </button>
      </div>
    </div>
  );
}
