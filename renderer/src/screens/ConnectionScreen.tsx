/**
 * App Integrations › SCIM › Okta (or Microsoft Entra ID): the enable switch, the SCIM URL, the
 * token (shown once, only in this component's state, never stored), the setup steps, and a
 * line on the public URL (its settings live on the Public URL page, shared by both IdPs).
 * Keyed by connection in App, so leaving the page or switching IdP drops the token.
 */
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { AppStatus, ConnectionStatus } from '../../../contract/model';
import type { ConnectionName } from '../../../contract/connections';
import { useCheckKeychain, useConfirmPublicUrl, useLoadedStatus, useSetConnectionEnabled } from '../api/useStatus';
import { Alert, ErrorAlert } from '../components/Alert';
import { ConnectionStateBadge, HealthBadge, HealthFacts } from '../components/Health';
import { Breadcrumb } from '../components/Breadcrumb';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { CopyButton } from '../components/CopyButton';
import { CopyField } from '../components/CopyField';
import { ActivityIcon, WarningIcon } from '../components/Icons';
import { IdpLogo } from '../components/IdpLogo';
import { PageHeader } from '../components/PageHeader';
import { SetupHelpLinks, SetupSteps } from '../components/SetupSteps';
import { Switch } from '../components/Switch';
import { PublicUrlLine } from '../components/PublicUrlLine';
import { useAnnounce } from '../hooks/useAnnounce';
import { useLeaveGuard } from '../hooks/useLeaveGuard';
import { href } from '../routes';
import { noUrlReason, unreachableReason } from '../tunnel';
import { TokenSection } from './TokenSection';
import { CardHeader } from '../components/CardHeader';
import { SimulateCard } from './SimulateCard';
import { FaultDrillSection } from './FaultDrillSection';

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
  const announce = useAnnounce();
  // The token lives here only: shown once, gone when dismissed or when the page unmounts.
  const [token, setToken] = useState<string | null>(null);
  const switchEnabled = useSetConnectionEnabled();
  const [switchError, setSwitchError] = useState<unknown>(null);
  const [confirmDisable, setConfirmDisable] = useState(false);
  const rotateButtonRef = useRef<HTMLButtonElement>(null);
  const label = connection?.label ?? name;
  const fields = IDP_FIELDS[name];
  // While the token is on screen, leaving (a link, Back, another IdP, closing the window) asks first.
  const tokenShown = token !== null;
  const leaveQuestion = useMemo(
    () =>
      tokenShown
        ? {
            title: 'Leave without saving the token?',
            body: (
              <>
                <p>
                  You cannot see it again: ScimDesk keeps only a hash of it. {label} needs it in its {fields.token} field; without it, the only way back is a new
                  token, and {label}&apos;s provisioning fails until that one is pasted in.
                </p>
                <p>Stay to copy it, then click &ldquo;I have saved the token&rdquo;.</p>
              </>
            ),
          }
        : null,
    [tokenShown, label, fields],
  );
  useLeaveGuard(leaveQuestion);
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

  const switching = switchEnabled.isPending;
  const setEnabled = async (enabled: boolean): Promise<void> => {
    setSwitchError(null);
    try {
      const result = await switchEnabled.mutateAsync({ connection: name, enabled });
      // Only the first enable makes a token. Turning off keeps one on screen: it stays valid.
      if (result.token) setToken(result.token);
      setConfirmDisable(false);
      announce(enabled ? `${label} provisioning enabled` : `${label} provisioning disabled`, enabled ? 'success' : 'info');
    } catch (err) {
      setSwitchError(err);
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
                  : connection.hasToken
                    ? `Provisioning is paused: ScimDesk refuses ${label}'s requests until you turn it on again. The token is kept.`
                    : `While off, ScimDesk refuses ${label}'s requests. The first time you turn it on, ScimDesk generates the SCIM token.`}
              </p>
            </div>
            <Switch checked={connection.enabled} onChange={(next) => {
                // Turning off stops the IdP's provisioning: asked first. Turning on is harmless.
                if (next) return void setEnabled(true);
                setSwitchError(null);
                setConfirmDisable(true);
              }} labelledBy={labelId} describedBy={descId} busy={switching} disabled={switching} />
          </div>
          {switchError !== null && !confirmDisable && (
            <div className="card-body card-body-tight">
              <ErrorAlert error={switchError} title={`${label} provisioning was not changed`} />
            </div>
          )}

          {/* A paused connection keeps its token's details: it is set up, only switched off. */}
          {(connection.enabled || connection.hasToken) && (
            <div className="card-body card-body-divided credentials">
              {connection.enabled && (
                <CopyField
                  label="SCIM URL"
                  value={status.scimUrl ?? ''}
                  copyWhat="SCIM URL"
                  hint={`Paste it into ${label}'s ${fields.url} field.`}
                  unavailable={`Not available: ${noUrlReason(status)}.`}
                />
              )}

              <TokenSection
                connection={connection}
                fields={fields}
                token={token}
                onNewToken={(next) => {
                  focusTokenNext.current = true;
                  setToken(next);
                }}
                onSaved={() => {
                  setToken(null);
                  // Back to the action that made it (or the switch, when the first enable did).
                  (rotateButtonRef.current ?? switchRowRef.current?.querySelector<HTMLElement>('[role="switch"]'))?.focus();
                }}
                isTarget={section === 'token'}
                fieldRef={tokenRef}
                rotateRef={rotateButtonRef}
                tokenInputRef={tokenInputRef}
              />
            </div>
          )}
          {(connection.enabled || connection.health.state !== 'idle') && <HealthSection connection={connection} />}
        </section>

        <section className="card" aria-labelledby={`${labelId}-setup`}>
          <CardHeader
            icon={<IdpLogo connection={name} size={32} />}
            title={<>Set up {label}</>}
            titleId={`${labelId}-setup`}
            subtitle={
              connection.enabled
                ? `Do this once in ${label} with the values above.`
                : connection.hasToken
                  ? `Provisioning is paused: turn it on again above; ${label} keeps these settings.`
                  : `Turn provisioning on above to get the SCIM URL and token, then follow these steps.`
            }
          />
          <div className="card-body">
            <SetupSteps connection={name} scimUrl={status.scimUrl} noUrl={noUrlReason(status)} token={token} />
          </div>
          <div className="card-footer">
            <SetupHelpLinks connection={name} />
          </div>
        </section>

        <SimulateCard status={status} connection={connection} />
        <FaultDrillSection status={status} connection={connection} />

        <PublicUrlLine status={status} />
      </div>

      {confirmDisable && (
        <ConfirmDialog
          title={`Turn off ${label} provisioning?`}
          confirmLabel="Turn off"
          tone="danger"
          busy={switching}
          error={switchError !== null ? <ErrorAlert error={switchError} title={`${label} provisioning was not changed`} /> : undefined}
          onConfirm={() => void setEnabled(false)}
          onCancel={() => setConfirmDisable(false)}
        >
          <p>{label}&apos;s requests are refused until you turn it on again; the token is kept.</p>
          <p>The users and groups already here stay as they are.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
