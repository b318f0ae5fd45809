/**
 * The connection page's SCIM token: the new token while it is shown (once), otherwise what is
 * known of it (created, last used) and, during a rotation overlap, of the previous token that
 * still works (its expiry, its last use, "End overlap now"); New SCIM Token with its overlap choice.
 * The token itself lives in ConnectionScreen's state (the first enable also produces one).
 */
import { type Ref, useId, useState } from 'react';
import type { TokenOverlap } from '../../../contract/choices';
import type { ConnectionStatus, PreviousToken } from '../../../contract/model';
import { call } from '../api/client';
import { useUpdateConnection } from '../api/useStatus';
import { ErrorAlert } from '../components/Alert';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { CopyButton } from '../components/CopyButton';
import { KeyRotateIcon, LockIcon, WarningIcon } from '../components/Icons';
import { RadioCards, type RadioCardOption } from '../components/RadioCards';
import { RelativeTime } from '../components/RelativeTime';
import { formatCountdown, formatDateTime, formatFull, formatWhen } from '../format';
import { useAnnounce } from '../hooks/useAnnounce';
import { useNow } from '../hooks/useNow';

/** Where the IdP keeps the token, for the hints and dialogs. */
export interface TokenFieldNames {
  readonly token: string;
  readonly where: string;
}

function Created({ iso }: { iso: string | null }) {
  return iso ? (
    <time dateTime={iso} title={formatFull(iso)}>
      {formatDateTime(iso)}
    </time>
  ) : (
    <>earlier</>
  );
}

