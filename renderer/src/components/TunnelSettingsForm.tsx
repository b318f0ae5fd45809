/**
 * How both identity providers reach ScimDesk, as a form: no tunnel, localtunnel, or the admin's
 * own public URL behind a reverse proxy. One form for Okta and Entra ID: the setting is shared.
 */
import { type FormEvent, type ReactNode, type Ref, useId, useRef, useState } from 'react';
import type { AppStatus, TunnelSettings } from '../../../contract/model';
import type { TunnelMode } from '../../../contract/choices';
import { SUBDOMAIN_RULE, subdomainProblem } from '../../../contract/subdomain';
import { useSetTunnelSettings } from '../api/useStatus';
import { useAnnounce } from '../hooks/useAnnounce';
import { BOTH_IDPS, HTTPS_WARNING, isPlainHttp } from '../tunnel';
import { ErrorAlert } from './Alert';
import { FieldMessage } from './FieldMessage';
import { RadioCard } from './RadioCards';

interface Draft {
  readonly mode: TunnelMode;
  readonly host: string;
  readonly subdomain: string;
  readonly publicUrl: string;
}

function draftOf(s: TunnelSettings): Draft {
  return { mode: s.mode, host: s.host, subdomain: s.subdomain ?? '', publicUrl: s.publicUrl ?? '' };
}

/** One of the three modes, as a card; its fields show while it is chosen. */
function ModeOption({ value, draft, title, description, onMode, children }: { value: TunnelMode; draft: Draft; title: string; description: string; onMode: (m: TunnelMode) => void; children?: ReactNode }) {
  return (
    <RadioCard name="tunnel-mode" value={value} checked={draft.mode === value} title={title} description={description} onSelect={() => onMode(value)}>
      {children}
    </RadioCard>
  );
}

/**
 * A labelled text input; `error` marks it invalid and is read with it, under the field;
 * `warning` is read with it too but leaves it valid (the value can be saved).
 */
function TextField({
  label,
  value,
  onChange,
  placeholder,
  hint,
  error,
  warning,
  type = 'text',
  inputRef,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  placeholder?: string;
  hint?: string;
  error?: string | null;
  warning?: string | null;
  type?: 'text' | 'url';
  inputRef?: Ref<HTMLInputElement>;
}) {
  const id = useId();
  const describedBy = [error ? `${id}-error` : null, warning ? `${id}-warning` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ');
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
      <FieldMessage kind="error" id={`${id}-error`}>
        {error}
      </FieldMessage>
      <FieldMessage kind="warning" id={`${id}-warning`}>
        {warning}
      </FieldMessage>
      <FieldMessage kind="hint" id={`${id}-hint`}>
        {hint}
      </FieldMessage>
    </div>
  );
}

export function TunnelSettingsForm({ status }: { status: AppStatus }) {
  const save = useSetTunnelSettings();
  const announce = useAnnounce();
  const [draft, setDraft] = useState<Draft | null>(null);
  const shown = draft ?? draftOf(status.tunnelSettings);
  const edit = (patch: Partial<Draft>): void => setDraft({ ...shown, ...patch });
  const [subdomainError, setSubdomainError] = useState<string | null>(null);
  const subdomainRef = useRef<HTMLInputElement>(null);

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
          announce('Public URL settings saved');
        },
      },
    );
  };

  return (
    <form className="card-body tunnel-form" onSubmit={onSubmit} noValidate>
      <fieldset className="fieldset">
        <legend className="fieldset-legend">How {BOTH_IDPS} reach ScimDesk</legend>
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
            <TextField
              label="Public URL"
              value={shown.publicUrl}
              onChange={(publicUrl) => edit({ publicUrl })}
              placeholder="https://scim.example.com"
              type="url"
              // Said before saving: the server accepts http (a proxy on a private network), the IdPs do not.
              warning={isPlainHttp(shown.publicUrl) ? HTTPS_WARNING : null}
            />
          </ModeOption>
        </div>
      </fieldset>
      {/* The server's own refusals (an unusable host or URL) stay below the form. */}
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
  );
}
