/**
 * Activity's Live / Paused state and its Pause toggle. The button keeps one name ("Pause") and
 * says whether it is on with aria-pressed, as a toggle button must (a name that flips between
 * Pause and Resume would contradict its pressed state); the pill beside it shows the state.
 */
export function LiveToggle({ paused, onChange }: { paused: boolean; onChange: (paused: boolean) => void }) {
  return (
    <div className="live-toggle">
      <span className={`live-pill${paused ? ' is-paused' : ''}`} title={paused ? 'New requests wait until you resume' : 'New requests appear automatically'}>
        <span className="live-dot" aria-hidden="true" />
        {paused ? 'Paused' : 'Live'}
      </span>
      <button type="button" className="btn btn-secondary btn-sm live-toggle-button" aria-pressed={paused} title={paused ? 'Resume: show new requests as they come' : 'Pause: new requests wait, counted'} onClick={() => onChange(!paused)}>
        <PauseGlyph paused={paused} />
        Pause
      </button>
    </div>
  );
}

/** Two bars while live; a play triangle once paused (what pressing it again does). */
function PauseGlyph({ paused }: { paused: boolean }) {
  return (
    <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
      {paused ? <path d="M3 1.5v9l7.5-4.5z" fill="currentColor" /> : <path d="M2.5 1.5h2.5v9H2.5zM7 1.5h2.5v9H7z" fill="currentColor" />}
    </svg>
  );
}
