/** A write's changes, field by field: before → after (a create lists only the values it set). */
import type { FieldChange, MemberDelta } from '../../../contract/model';
import { memberDeltaLines, showValue } from '../activity';

function Value({ value }: { value: unknown }) {
  const text = showValue(value);
  if (text === null) return <span className="muted diff-none">(none)</span>;
  return <span className="mono break diff-value">{text}</span>;
}

export function ChangesTable({ changes, caption }: { changes: readonly FieldChange[]; caption: string }) {
  const onlyAfter = changes.every((c) => c.before === undefined);
  return (
    <table className="mini-table diff-table">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          {onlyAfter ? (
            <th scope="col">Value</th>
          ) : (
            <>
              <th scope="col">Before</th>
              <th scope="col">
                <span className="sr-only">changed to</span>
              </th>
              <th scope="col">After</th>
            </>
          )}
        </tr>
      </thead>
      <tbody>
        {changes.map((c, i) => (
          <tr key={`${c.field}-${i}`}>
            <th scope="row" className="mono diff-field">
              {c.field}
            </th>
            {onlyAfter ? (
              <td>
                <Value value={c.after} />
              </td>
            ) : (
              <>
                <td className="diff-before">
                  <Value value={c.before} />
                </td>
                <td className="diff-arrow" aria-hidden="true">
                  →
                </td>
                <td className="diff-after">
                  <Value value={c.after} />
                </td>
              </>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "+194 members: alice, bob, … and 189 more", one line per direction. */
export function MemberDeltaText({ members }: { members: MemberDelta }) {
  const lines = memberDeltaLines(members);
  return (
    <ul className="member-delta">
      {lines.map((line) => (
        <li key={line} className={line.startsWith('+') ? 'member-delta-added' : line.startsWith('−') ? 'member-delta-removed' : undefined}>
          {line}
        </li>
      ))}
    </ul>
  );
}
