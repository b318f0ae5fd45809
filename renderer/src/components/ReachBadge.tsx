/** The public URL's state as a badge (green only after a passed check from outside of the current URL). */
import type { AppStatus } from '../../../contract/model';
import { reachBadge } from '../tunnel';
import { Badge } from './Badge';

export function ReachBadge({ status }: { status: AppStatus }) {
  const reach = reachBadge(status);
  return (
    <Badge tone={reach.tone} dot>
      {reach.label}
    </Badge>
  );
}
