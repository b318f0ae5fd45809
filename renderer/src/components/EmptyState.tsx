import type { ReactNode } from 'react';
import { InboxIcon } from './Icons';

/**
 * What an empty list means and what to do next. The title and the explanation form one
 * paragraph ("No users yet. Enable Okta under…"), so they read as one sentence too.
 */
export function EmptyState({ title, children, action, icon }: { title: string; children?: ReactNode; action?: ReactNode; icon?: ReactNode }) {
  return (
    <div className="empty-state">
      <div className="empty-state-icon">{icon ?? <InboxIcon size={22} />}</div>
      <p className="empty-state-text">
        <strong className="empty-state-title">{title}</strong>
        {children && <> {children}</>}
      </p>
      {action && <div className="empty-state-action">{action}</div>}
    </div>
  );
}
