import type { ReactNode } from 'react';
import { AppLogo } from './Icons';

/** Before the shell can show: loading, or a problem that stops the whole app. */
export function FullPageMessage({ children }: { children: ReactNode }) {
  return (
    <main className="full-page">
      <div className="full-page-card">
        <div className="full-page-brand">
          <AppLogo size={36} />
          <span className="brand-name">ScimDesk</span>
        </div>
        {children}
      </div>
    </main>
  );
}
