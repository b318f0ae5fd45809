import { useId } from 'react';
import { CopyButton } from './CopyButton';

/** A labelled read-only value (URL, token) with a copy button beside it. */
export function CopyField({ label, value, copyWhat, hint, emphasis }: { label: string; value: string; copyWhat: string; hint?: string; emphasis?: boolean }) {
  const id = useId();
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <div className={`copy-field${emphasis ? ' copy-field-emphasis' : ''}`}>
        <input id={id} className="input input-mono" type="text" readOnly value={value} spellCheck={false} onFocus={(e) => e.currentTarget.select()} aria-describedby={hint ? `${id}-hint` : undefined} />
        <CopyButton text={value} what={copyWhat} />
      </div>
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}
