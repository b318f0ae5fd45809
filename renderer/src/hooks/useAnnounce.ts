import { createContext, useContext } from 'react';

/** Speaks a short message through the app's polite live region (and shows it as a toast). */
export type AnnounceTone = 'success' | 'info' | 'error';

export type Announce = (message: string, tone?: AnnounceTone) => void;

export const AnnounceContext = createContext<Announce>(() => undefined);

export function useAnnounce(): Announce {
  return useContext(AnnounceContext);
}
