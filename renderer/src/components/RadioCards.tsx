/**
 * Radio options drawn as cards (title + what the choice means): a labelled group of them
 * (the token overlap), or single cards inside a fieldset (the public URL's modes). Arrow keys move between the options (native radios sharing a name).
 */
import { type ReactNode, useId } from 'react';

export interface RadioCardOption<T extends string> {
  readonly value: T;
  readonly title: string;
  readonly description: ReactNode;
}

/** One option drawn as a card; its `children` (further fields) show while it is the chosen one. */
export function RadioCard({
  name,
  value,
  checked,
  title,
  description,
  onSelect,
  children,
}: {
  name: string;
  value: string;
  checked: boolean;
  title: string;
  description: ReactNode;
  onSelect: () => void;
  children?: ReactNode;
}) {
  const id = useId();
  return (
    <div className={`mode-option${checked ? ' is-checked' : ''}`}>
      <div className="mode-option-head">
        <input type="radio" id={id} name={name} value={value} checked={checked} onChange={onSelect} aria-describedby={`${id}-desc`} />
        <div>
          <label htmlFor={id} className="mode-option-title">
            {title}
          </label>
          <p className="mode-option-desc" id={`${id}-desc`}>
            {description}
          </p>
        </div>
      </div>
      {checked && children && <div className="mode-option-fields">{children}</div>}
    </div>
  );
}

export function RadioCards<T extends string>({ label, value, options, onChange }: { label: string; value: T; options: readonly RadioCardOption<T>[]; onChange: (next: T) => void }) {
  const id = useId();
  return (
    <div className="radio-cards" role="radiogroup" aria-labelledby={`${id}-label`}>
      <p className="field-label" id={`${id}-label`}>
        {label}
      </p>
      <div className="mode-options">
        {options.map((o) => (
          <RadioCard key={o.value} name={id} value={o.value} checked={o.value === value} title={o.title} description={o.description} onSelect={() => onChange(o.value)} />
        ))}
      </div>
    </div>
  );
}
