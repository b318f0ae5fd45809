/**
 * App Integrations › SCIM › Okta (or Microsoft Entra ID): the enable switch, the SCIM URL, the
 * token (shown once, only in this component's state, never stored), the setup steps, and a
 * line on the public URL (its settings live on the Public URL page, shared by both IdPs).
 * Keyed by connection in App, so leaving the page or switching IdP drops the token.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { AppStatus, ConnectionStatus } from '../../../contract/model';
import type { ConnectionName } from '../../../contract/connections';
import { call } from '../api/client';
import { useCheckKeychain, useConfirmPublicUrl, useLoadedStatus, useSetConnectionEnabled, useUpdateConnection } from '../api/useStatus';
import { Alert, ErrorAlert } from '../components/Alert';
import { ConnectionStateBadge, HealthBadge, HealthFacts } from '../components/Health';
import { Breadcrumb } from '../components/Breadcrumb';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { CopyButton } from '../components/CopyButton';
import { CopyField } from '../components/CopyField';
import { ActivityIcon, KeyRotateIcon, LockIcon, WarningIcon } from '../components/Icons';
import { IdpLogo } from '../components/IdpLogo';
import { PageHeader } from '../components/PageHeader';
import { RelativeTime } from '../components/RelativeTime';
import { SetupHelpLinks, SetupSteps } from '../components/SetupSteps';
import { Switch } from '../components/Switch';
import { PublicUrlLine } from '../components/PublicUrlLine';
import { formatDateTime, formatFull } from '../format';
import { useAnnounce } from '../hooks/useAnnounce';
import { href } from '../routes';
import { noUrlReason, unreachableReason } from '../tunnel';

/** Where each IdP keeps the two values, for alerts and the rotate dialog. */
const IDP_FIELDS: Record<ConnectionName, { url: string; token: string; where: string }> = {
  okta: { url: 'Base URL', token: 'API Token', where: 'Provisioning › Integration' },
  entra: { url: 'Tenant URL', token: 'Secret Token', where: 'Provisioning › Admin credentials' },
};

