import { useCopy } from '../hooks/useCopy';
import { CheckIcon, CopyIcon } from './Icons';

/**
 * Copies `text`. Its accessible name is "Copy <what>" (visible "Copy", or only the icon when
 * compact, the rest for screen readers); "Copied" is announced through the live region.
 * Nothing to copy (an empty text) disables it: it never copies "" nor says "Copied".
 */
export function CopyButton({ text, what, variant = 'secondary', compact, disabled }: { text: string; what: string; variant?: 'secondary' | 'ghost'; compact?: boolean; disabled?: boolean }) {
  const { copied, copy } = useCopy();
  return (
    <button
      type="button"
      className={`btn btn-${variant} btn-sm copy-button${compact ? ' btn-icon' : ''}${copied ? ' is-copied' : ''}`}
      title={compact ? `Copy ${what}` : undefined}
      onClick={() => void copy(text)}
      disabled={disabled || text === ''}
    >
      {copied ? <CheckIcon size={14} /> : <CopyIcon size={14} />}
      {compact ? (
        <span className="sr-only">Copy {what}</span>
      ) : (
        <>
          <span>Copy</span>
          <span className="sr-only"> {what}</span>
        </>
      )}
    </button>
  );
}
