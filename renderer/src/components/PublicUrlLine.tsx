/**
 * On a provider's page, the public URL in one line: its state (the same badge as the Public URL
 * page) and the way there. The settings themselves are shared, so they live on that page only.
 */
import { useId } from 'react';
import type { AppStatus } from '../../../contract/model';
import { href } from '../routes';
import { currentCheck, tunnelProblemSentence, tunnelWaiting } from '../tunnel';
import { ArrowRightIcon, GlobeIcon } from './Icons';
import { ReachBadge } from './ReachBadge';

function sentence(status: AppStatus): string {
  const mode = status.tunnelSettings.mode;
  if (mode === 'none') return 'This computer only: no tunnel or public URL is set.';
  if (tunnelWaiting(status)) return tunnelProblemSentence(status) ?? 'The tunnel is connecting.';
  const via = mode === 'localtunnel' ? 'a tunnel' : 'your own public URL';
  if (status.publicCheck?.running) return `Reached through ${via}; a check from outside is running.`;
  const check = currentCheck(status);
  if (check === null) return `Reached through ${via}; not checked from outside yet.`;
  return check.sentence;
}

export function PublicUrlLine({ status }: { status: AppStatus }) {
  const titleId = useId();
  return (
    <section className="card public-url-line" aria-labelledby={titleId}>
      <div className="card-body public-url-line-body">
        <span className="card-header-icon">
          <GlobeIcon size={18} />
        </span>
        <div className="public-url-line-text">
          <h2 className="public-url-line-title" id={titleId}>
            Public URL <ReachBadge status={status} />
          </h2>
          <p className="muted">
            {status.publicUrl && <span className="mono">{status.publicUrl} · </span>}
            {sentence(status)}
          </p>
        </div>
        <a className="btn btn-secondary btn-sm" href={href.publicUrl()}>
          Public URL settings <ArrowRightIcon size={14} />
        </a>
      </div>
    </section>
  );
}
