/** A small labelled whole-number input (users to create, a drill's count), kept as text while typed. */
import { useId } from 'react';
import { FieldMessage } from './FieldMessage';

export function NumberField({ label, value, onChange, min, max, hint }: { label: string; value: string; onChange: (v: string) => void; min: number; max: number; hint?: string }) {
  const id = useId();
  // Said under the field, not only by the browser's own validation bubble (which is never shown: no form submit).
  const error = parseWhole(value, min, max) === null ? `A whole number from ${min} to ${max}` : null;
  return (
    <div className="field field-compact">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className={`input input-number${error ? ' is-invalid' : ''}`}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        step={1}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
      />
      {error ? (
        <FieldMessage kind="error" id={`${id}-error`}>
          {error}
        </FieldMessage>
      ) : (
        <FieldMessage kind="hint" id={`${id}-hint`}>
          {hint}
        </FieldMessage>
      )}
    </div>
  );
}

/** The whole number typed in a NumberField, or null while it is not a valid one. */
export function parseWhole(value: string, min: number, max: number): number | null {
  const n = Number(value);
  return value.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? n : null;
}
