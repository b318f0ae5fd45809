import { useEffect, useRef, useState } from 'react';
import { useAnnounce } from './useAnnounce';

/** Copies text to the clipboard, announces "Copied", and reports success for a moment. */
export function useCopy(): { copied: boolean; copy: (text: string) => Promise<void> } {
  const announce = useAnnounce();
  const [copied, setCopied] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = async (text: string): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text);
      announce('Copied');
      setCopied(true);
      clearTimeout(timer.current);
      timer.current = setTimeout(() => setCopied(false), 1600);
    } catch {
      announce('Could not copy: select the text and copy it by hand', 'error');
    }
  };
  return { copied, copy };
}
