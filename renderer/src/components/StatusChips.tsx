/** Compact health chips in the header: SCIM server, how IdPs reach it, keychain problems. */
import type { AppStatus } from '../../../contract/model';
import { href } from '../routes';
import { PHASE_LABELS, PHASE_TONES } from '../tunnel';
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
  const mode = status.tunnelSettings.mode;
  const tunnel =
    mode === 'none'
      ? { tone: 'neutral' as Tone, value: 'None (local only)' }
      : mode === 'external'
        ? { tone: 'success' as Tone, value: 'Own public URL' }
        : { tone: PHASE_TONES[status.tunnel.phase], value: PHASE_LABELS[status.tunnel.phase] };
  return (
    <ul className="status-chips" aria-label="App health">
      <Chip
        tone={status.server.listening ? 'success' : 'danger'}
        label="SCIM server"
        value={status.server.listening ? 'Running' : 'Stopped'}
        title={status.server.error ?? status.server.localUrl ?? undefined}
      />
      <Chip tone={tunnel.tone} label="Tunnel" value={tunnel.value} title={status.publicUrl ?? undefined} link={settingsPage} />
      {!status.secrets.ok && <Chip tone="danger" label="Keychain" value="Problem" title={status.secrets.message ?? undefined} link={settingsPage} />}
      {status.urlChange && <Chip tone="warning" label="Public URL" value="Changed" title={`${status.urlChange.previous} → ${status.urlChange.current}`} link={settingsPage} />}
    </ul>
  );
}
