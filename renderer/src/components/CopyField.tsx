import { useId } from 'react';
import { CopyButton } from './CopyButton';
import { FieldMessage } from './FieldMessage';

/**
 * A labelled read-only value (URL, token) with a copy button beside it. With no value it says
 * why (`unavailable`, read with the field) and its copy button is disabled.
 */
export function CopyField({ label, value, copyWhat, hint, emphasis, unavailable }: { label: string; value: string; copyWhat: string; hint?: string; emphasis?: boolean; unavailable?: string }) {
  const id = useId();
  const note = value === '' && unavailable ? unavailable : null;
  const describedBy = [note ? `${id}-unavailable` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <div className={`copy-field${emphasis ? ' copy-field-emphasis' : ''}`}>
        <input id={id} className="input input-mono" type="text" readOnly value={value} spellCheck={false} onFocus={(e) => e.currentTarget.select()} aria-describedby={describedBy || undefined} />
        <CopyButton text={value} what={copyWhat} />
      </div>
      <FieldMessage kind="unavailable" id={`${id}-unavailable`}>
        {note}
      </FieldMessage>
      <FieldMessage kind="hint" id={`${id}-hint`}>
        {hint}
      </FieldMessage>
    </div>
  );
}
