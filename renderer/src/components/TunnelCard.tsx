/**
 * How the identity provider reaches ScimDesk: the tunnel's live state and the settings form
 * (no tunnel, localtunnel, or the admin's own public URL behind a reverse proxy).
 */
import { type FormEvent, type ReactNode, type Ref, useId, useRef, useState } from 'react';
import type { AppStatus, TunnelSettings } from '../../../contract/model';
import type { TunnelMode } from '../../../contract/choices';
import { SUBDOMAIN_RULE, subdomainProblem } from '../../../contract/subdomain';
import { useSetTunnelSettings } from '../api/useStatus';
import { formatDateTime, formatNumber } from '../format';
import { useAnnounce } from '../hooks/useAnnounce';
import { PHASE_LABELS, PHASE_TONES } from '../tunnel';
import { Alert, ErrorAlert } from './Alert';
import { Badge } from './Badge';
import { CopyButton } from './CopyButton';
import { Facts } from './DetailPane';
import { GlobeIcon } from './Icons';
import { RelativeTime } from './RelativeTime';

interface Draft {
  readonly mode: TunnelMode;
  readonly host: string;
  readonly subdomain: string;
  readonly publicUrl: string;
}

function draftOf(s: TunnelSettings): Draft {
  return { mode: s.mode, host: s.host, subdomain: s.subdomain ?? '', publicUrl: s.publicUrl ?? '' };
}

function TunnelState({ status, idpLabel }: { status: AppStatus; idpLabel: string }) {
  const { tunnel, tunnelSettings: settings } = status;
  if (settings.mode === 'none') {
    return (
      <p className="muted">
        ScimDesk listens on <span className="mono">{status.server.localUrl ?? '127.0.0.1'}</span> only: {idpLabel} cannot reach it from the internet. Choose a
        tunnel or your own public URL below.
      </p>
    );
  }
  if (settings.mode === 'external') {
    return (
      <Facts
        items={[
          ['Public URL', <UrlValue key="u" url={settings.publicUrl} />, 'wide'],
          ['Forwards to', <span key="l" className="mono">{status.server.localUrl ?? '—'}</span>],
        ]}
      />
    );
  }
  const retrying = tunnel.nextRetryAt !== null;
  return (
    <>
      <Facts
        items={[
          [
            'State',
            <Badge key="s" tone={PHASE_TONES[tunnel.phase]} dot>
              {PHASE_LABELS[tunnel.phase]}
            </Badge>,
          ],
          ['Public URL', <UrlValue key="u" url={tunnel.url} />, 'wide'],
          ['Tunnel server', <span key="h" className="mono">{tunnel.host ?? settings.host}</span>],
          ['Subdomain', <span key="d" className="mono">{tunnel.subdomain ?? tunnel.wantedSubdomain ?? 'Any (chosen by the server)'}</span>],
          tunnel.onlineSince !== null && ['Online since', <span key="o" title={formatDateTime(tunnel.onlineSince)}>{formatDateTime(tunnel.onlineSince)}</span>],
          ['Reconnects', formatNumber(tunnel.reconnects)],
          ['Failed attempts', formatNumber(tunnel.attempt)],
          tunnel.lastError !== null && ['Last error', <span key="e" className="text-danger">{tunnel.lastError}</span>],
          retrying && ['Next retry', <RelativeTime key="r" iso={tunnel.nextRetryAt ?? ''} tickMs={1000} />],
        ]}
      />
      {tunnel.subdomainNotGranted && (
        <Alert tone="warning" title="Subdomain not granted">
          <p>
            The tunnel server did not grant <span className="mono">{tunnel.wantedSubdomain}</span> (it may still be held by an earlier session) and gave{' '}
            <span className="mono">{tunnel.subdomain ?? 'another one'}</span> instead, so the public URL differs from the one {idpLabel} knows. ScimDesk keeps
            asking for the one it wanted and switches back as soon as it is free.
          </p>
        </Alert>
      )}
      {tunnel.publicUrlWarning !== null && (
        <Alert tone="warning" title="Public URL not reachable from this computer">
          <p>{tunnel.publicUrlWarning}.</p>
        </Alert>
      )}
    </>
  );
}

function UrlValue({ url }: { url: string | null }) {
  if (!url) return <span className="muted">Not available yet</span>;
  return (
    <span className="url-value">
      <span className="mono">{url}</span>
      <CopyButton text={url} what="public URL" variant="ghost" />
    </span>
  );
}

function ModeOption({ value, draft, title, description, onMode, children }: { value: TunnelMode; draft: Draft; title: string; description: string; onMode: (m: TunnelMode) => void; children?: ReactNode }) {
  const id = useId();
  const checked = draft.mode === value;
  return (
    <div className={`mode-option${checked ? ' is-checked' : ''}`}>
      <div className="mode-option-head">
        <input type="radio" id={id} name="tunnel-mode" value={value} checked={checked} onChange={() => onMode(value)} aria-describedby={`${id}-desc`} />
        <div>
          <label htmlFor={id} className="mode-option-title">
            {title}
          </label>
          <p className="mode-option-desc" id={`${id}-desc`}>
            {description}
          </p>
        </div>
      </div>
      {checked && children && <div className="mode-option-fields">{children}</div>}
    </div>
  );
}

