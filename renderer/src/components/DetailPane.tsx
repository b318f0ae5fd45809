import { type ReactNode, useEffect, useRef } from 'react';
import { formatDateTime } from '../format';
import { CopyButton } from './CopyButton';
import { RelativeTime } from './RelativeTime';
import { navigate } from '../routes';
import { CloseIcon } from './Icons';

/** Closes the pane and puts focus back on the list (its tabbable row), not on the page body. */
function closePane(to: string): void {
  navigate(to);
  requestAnimationFrame(() => document.querySelector<HTMLElement>('.list-card tbody tr[tabindex="0"]')?.focus());
}

/**
 * Whether Escape belongs to what has focus rather than to the pane: a dialog, or a text field
 * with text in it (Escape clears a search box first). A closed select, a button, a row or an
 * empty field leave it to the pane.
 */
function escapeTakenBy(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.closest('dialog, [role="dialog"], [role="alertdialog"]')) return true;
  if (target instanceof HTMLTextAreaElement) return true;
  return target instanceof HTMLInputElement && target.value !== '';
}

/** While the pane is open, Escape closes it from anywhere on the screen (the list, the filters, the pane). */
function useEscapeCloses(closeHref: string): void {
  const latest = useRef(closeHref);
  latest.current = closeHref;
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape' && !e.defaultPrevented && !escapeTakenBy(e.target)) closePane(latest.current);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

/** The right-hand pane of a list screen: a labelled region with its own scroll. */
export function DetailPane({ label, closeHref, children, busy, heading }: { label: string; closeHref: string; children: ReactNode; busy?: boolean; heading: string }) {
  useEscapeCloses(closeHref);
  return (
    <section className="detail-pane" aria-label={label} aria-busy={busy || undefined} tabIndex={-1}>
      <div className="detail-bar">
        <span className="detail-bar-title" aria-hidden="true">
          {heading}
        </span>
        <button type="button" className="btn btn-ghost btn-icon btn-sm" aria-label="Close details" title="Close (Esc)" onClick={() => closePane(closeHref)}>
          <CloseIcon size={16} />
        </button>
      </div>
      {/* Focusable, so a keyboard can scroll a pane whose text overflows but holds no control (a long request entry). */}
      <div className="detail-scroll" tabIndex={0}>
        {children}
      </div>
    </section>
  );
}

export function DetailSection({ title, children, aside, id }: { title: string; children: ReactNode; aside?: ReactNode; id?: string }) {
  return (
    <section className="detail-section" aria-labelledby={id}>
      <div className="detail-section-head">
        <h3 id={id}>{title}</h3>
        {aside}
      </div>
      {children}
    </section>
  );
}

/** A definition list of label/value pairs. */
export type Fact = readonly [label: string, value: ReactNode, layout?: 'wide'];

export function Facts({ items }: { items: readonly (Fact | null | false)[] }) {
  return (
    <dl className="facts">
      {items.map(
        (item) =>
          item && (
            <div className={item[2] === 'wide' ? 'fact fact-wide' : 'fact'} key={item[0]}>
              <dt>{item[0]}</dt>
              <dd>{item[1]}</dd>
            </div>
          ),
      )}
    </dl>
  );
}

/** The facts every provisioned resource has: external id, SCIM id (copyable), created, updated. */
export function resourceFacts(r: { externalId: string | null; id: string; created: string; lastModified: string }): Fact[] {
  return [
    ['External ID', r.externalId ? <span className="mono break">{r.externalId}</span> : '—'],
    [
      'SCIM ID',
      <span className="id-value">
        <span className="mono break">{r.id}</span>
        <CopyButton text={r.id} what="SCIM ID" variant="ghost" compact />
      </span>,
    ],
    ['Created', formatDateTime(r.created)],
    ['Last updated', <RelativeTime iso={r.lastModified} />],
  ];
}
