import { useId } from 'react';
import { ChevronDownIcon } from './Icons';

export interface Option<V extends string> {
  readonly value: V;
  readonly label: string;
}

/** A compact labelled select for toolbars. */
export function SelectField<V extends string>({ label, value, options, onChange }: { label: string; value: V; options: readonly Option<V>[]; onChange: (v: V) => void }) {
  const id = useId();
  return (
    <div className="select-field">
      <label htmlFor={id}>{label}</label>
      <div className="select-wrap">
        <select id={id} className="select" value={value} onChange={(e) => onChange(e.target.value as V)}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <ChevronDownIcon size={14} />
      </div>
    </div>
  );
}
