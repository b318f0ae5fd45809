import { useEffect } from 'react';
import { block, type LeaveQuestion } from '../router';

/**
 * While `question` is set, leaving the page asks it first: in-app links, Back/Forward and
 * navigate() go through the hash router's blocker (LeavePrompt shows the question); closing or
 * reloading the window goes through `beforeunload` (Electron's main process then asks natively,
 * see electron/window.ts). Any screen holding something that would be lost can use it.
 * Pass a memoised question: a new object re-registers the blocker.
 */
export function useLeaveGuard(question: LeaveQuestion | null): void {
  useEffect(() => {
    if (!question) return undefined;
    const unblock = block(question);
    const onBeforeUnload = (e: BeforeUnloadEvent): void => {
      e.preventDefault();
      // Older engines ask only when returnValue is set.
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      unblock();
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [question]);
}