function ConnectionAlerts({ status, connection }: { status: AppStatus; connection: ConnectionStatus }) {
  const checkKeychain = useCheckKeychain();
  // Local-only, a tunnel not online, or a failed check from outside: the IdP cannot reach ScimDesk.
  const unreachable = unreachableReason(status);
  const confirmUrl = useConfirmPublicUrl();
  const announce = useAnnounce();
  const fields = IDP_FIELDS[connection.name];
  return (
    <>
      {!status.secrets.ok && (
        <Alert
          tone="danger"
          role="alert"
          title="The keychain is not available: ScimDesk refuses SCIM requests until it is"
          actions={
            <button
              type="button"
              className="btn btn-secondary btn-sm"
              disabled={checkKeychain.isPending}
              onClick={() => checkKeychain.mutate(undefined, { onSuccess: (s) => announce(s.secrets.ok ? 'The keychain works again' : 'The keychain is still not available', s.secrets.ok ? 'success' : 'error') })}
            >
              {checkKeychain.isPending && <span className="spinner spinner-inline" aria-hidden="true" />}
              Try again
            </button>
          }
        >
          <p>{status.secrets.message}</p>
          {checkKeychain.isError && <p className="text-danger">{checkKeychain.error.message}</p>}
        </Alert>
      )}
      {status.urlChange && (
        <Alert
          tone="warning"
          role="alert"
          className="alert-prominent"
          title={`The public URL changed — update ${connection.name === 'okta' ? "Okta's" : `${connection.label}'s`} ${fields.url}`}
          actions={
            <button type="button" className="btn btn-primary btn-sm" disabled={confirmUrl.isPending} onClick={() => confirmUrl.mutate()}>
              I&apos;ve updated {connection.label}
            </button>
          }
        >
          <p className="url-change">
            <span className="mono url-old">{status.urlChange.previous}</span>
            <span aria-hidden="true"> → </span>
            <span className="sr-only"> changed to </span>
            <span className="mono url-new">{status.urlChange.current}</span>
          </p>
          {status.scimUrl && (
            <div className="url-change-copy">
              <span>New {fields.url}:</span>
              <code className="mono">{status.scimUrl}</code>
              <CopyButton text={status.scimUrl} what={`new ${fields.url}`} />
            </div>
          )}
          <p>
            {connection.label} still sends requests to the old address. Paste the new SCIM URL into {connection.label}&apos;s <strong>{fields.url}</strong> (
            {fields.where}), then confirm here.
          </p>
          {confirmUrl.isError && <p className="text-danger">{confirmUrl.error.message}</p>}
        </Alert>
      )}
      {unreachable !== null && (
        <Alert
          tone="warning"
          title={`${connection.label} cannot reach this URL`}
          actions={
            <a className="btn btn-secondary btn-sm" href={href.publicUrl()}>
              Go to Public URL
            </a>
          }
        >
          <p>
            {unreachable} Until it can, {connection.label}&apos;s requests do not arrive. Fix it on the Public URL page, shared by both identity providers.
          </p>
        </Alert>
      )}
    </>
  );
}

function TokenInfo({ connection }: { connection: ConnectionStatus }) {
  if (!connection.hasToken) return <p className="muted">No token yet: generate one to let {connection.label} in.</p>;
  return (
    <div className="token-info">
      <p>
        Token created{' '}
        {connection.tokenCreatedAt ? (
          <time dateTime={connection.tokenCreatedAt} title={formatFull(connection.tokenCreatedAt)}>
            {formatDateTime(connection.tokenCreatedAt)}
          </time>
        ) : (
          'earlier'
        )}
      </p>
      <p className="muted">
        {connection.lastUsedAt ? (
          <>
            Last used <RelativeTime iso={connection.lastUsedAt} />
            {connection.lastUsedIp && <> from {connection.lastUsedIp}</>}
            {connection.lastUsedAgent && <> ({connection.lastUsedAgent})</>}
          </>
        ) : (
          'Not used yet'
        )}
      </p>
    </div>
  );
}

/** How the IdP's requests have been going, from the request log, with a way to its entries. */
function HealthSection({ connection }: { connection: ConnectionStatus }) {
  const h = connection.health;
  const troubled = h.state === 'failing' || h.state === 'old-token' || h.state === 'disabled' || h.state === 'needs-token';
  return (
    <div className={`card-body card-body-divided health-section health-${h.state}`}>
      <div className="health-head">
        <h3 className="health-title">Requests from {connection.label}</h3>
        <HealthBadge health={h} />
      </div>
      <p className={`health-sentence${troubled ? ' is-troubled' : ''}`}>
        {troubled && <WarningIcon size={15} />}
        <span>{h.sentence}</span>
      </p>
      <HealthFacts health={h} />
      <p className="health-links">
        <a href={href.activity(undefined, { connection: connection.name })}>
          <ActivityIcon size={14} /> {connection.label}&apos;s requests in Activity
        </a>
        {h.failuresLastHour > 0 && <a href={href.activity(undefined, { connection: connection.name, status: 'client-error' })}>Its refused requests</a>}
        {h.state === 'old-token' && <a href={href.refused()}>Requests with an old token</a>}
      </p>
    </div>
  );
}

export function ConnectionScreen({ connection: name, section = null }: { connection: ConnectionName; section?: 'token' | null }) {
  const status = useLoadedStatus();
  const connection = status.connections.find((c) => c.name === name);
  const updateConnection = useUpdateConnection();
  const announce = useAnnounce();
  // The token lives here only: shown once, gone when dismissed or when the page unmounts.
  const [token, setToken] = useState<string | null>(null);
  const switchEnabled = useSetConnectionEnabled();
  const [switchError, setSwitchError] = useState<unknown>(null);
  const [confirmRotate, setConfirmRotate] = useState(false);
  const [rotating, setRotating] = useState(false);
  const [rotateError, setRotateError] = useState<unknown>(null);
  const rotateButtonRef = useRef<HTMLButtonElement>(null);
  const labelId = useId();
  const descId = useId();
  const tokenRef = useRef<HTMLDivElement>(null);
  const tokenInputRef = useRef<HTMLInputElement>(null);
  const switchRowRef = useRef<HTMLDivElement>(null);
  // A new token takes focus once it is shown. This runs after the dialog's own cleanup, which
  // puts focus back on the key button that opened it: the token is what the user needs next.
  const focusTokenNext = useRef(false);
  useEffect(() => {
    if (!token || !focusTokenNext.current) return;
    focusTokenNext.current = false;
    tokenInputRef.current?.focus();
  }, [token]);

  // #/scim/<name>/token (the activity log's "Make a new token"): the token field, in view and focused.
  useEffect(() => {
    if (section !== 'token') return;
    const frame = requestAnimationFrame(() => {
      const target = tokenRef.current ?? switchRowRef.current;
      const main = document.getElementById('main');
      // Scrolls the page's own scroller only (scrollIntoView would also shift the app frame).
      if (target && main) {
        const t = target.getBoundingClientRect();
        const m = main.getBoundingClientRect();
        main.scrollTo({ top: main.scrollTop + t.top - m.top - (m.height - t.height) / 2 });
      }
      (rotateButtonRef.current ?? switchRowRef.current?.querySelector<HTMLElement>('[role="switch"]'))?.focus({ preventScroll: true });
    });
    return () => cancelAnimationFrame(frame);
  }, [section]);

  if (!connection) return <ErrorAlert error={new Error(`ScimDesk has no connection named ${name}`)} />;
  const label = connection.label;
  const fields = IDP_FIELDS[name];

  const switching = switchEnabled.isPending;
  const setEnabled = async (enabled: boolean): Promise<void> => {
    setSwitchError(null);
    try {
      const result = await switchEnabled.mutateAsync({ connection: name, enabled });
      setToken(enabled ? result.token : null);
      announce(enabled ? `${label} provisioning enabled` : `${label} provisioning disabled`, enabled ? 'success' : 'info');
    } catch (err) {
      setSwitchError(err);
    }
  };

  const rotate = async (): Promise<void> => {
    setRotating(true);
    setRotateError(null);
    try {
      const result = await call('rotateToken', { connection: name });
      updateConnection(result.connection);
      focusTokenNext.current = true;
      setToken(result.token);
      setConfirmRotate(false);
      announce('New SCIM token generated: copy it now');
    } catch (err) {
      setRotateError(err);
    } finally {
      setRotating(false);
    }
  };

  return (
    <div className="page page-narrow">
      <PageHeader
        title={label}
        subtitle={`SCIM 2.0 provisioning: ${label} creates, updates and deactivates users and pushes groups into ScimDesk.`}
        icon={<IdpLogo connection={name} size={48} />}
        actions={<ConnectionStateBadge connection={connection} />}
      >
        <Breadcrumb items={[{ label: 'App Integrations' }, { label: 'SCIM', href: href.scim() }, { label }]} />
      </PageHeader>

      <div className="stack">
        <ConnectionAlerts status={status} connection={connection} />

        <section className="card" aria-labelledby={`${labelId}-card`}>
          <h2 className="sr-only" id={`${labelId}-card`}>
            Provisioning
          </h2>
          <div className="card-body switch-row" ref={switchRowRef}>
            <div className="switch-text">
              <p className="switch-label" id={labelId}>
                Enable {label} provisioning
              </p>
              <p className="switch-desc" id={descId}>
                {connection.enabled
                  ? `${label} can reach the SCIM API with its token.`
                  : `While off, ScimDesk refuses ${label}'s requests. The first time you turn it on, ScimDesk generates the SCIM token.`}
              </p>
            </div>
            <Switch checked={connection.enabled} onChange={(next) => void setEnabled(next)} labelledBy={labelId} describedBy={descId} busy={switching} disabled={switching} />
          </div>
          {switchError !== null && (
            <div className="card-body card-body-tight">
              <ErrorAlert error={switchError} title={`${label} provisioning was not changed`} />
            </div>
          )}

          {connection.enabled && (
            <div className="card-body card-body-divided credentials">
              <CopyField
                label="SCIM URL"
                value={status.scimUrl ?? ''}
                copyWhat="SCIM URL"
                hint={`Paste it into ${label}'s ${fields.url} field.`}
                unavailable={`Not available: ${noUrlReason(status)}.`}
              />

              <div className={`field${section === 'token' ? ' is-target' : ''}`} ref={tokenRef}>
                <div className="token-head">
                  {token ? (
                    <label className="field-label" htmlFor={`${labelId}-token-input`}>
                      SCIM Token
                    </label>
                  ) : (
                    <span className="field-label" id={`${labelId}-token`}>
                      SCIM Token
                    </span>
                  )}
                  <button
                    ref={rotateButtonRef}
                    type="button"
                    className="btn btn-secondary btn-icon"
                    title="New SCIM Token"
                    onClick={() => {
                      setRotateError(null);
                      setConfirmRotate(true);
                    }}
                  >
                    <KeyRotateIcon size={16} />
                    {/* Named by its content, not aria-label: "SCIM Token" then labels only the token field. */}
                    <span className="sr-only">New SCIM Token</span>
                  </button>
                </div>
                {token ? (
                  <div className="token-reveal">
                    <div className="copy-field copy-field-emphasis">
                      <input
                        id={`${labelId}-token-input`}
                        ref={tokenInputRef}
                        className="input input-mono"
                        type="text"
                        readOnly
                        value={token}
                        spellCheck={false}
                        autoComplete="off"
                        onFocus={(e) => e.currentTarget.select()}
                        aria-describedby={`${labelId}-token-warning`}
                      />
                      <CopyButton text={token} what="SCIM token" />
                    </div>
                    <p className="token-warning" id={`${labelId}-token-warning`}>
                      <WarningIcon size={16} />
                      <span>The newly generated token will be shown only once. Make sure to copy and save it.</span>
                    </p>
                    <div className="token-actions">
                      <button
                        type="button"
                        className="btn btn-primary"
                        onClick={() => {
                          setToken(null);
                          rotateButtonRef.current?.focus();
                        }}
                      >
                        I have saved the token
                      </button>
                      <span className="field-hint">
                        In {label}: {fields.token} = {name === 'okta' ? <code className="mono">Bearer &lt;token&gt;</code> : 'the token'}
                      </span>
                    </div>
                  </div>
                ) : (
                  <div className="token-summary" aria-labelledby={`${labelId}-token`} role="group">
                    <span className="token-summary-icon">
                      <LockIcon size={16} />
                    </span>
                    <TokenInfo connection={connection} />
                  </div>
                )}
                {!token && connection.hasToken && (
                  <p className="field-hint">Tokens are stored only as a hash: lost it? Generate a new one with the key button and update {label}.</p>
                )}
              </div>
            </div>
          )}
          {(connection.enabled || connection.health.state !== 'idle') && <HealthSection connection={connection} />}
        </section>

        <section className="card" aria-labelledby={`${labelId}-setup`}>
          <div className="card-header">
            <IdpLogo connection={name} size={32} />
            <div>
              <h2 className="card-title" id={`${labelId}-setup`}>
                Set up {label}
              </h2>
              <p className="card-subtitle">
                {connection.enabled ? `Do this once in ${label} with the values above.` : `Turn provisioning on above to get the SCIM URL and token, then follow these steps.`}
              </p>
            </div>
          </div>
          <div className="card-body">
            <SetupSteps connection={name} scimUrl={status.scimUrl} noUrl={noUrlReason(status)} token={token} />
          </div>
          <div className="card-footer">
            <SetupHelpLinks connection={name} />
          </div>
        </section>

        <PublicUrlLine status={status} />
      </div>

      {confirmRotate && (
        <ConfirmDialog
          title="Generate a new SCIM token?"
          confirmLabel="Generate new token"
          busy={rotating}
          error={rotateError !== null ? <ErrorAlert error={rotateError} title="No new token was generated" /> : undefined}
          onConfirm={() => void rotate()}
          onCancel={() => setConfirmRotate(false)}
        >
          <p>
            The current token stops working immediately: {label}&apos;s requests are refused until you paste the new token into {label} ({fields.token}, under{' '}
            {fields.where}).
          </p>
          <p>The new token is shown once, on this page.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