/** A labelled text input; `error` marks it invalid and is read with it, under the field. */
function TextField({ label, value, onChange, placeholder, hint, error, type = 'text', inputRef }: { label: string; value: string; onChange: (v: string) => void; placeholder?: string; hint?: string; error?: string | null; type?: 'text' | 'url'; inputRef?: Ref<HTMLInputElement> }) {
  const id = useId();
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        ref={inputRef}
        className={`input input-mono${error ? ' is-invalid' : ''}`}
        type={type}
        value={value}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete="off"
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
      />
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </div>
  );
}

export function TunnelCard({ status, idpLabel, ref }: { status: AppStatus; idpLabel: string; ref?: Ref<HTMLElement> }) {
  const save = useSetTunnelSettings();
  const announce = useAnnounce();
  const [draft, setDraft] = useState<Draft | null>(null);
  const shown = draft ?? draftOf(status.tunnelSettings);
  const edit = (patch: Partial<Draft>): void => setDraft({ ...shown, ...patch });
  const [subdomainError, setSubdomainError] = useState<string | null>(null);
  const subdomainRef = useRef<HTMLInputElement>(null);
  const titleId = useId();
  const { tunnelSettings: settings } = status;
  const badge =
    settings.mode === 'none' ? (
      <Badge tone="warning" dot>
        This computer only
      </Badge>
    ) : settings.mode === 'external' ? (
      <Badge tone="success" dot>
        Own public URL
      </Badge>
    ) : (
      <Badge tone={PHASE_TONES[status.tunnel.phase]} dot>
        {`Tunnel ${PHASE_LABELS[status.tunnel.phase].toLowerCase()}`}
      </Badge>
    );

  const onSubmit = (e: FormEvent): void => {
    e.preventDefault();
    // The rule is checked here too, so its message lands on the field instead of below the form.
    const problem = shown.mode === 'localtunnel' && shown.subdomain.trim() ? subdomainProblem(shown.subdomain.trim()) : null;
    setSubdomainError(problem);
    if (problem !== null) {
      subdomainRef.current?.focus();
      return;
    }
    save.mutate(
      { mode: shown.mode, host: shown.host.trim(), subdomain: shown.subdomain.trim() || null, publicUrl: shown.publicUrl.trim() || null },
      {
        onSuccess: () => {
          setDraft(null);
          announce('Tunnel settings saved');
        },
      },
    );
  };

  return (
    <section className="card" aria-labelledby={titleId} ref={ref} tabIndex={-1} id="tunnel-settings">
      <div className="card-header">
        <div className="card-header-icon">
          <GlobeIcon size={18} />
        </div>
        <div>
          <h2 className="card-title" id={titleId}>
            Tunnel and internet access
          </h2>
          <p className="card-subtitle">{idpLabel} runs in the cloud: it needs a public HTTPS URL that leads to ScimDesk on this computer.</p>
        </div>
        {badge}
      </div>
      <div className="card-body">
        <TunnelState status={status} idpLabel={idpLabel} />
      </div>
      <form className="card-body card-body-divided tunnel-form" onSubmit={onSubmit} noValidate>
        <fieldset className="fieldset">
          <legend className="fieldset-legend">How {idpLabel} reaches ScimDesk</legend>
          <div className="mode-options">
            <ModeOption
              value="none"
              draft={shown}
              onMode={(mode) => edit({ mode })}
              title="No tunnel (this computer only)"
              description="For local tests with a SCIM client on this computer."
            />
            <ModeOption
              value="localtunnel"
              draft={shown}
              onMode={(mode) => edit({ mode })}
              title="Tunnel (localtunnel)"
              description="A public URL without firewall or DNS work, for demos and evaluations. Use your own localtunnel server on-premises."
            >
              <TextField label="Tunnel server" value={shown.host} onChange={(host) => edit({ host })} placeholder="https://localtunnel.me" type="url" />
              <TextField
                label="Subdomain"
                value={shown.subdomain}
                onChange={(subdomain) => {
                  setSubdomainError(null);
                  edit({ subdomain });
                }}
                placeholder="acme-scim"
                error={subdomainError}
                inputRef={subdomainRef}
                hint={`Kept across restarts so the URL stays the same: ${SUBDOMAIN_RULE}.`}
              />
            </ModeOption>
            <ModeOption
              value="external"
              draft={shown}
              onMode={(mode) => edit({ mode })}
              title="My own public URL (reverse proxy)"
              description={`For production: nginx, Caddy or a load balancer terminating TLS and forwarding to ${status.server.localUrl ?? 'ScimDesk'}.`}
            >
              <TextField label="Public URL" value={shown.publicUrl} onChange={(publicUrl) => edit({ publicUrl })} placeholder="https://scim.example.com" type="url" />
            </ModeOption>
          </div>
        </fieldset>
        {save.isError && <ErrorAlert error={save.error} title="The settings were not saved" />}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={save.isPending}>
            {save.isPending && <span className="spinner spinner-inline" aria-hidden="true" />}
            Save
          </button>
          {draft !== null && (
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => {
                setDraft(null);
                save.reset();
              }}
            >
              Discard changes
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
