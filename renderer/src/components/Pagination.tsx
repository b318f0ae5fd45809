import { formatNumber } from '../format';
import { ChevronLeftIcon, ChevronRightIcon } from './Icons';

/**
 * "1–50 of 100,000" with previous/next buttons. `noun` names the buttons when a page has two
 * pagers ("Next members page").
 */
export function Pagination({ offset, count, total, limit, onOffset, noun, busy }: { offset: number; count: number; total: number; limit: number; onOffset: (offset: number) => void; noun?: string; busy?: boolean }) {
  const from = total === 0 ? 0 : offset + 1;
  const to = offset + count;
  const what = noun ? `${noun} page` : 'page';
  return (
    <div className="pagination">
      <p className="pagination-range" aria-live="polite">
        {total === 0 ? 'No results' : `${formatNumber(from)}–${formatNumber(to)} of ${formatNumber(total)}`}
        {busy && <span className="spinner spinner-inline" aria-hidden="true" />}
      </p>
      <div className="pagination-buttons">
        <button type="button" className="btn btn-secondary btn-sm" aria-label={`Previous ${what}`} onClick={() => onOffset(Math.max(0, offset - limit))} disabled={offset === 0}>
          <ChevronLeftIcon size={14} />
          <span aria-hidden="true">Previous</span>
        </button>
        <button type="button" className="btn btn-secondary btn-sm" aria-label={`Next ${what}`} onClick={() => onOffset(offset + limit)} disabled={to >= total}>
          <span aria-hidden="true">Next</span>
          <ChevronRightIcon size={14} />
        </button>
      </div>
    </div>
  );
}
