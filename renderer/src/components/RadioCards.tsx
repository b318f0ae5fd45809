/**
 * A labelled radio group drawn as cards (title + what the choice means), in the tunnel
 * settings' option style. Arrow keys move between the options (native radios sharing a name).
 */
import { type ReactNode, useId } from 'react';

export interface RadioCardOption<T extends string> {
  readonly value: T;
  readonly title: string;
  readonly description: ReactNode;
}

export function RadioCards<T extends string>({ label, value, options, onChange }: { label: string; value: T; options: readonly RadioCardOption<T>[]; onChange: (next: T) => void }) {
  const id = useId();
  return (
    <div className="radio-cards" role="radiogroup" aria-labelledby={`${id}-label`}>
      <p className="field-label" id={`${id}-label`}>
        {label}
      </p>
      <div className="mode-options">
        {options.map((o) => {
          const optionId = `${id}-${o.value}`;
          const checked = o.value === value;
          return (
            <div key={o.value} className={`mode-option${checked ? ' is-checked' : ''}`}>
              <div className="mode-option-head">
                <input type="radio" id={optionId} name={id} value={o.value} checked={checked} onChange={() => onChange(o.value)} aria-describedby={`${optionId}-desc`} />
                <div>
                  <label htmlFor={optionId} className="mode-option-title">
                    {o.title}
                  </label>
                  <p className="mode-option-desc" id={`${optionId}-desc`}>
                    {o.description}
                  </p>
                </div>
              </div>
            </div>
          );
        })}
      </div>
    </div>
  );
}
