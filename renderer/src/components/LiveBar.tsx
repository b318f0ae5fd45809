/**
 * The "N new — show" bar of a live list: rows that arrived (or a list that changed) wait behind
 * it instead of moving the rows on screen. Its strip is always there, empty when nothing waits,
 * so its appearing shifts no row; it is a polite live region, so the count is heard too.
 */
import type { RefObject } from 'react';
import { formatNumber } from '../format';

export function LiveBar({ waiting, onShow, list }: { waiting: number | null; onShow: () => void; list: RefObject<HTMLElement | null> }) {
  const show = (): void => {
    onShow();
    // The newest are at the top: go there, and keep focus in the list (the bar's button is gone).
    requestAnimationFrame(() => {
      list.current?.scrollTo({ top: 0 });
      list.current?.querySelector<HTMLElement>('tbody tr')?.focus({ preventScroll: true });
    });
  };
  return (
    <div className="live-bar" aria-live="polite">
      {waiting !== null && (
        <button type="button" className="live-bar-button" onClick={show}>
          {waiting > 0 ? `${formatNumber(waiting)} new — show` : 'List changed — show'}
        </button>
      )}
    </div>
  );
}
