import type { ReactNode } from 'react';

/** The page title (h1, focused on navigation so screen readers start there), subtitle and actions. */
export function PageHeader({ title, subtitle, icon, actions, children }: { title: string; subtitle?: ReactNode; icon?: ReactNode; actions?: ReactNode; children?: ReactNode }) {
  return (
    <header className="page-header">
      {children}
      <div className="page-header-row">
        {icon && <div className="page-header-icon">{icon}</div>}
        <div className="page-header-text">
          <h1 className="page-title" tabIndex={-1}>
            {title}
          </h1>
          {subtitle && <p className="page-subtitle">{subtitle}</p>}
        </div>
        {actions && <div className="page-header-actions">{actions}</div>}
      </div>
    </header>
  );
}
