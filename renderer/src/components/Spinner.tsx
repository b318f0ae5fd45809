export function Spinner({ label, size = 'md' }: { label?: string; size?: 'sm' | 'md' | 'lg' }) {
  return (
    <span className={`spinner-wrap spinner-${size}`} role={label ? 'status' : undefined}>
      <span className="spinner" aria-hidden="true" />
      {label && <span className="spinner-label">{label}</span>}
    </span>
  );
}

/** Grey placeholder bars while content loads. */
export function Skeleton({ lines = 3, className }: { lines?: number; className?: string }) {
  return (
    <div className={`skeleton${className ? ` ${className}` : ''}`} aria-hidden="true">
      {Array.from({ length: lines }, (_, i) => (
        <span key={i} className="skeleton-line" />
      ))}
    </div>
  );
}

/** A table-shaped placeholder (not a table, so nothing mistakes it for data). */
export function TableSkeleton({ rows = 10, label = 'Loading' }: { rows?: number; label?: string }) {
  return (
    <div className="table-skeleton" role="status" aria-label={label}>
      <div className="table-skeleton-head" />
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="table-skeleton-row">
          <span />
          <span />
          <span />
          <span />
        </div>
      ))}
    </div>
  );
}
