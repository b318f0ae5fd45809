/**
 * The app's polite live region, shown as a small toast: "Copied", "Tunnel settings saved"…
 * Screen readers hear each message; sighted users see it for a moment.
 */
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { AnnounceContext, type AnnounceTone } from '../hooks/useAnnounce';
import { CheckIcon, ErrorIcon, InfoIcon } from './Icons';

const ICONS = { success: CheckIcon, info: InfoIcon, error: ErrorIcon };

function ToastIcon({ tone }: { tone: AnnounceTone }) {
  const Icon = ICONS[tone];
  return <Icon size={14} />;
}

export function Announcer({ children }: { children: ReactNode }) {
  const [message, setMessage] = useState<{ text: string; tone: AnnounceTone; n: number } | null>(null);
  const timers = useRef<ReturnType<typeof setTimeout>[]>([]);

  const announce = useCallback((text: string, tone: AnnounceTone = 'success') => {
    timers.current.forEach(clearTimeout);
    // Cleared first, so the same message twice in a row is spoken twice.
    setMessage(null);
    timers.current = [setTimeout(() => setMessage((m) => ({ text, tone, n: (m?.n ?? 0) + 1 })), 50), setTimeout(() => setMessage(null), 2600)];
  }, []);

  useEffect(() => () => timers.current.forEach(clearTimeout), []);

  return (
    <AnnounceContext.Provider value={announce}>
      {children}
      <div className="toast-region" role="status" aria-live="polite" aria-atomic="true">
        {message && (
          <div className={`toast toast-${message.tone}`} key={message.n}>
            <ToastIcon tone={message.tone} />
            <span>{message.text}</span>
          </div>
        )}
      </div>
    </AnnounceContext.Provider>
  );
}