/** What is known of the current token; titled "Current token" beside a previous one. */
function CurrentTokenInfo({ connection, titleId }: { connection: ConnectionStatus; titleId?: string }) {
  return (
    <div className="token-info">
      {titleId ? (
        <>
          <p className="token-summary-title" id={titleId}>
            Current token
          </p>
          <p>
            Created <Created iso={connection.tokenCreatedAt} />
          </p>
        </>
      ) : (
        <p>
          Token created <Created iso={connection.tokenCreatedAt} />
        </p>
      )}
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

/** The replaced token that still works: when it stops, and whether the IdP still sends it. */
function PreviousTokenCard({ previous, label, onEnd }: { previous: PreviousToken; label: string; onEnd: () => void }) {
  const titleId = useId();
  const now = useNow(15_000);
  return (
    <div className="token-summary is-previous" role="group" aria-labelledby={titleId}>
      <span className="token-summary-icon">
        <KeyRotateIcon size={16} />
      </span>
      <div className="token-info">
        <p className="token-summary-title" id={titleId}>
          Previous token
        </p>
        <p>
          Stops working at{' '}
          <time dateTime={previous.expiresAt} title={formatFull(previous.expiresAt)}>
            {formatWhen(previous.expiresAt, now)}
          </time>
          , {formatCountdown(previous.expiresAt, now)}
        </p>
        <p className="muted">
          {previous.createdAt && (
            <>
              Created <Created iso={previous.createdAt} />.{' '}
            </>
          )}
          {previous.lastUsedAt ? (
            <>
              Last used <RelativeTime iso={previous.lastUsedAt} tickMs={15_000} />: {label} still sends it.
            </>
          ) : (
            `Not used since it was replaced.`
          )}
        </p>
      </div>
      <button type="button" className="btn btn-danger-outline btn-sm token-summary-action" onClick={onEnd}>
        End overlap now
      </button>
    </div>
  );
}

function overlapOptions(label: string, fields: TokenFieldNames): RadioCardOption<TokenOverlap>[] {
  return [
    { value: 'none', title: 'No time', description: `The old token stops working now: ${label}'s provisioning fails until you paste the new token.` },
    { value: '1h', title: '1 hour', description: `Both tokens work for an hour: time to paste the new one into ${label} (${fields.token}).` },
    { value: '24h', title: '24 hours', description: `Both tokens work until this time tomorrow; then only the new one does.` },
  ];
}

interface TokenSectionProps {
  readonly connection: ConnectionStatus;
  readonly fields: TokenFieldNames;
  /** The new token while it is on screen. */
  readonly token: string | null;
  readonly onNewToken: (token: string) => void;
  readonly onSaved: () => void;
  /** The page was opened at #/scim/<name>/token. */
  readonly isTarget: boolean;
  readonly fieldRef: Ref<HTMLDivElement>;
  readonly rotateRef: Ref<HTMLButtonElement>;
  readonly tokenInputRef: Ref<HTMLInputElement>;
}

export function TokenSection({ connection, fields, token, onNewToken, onSaved, isTarget, fieldRef, rotateRef, tokenInputRef }: TokenSectionProps) {
  const { label, name } = connection;
  const id = useId();
  const updateConnection = useUpdateConnection();
  const announce = useAnnounce();
  const now = useNow(15_000);
  const [dialog, setDialog] = useState<'rotate' | 'end-overlap' | null>(null);
  const [overlap, setOverlap] = useState<TokenOverlap>('none');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // Hidden once its time is up, even before the core's next status says so.
  const previous = connection.previousToken && Date.parse(connection.previousToken.expiresAt) > now ? connection.previousToken : null;

  const open = (which: 'rotate' | 'end-overlap'): void => {
    setError(null);
    setOverlap('none');
    setDialog(which);
  };

  const run = async (action: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      setDialog(null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const rotate = (): Promise<void> =>
    run(async () => {
      const result = await call('rotateToken', { connection: name, overlap });
      updateConnection(result.connection);
      onNewToken(result.token);
      const until = result.connection.previousToken ? `; the previous token works until ${formatWhen(result.connection.previousToken.expiresAt, Date.now())}` : '';
      announce(`New SCIM token generated: copy it now${until}`);
    });

  const endOverlap = (): Promise<void> =>
    run(async () => {
      updateConnection(await call('endTokenOverlap', { connection: name }));
      announce('The previous token no longer works', 'info');
    });

  return (
    <div className={`field${isTarget ? ' is-target' : ''}`} ref={fieldRef}>
      <div className="token-head">
        {token ? (
          <label className="field-label" htmlFor={`${id}-input`}>
            SCIM Token
          </label>
        ) : (
          <span className="field-label" id={`${id}-label`}>
            SCIM Token
          </span>
        )}
        {connection.enabled && (
          // Destructive (the current token is replaced), so it reads as such, with its name on it.
          <button ref={rotateRef} type="button" className="btn btn-danger-outline btn-sm" onClick={() => open('rotate')}>
            <KeyRotateIcon size={14} />
            New SCIM Token
          </button>
        )}
      </div>
      {token ? (
        <div className="token-reveal">
          <div className="copy-field copy-field-emphasis">
            <input
              id={`${id}-input`}
              ref={tokenInputRef}
              className="input input-mono"
              type="text"
              readOnly
              value={token}
              spellCheck={false}
              autoComplete="off"
              onFocus={(e) => e.currentTarget.select()}
              aria-describedby={`${id}-warning`}
            />
            <CopyButton text={token} what="SCIM token" />
          </div>
          <p className="token-warning" id={`${id}-warning`}>
            <WarningIcon size={16} />
            <span>The newly generated token will be shown only once. Make sure to copy and save it.</span>
          </p>
          <div className="token-actions">
            <button type="button" className="btn btn-primary" onClick={onSaved}>
              I have saved the token
            </button>
            <span className="field-hint">
              In {label}: {fields.token} = {name === 'okta' ? <code className="mono">Bearer &lt;token&gt;</code> : 'the token'}
            </span>
          </div>
        </div>
      ) : previous ? (
        <div className="token-summary" role="group" aria-labelledby={`${id}-current`}>
          <span className="token-summary-icon">
            <LockIcon size={16} />
          </span>
          <CurrentTokenInfo connection={connection} titleId={`${id}-current`} />
        </div>
      ) : (
        <div className="token-summary" aria-labelledby={`${id}-label`} role="group">
          <span className="token-summary-icon">
            <LockIcon size={16} />
          </span>
          {connection.hasToken ? <CurrentTokenInfo connection={connection} /> : <p className="muted">No token yet: generate one to let {label} in.</p>}
        </div>
      )}
      {previous && <PreviousTokenCard previous={previous} label={label} onEnd={() => open('end-overlap')} />}
      {!token && connection.hasToken && <p className="field-hint">Tokens are stored only as a hash: lost it? Generate a new one with New SCIM Token and update {label}.</p>}

      {dialog === 'rotate' && (
        <ConfirmDialog
          title="Generate a new SCIM token?"
          confirmLabel="Generate new token"
          tone="danger"
          busy={busy}
          error={error !== null ? <ErrorAlert error={error} title="No new token was generated" /> : undefined}
          onConfirm={() => void rotate()}
          onCancel={() => setDialog(null)}
        >
          <p>
            The current token is replaced. Paste the new one into {label} ({fields.token}, under {fields.where}); it is shown once, on this page.
          </p>
          {previous && <p>The previous token, still working from the last change, stops working now.</p>}
          {connection.hasToken && <RadioCards label="The old token keeps working for" value={overlap} options={overlapOptions(label, fields)} onChange={setOverlap} />}
        </ConfirmDialog>
      )}
      {dialog === 'end-overlap' && (
        <ConfirmDialog
          title="End the overlap now?"
          confirmLabel="End overlap"
          tone="danger"
          busy={busy}
          error={error !== null ? <ErrorAlert error={error} title="The previous token still works" /> : undefined}
          onConfirm={() => void endOverlap()}
          onCancel={() => setDialog(null)}
        >
          <p>
            The previous token stops working now: {label}&apos;s requests that still send it are refused. Do this once {label} has the new token in its {fields.token}{' '}
            field.
          </p>
        </ConfirmDialog>
      )}
    </div>
  );
}
