import type { ReactNode } from 'react';
import { useOpenExternal } from '../api/useStatus';
import { HELP_LINKS, type HelpLink } from '../../../contract/help-links';
import { useAnnounce } from '../hooks/useAnnounce';
import { ExternalLinkIcon } from './Icons';

/** A help page, opened in the browser by the main process (it opens only allow-listed URLs). */
export function HelpLink({ link, children }: { link: HelpLink; children: ReactNode }) {
  const open = useOpenExternal();
  const announce = useAnnounce();
  const url = HELP_LINKS[link];
  return (
    <a
      className="external-link"
      href={url}
      onClick={(e) => {
        e.preventDefault();
        open.mutate(url, { onError: (err) => announce(`Could not open the page: ${err.message}`, 'error') });
      }}
    >
      {children}
      <ExternalLinkIcon size={13} />
      <span className="sr-only"> (opens in your browser)</span>
    </a>
  );
}
