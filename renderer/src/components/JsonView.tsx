/**
 * Pretty-printed JSON with light syntax colouring. Text that is not valid JSON (a body cut at
 * the log's size limit) is shown as received.
 */
import { type ReactNode, useMemo } from 'react';
import { CopyButton } from './CopyButton';

const TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

function highlight(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    const i = m.index;
    if (i > last) out.push(text.slice(last, i));
    if (m[1] !== undefined) {
      out.push(
        <span key={i} className={m[2] ? 'json-key' : 'json-string'}>
          {m[1]}
        </span>,
      );
      if (m[2]) out.push(m[2]);
    } else if (m[3] !== undefined) {
      out.push(
        <span key={i} className="json-literal">
          {m[3]}
        </span>,
      );
    } else {
      out.push(
        <span key={i} className="json-number">
          {m[4]}
        </span>,
      );
    }
    last = i + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** Parses JSON text for display; `complete` is false when it does not parse (cut or not JSON). */
export function prettyJsonText(text: string): { text: string; complete: boolean } {
  try {
    return { text: JSON.stringify(JSON.parse(text), null, 2), complete: true };
  } catch {
    return { text, complete: false };
  }
}

export function JsonView({ value, text, label, copyWhat }: { value?: unknown; text?: string; label: string; copyWhat?: string }) {
  const shown = useMemo(() => (text !== undefined ? prettyJsonText(text) : { text: JSON.stringify(value, null, 2) ?? 'null', complete: true }), [value, text]);
  const nodes = useMemo(() => (shown.text.length > 200_000 ? [shown.text] : highlight(shown.text)), [shown.text]);
  return (
    <div className={shown.complete ? 'json-view' : 'json-view is-cut'}>
      {/* On a cut body the note and Copy share a row above the text: floated over it, Copy covered the note. */}
      <div className="json-toolbar">
        {!shown.complete && <p className="json-note">Not complete JSON (the log keeps the first part of large bodies): shown as received.</p>}
        <CopyButton text={shown.text} what={copyWhat ?? label} variant="ghost" />
      </div>
      {/* Focusable so keyboard users can scroll long JSON (it scrolls on its own). */}
      <pre className="code-block" tabIndex={0} aria-label={label}>
        <code>{nodes}</code>
      </pre>
    </div>
  );
}
