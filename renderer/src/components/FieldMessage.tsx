/**
 * A message under a form field, read with it through aria-describedby (`id`): an error (the
 * field is invalid), a warning (it can be saved but will not work as hoped), why a value is
 * unavailable, or a hint. Nothing is rendered without text.
 */
import type { ReactNode } from 'react';

export type FieldMessageKind = 'error' | 'warning' | 'unavailable' | 'hint';

export function FieldMessage({ kind, id, children }: { kind: FieldMessageKind; id: string; children: ReactNode }) {
  if (children === null || children === undefined || children === false || children === '') return null;
  return (
    <p className={`field-${kind}`} id={id}>
      {children}
    </p>
  );
}
