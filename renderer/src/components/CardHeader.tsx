/**
 * A card's header: an optional icon, the title (an h2 that names the card through `titleId`),
 * what the card is for, and an optional badge or action on the right.
 */
import type { ReactNode } from 'react';

export function CardHeader({ icon, title, titleId, subtitle, aside }: { icon?: ReactNode; title: ReactNode; titleId: string; subtitle?: ReactNode; aside?: ReactNode }) {
  return (
    <div className="card-header">
      {icon}
      <div>
        <h2 className="card-title" id={titleId}>
          {title}
        </h2>
        {subtitle !== undefined && <p className="card-subtitle">{subtitle}</p>}
      </div>
      {aside}
    </div>
  );
}

/** The round icon most cards' headers start with. */
export function CardIcon({ children }: { children: ReactNode }) {
  return <div className="card-header-icon">{children}</div>;
}
