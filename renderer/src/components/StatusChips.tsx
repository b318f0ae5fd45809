/** Compact health chips in the header: SCIM server, how IdPs reach it, keychain problems. */
import type { AppStatus } from '../../../contract/model';
import { href } from '../routes';
import { reachBadge } from '../tunnel';
import type { Tone } from './Badge';

function Chip({ tone, label, value, title, link }: { tone: Tone; label: string; value: string; title?: string; link?: string }) {
  const body = (
    <>
      <span className={`chip-dot chip-dot-${tone}`} aria-hidden="true" />
      <span className="chip-label">{label}</span>
      <span className="chip-value">{value}</span>
    </>
  );
  return (
    <li>
      {link ? (
        <a className={`chip chip-${tone}`} href={link} title={title}>
          {body}
        </a>
      ) : (
        <span className={`chip chip-${tone}`} title={title}>
          {body}
        </span>
      )}
    </li>
  );
}

export function StatusChips({ status }: { status: AppStatus }) {
  const settingsPage = href.connection(status.connections.find((c) => c.enabled)?.name ?? 'okta');
  // The same words and colour as the Public URL place's badge, and a way straight to it.
  const reach = reachBadge(status);
  return (
    <ul className="status-chips" aria-label="App health">
      <Chip
        tone={status.server.listening ? 'success' : 'danger'}
        label="SCIM server"
        value={status.server.listening ? 'Running' : 'Stopped'}
        title={status.server.error ?? status.server.localUrl ?? undefined}
      />
      <Chip tone={reach.tone} label="Public URL" value={reach.label} title={status.publicUrl ?? undefined} link={href.publicUrl()} />
      {!status.secrets.ok && <Chip tone="danger" label="Keychain" value="Problem" title={status.secrets.message ?? undefined} link={settingsPage} />}
      {status.urlChange && <Chip tone="warning" label="IdP URL" value="Update needed" title={`${status.urlChange.previous} → ${status.urlChange.current}`} link={settingsPage} />}
    </ul>
  );
}
