import type { ReactNode } from 'react';
import { ApiError, errorMessage, errorTitle } from '../api/client';
import { ErrorIcon, InfoIcon, SuccessIcon, WarningIcon } from './Icons';

type AlertTone = 'info' | 'success' | 'warning' | 'danger';

const ICONS = { info: InfoIcon, success: SuccessIcon, warning: WarningIcon, danger: ErrorIcon };

interface AlertProps {
  readonly tone: AlertTone;
  readonly title?: ReactNode;
  readonly children?: ReactNode;
  readonly actions?: ReactNode;
  /** 'alert' interrupts screen readers: for problems that need attention now. */
  readonly role?: 'alert' | 'status' | 'note';
  readonly className?: string;
}

export function Alert({ tone, title, children, actions, role, className }: AlertProps) {
  const Icon = ICONS[tone];
  return (
    <div className={`alert alert-${tone}${className ? ` ${className}` : ''}`} role={role}>
      <Icon size={18} className="alert-icon" />
      <div className="alert-body">
        {title && <p className="alert-title">{title}</p>}
        {children && <div className="alert-text">{children}</div>}
      </div>
      {actions && <div className="alert-actions">{actions}</div>}
    </div>
  );
}

/** A failed call, as a clear message: what went wrong and what ScimDesk said. */
export function ErrorAlert({ error, title, actions }: { error: unknown; title?: string; actions?: ReactNode }) {
  const code = error instanceof ApiError && error.code !== 'internal' ? error.code : null;
  return (
    <Alert tone="danger" role="alert" title={title ?? errorTitle(error)} actions={actions}>
      <p>
        {errorMessage(error)}
        {code && <span className="error-code"> ({code})</span>}
      </p>
    </Alert>
  );
}
