import { formatFull, formatRelative } from '../format';
import { useNow } from '../hooks/useNow';

/** "3 min ago", kept current, with the full date as a tooltip. */
export function RelativeTime({ iso, tickMs = 30_000 }: { iso: string; tickMs?: number }) {
  const now = useNow(tickMs);
  return (
    <time dateTime={iso} title={formatFull(iso)}>
      {formatRelative(iso, now)}
    </time>
  );
}
