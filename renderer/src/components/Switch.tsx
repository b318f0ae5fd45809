/** An on/off switch: a button with role="switch"; its name comes from the visible label. */
export function Switch({ checked, onChange, labelledBy, describedBy, disabled, busy }: { checked: boolean; onChange: (next: boolean) => void; labelledBy: string; describedBy?: string; disabled?: boolean; busy?: boolean }) {
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      aria-labelledby={labelledBy}
      aria-describedby={describedBy}
      aria-busy={busy || undefined}
      // Busy is aria-disabled, not disabled: a disabled button drops focus to the page body mid-toggle.
      disabled={disabled && !busy}
      aria-disabled={busy || undefined}
      className={`switch${checked ? ' is-on' : ''}${busy ? ' is-busy' : ''}`}
      onClick={() => {
        if (!busy) onChange(!checked);
      }}
    >
      <span className="switch-thumb" aria-hidden="true" />
    </button>
  );
}
