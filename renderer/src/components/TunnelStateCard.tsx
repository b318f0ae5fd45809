/**
 * Where the identity providers reach ScimDesk now: the public URL and, for a tunnel, its live
 * state; why it is not online (cause and fix, from the core) with Retry now while it waits.
 */
import { useId } from 'react';
import type { AppStatus } from '../../../contract/model';
import { useRetryTunnel } from '../api/useStatus';
import { formatDateTime, formatNumber } from '../format';
import { useAnnounce } from '../hooks/useAnnounce';
import { BOTH_IDPS, HTTPS_WARNING, PHASE_LABELS, PHASE_TONES, currentCheck, isPlainHttp } from '../tunnel';
import { Alert, ErrorAlert } from './Alert';
import { Badge } from './Badge';
import { CopyButton } from './CopyButton';
import { Facts } from './DetailPane';
import { GlobeIcon } from './Icons';
import { RelativeTime } from './RelativeTime';
import { CardHeader, CardIcon } from './CardHeader';

function UrlValue({ url }: { url: string | null }) {
  if (!url) return <span className="muted">Not available yet</span>;
  return (
    <span className="url-value">
      <span className="mono">{url}</span>
      <CopyButton text={url} what="public URL" variant="ghost" />
    </span>
  );
}

/**
 * Retry now, while the tunnel waits between attempts. It stays in place (aria-disabled, not
 * removed) while the attempt runs, so the focus stays on it and it can say it is trying.
 */
function RetryButton({ status, retry }: { status: AppStatus; retry: ReturnType<typeof useRetryTunnel> }) {
  const announce = useAnnounce();
  const waiting = status.tunnel.nextRetryAt !== null;
  const trying = retry.isPending || !waiting;
  return (
    <button
        type="button"
        className="btn btn-secondary btn-sm"
        aria-disabled={trying || undefined}
        aria-busy={trying || undefined}
        onClick={() => {
          if (trying) return;
          retry.mutate(undefined, { onSuccess: () => announce('Trying the tunnel again') });
        }}
      >
        {trying && <span className="spinner spinner-inline" aria-hidden="true" />}
        {trying ? 'Trying…' : 'Retry now'}
      </button>
  );
}

function TunnelFacts({ status }: { status: AppStatus }) {
  const { tunnel, tunnelSettings: settings } = status;
  return (
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
        tunnel.onlineSince !== null && ['Online since', <span key="o">{formatDateTime(tunnel.onlineSince)}</span>],
        ['Reconnects', formatNumber(tunnel.reconnects)],
        ['Failed attempts', formatNumber(tunnel.attempt)],
        // The problem's sentence says it better, in the alert below; the raw reason is for the rest.
        tunnel.lastError !== null && tunnel.problem === null && ['Last error', <span key="e" className="text-danger">{tunnel.lastError}</span>],
        tunnel.nextRetryAt !== null && ['Next attempt', <RelativeTime key="r" iso={tunnel.nextRetryAt} tickMs={1000} />],
      ]}
    />
  );
}

function TunnelAlerts({ status }: { status: AppStatus }) {
  const { tunnel } = status;
  const retry = useRetryTunnel();
  // Shown from the first failure until the tunnel is online again, attempts included, so
  // Retry now (and the focus on it) stays in place while an attempt runs.
  const failing = tunnel.phase !== 'online' && (tunnel.attempt > 0 || tunnel.problem !== null);
  return (
    <>
      {failing && (
        <Alert tone="danger" title={tunnel.problem?.sentence ?? 'The tunnel is not online yet'} actions={<RetryButton status={status} retry={retry} />}>
          {tunnel.problem ? <p>{tunnel.problem.fix}</p> : tunnel.lastError && <p>{tunnel.lastError}</p>}
          <p className="muted">ScimDesk keeps trying by itself; Retry now starts the next attempt at once.</p>
        </Alert>
      )}
      {retry.isError && <ErrorAlert error={retry.error} title="The tunnel was not retried" />}
      {tunnel.subdomainNotGranted && (
        <Alert tone="warning" title="Subdomain not granted">
          <p>
            The tunnel server did not grant <span className="mono">{tunnel.wantedSubdomain}</span> (it may still be held by an earlier session) and gave{' '}
            <span className="mono">{tunnel.subdomain ?? 'another one'}</span> instead, so the public URL differs from the one the identity providers know. ScimDesk
            keeps asking for the one it wanted and switches back as soon as it is free.
          </p>
        </Alert>
      )}
      {/* This computer's own probe; a passed check from outside (what the IdPs see) outranks it. */}
      {tunnel.publicUrlWarning !== null && !currentCheck(status)?.ok && (
        <Alert tone="warning" title="Public URL not reachable from this computer">
          <p>{tunnel.publicUrlWarning}.</p>
        </Alert>
      )}
    </>
  );
}

export function TunnelStateCard({ status }: { status: AppStatus }) {
  const titleId = useId();
  const settings = status.tunnelSettings;
  return (
    <section className="card" aria-labelledby={titleId}>
      <CardHeader
        icon={<CardIcon><GlobeIcon size={18} /></CardIcon>}
        title={settings.mode === 'localtunnel' ? 'Tunnel' : settings.mode === 'external' ? 'Own public URL' : 'This computer only'}
        titleId={titleId}
        subtitle="Shared by both identity providers: each uses the same URL with its own token."
      />
      <div className="card-body stack-sm">
        {settings.mode === 'none' && (
          <p className="muted">
            ScimDesk listens on <span className="mono">{status.server.localUrl ?? '127.0.0.1'}</span> only: {BOTH_IDPS} cannot reach it from the internet. Choose a
            tunnel or your own public URL below.
          </p>
        )}
        {settings.mode === 'external' && (
          <>
            <Facts
              items={[
                ['Public URL', <UrlValue key="u" url={settings.publicUrl} />, 'wide'],
                ['Forwards to', <span key="l" className="mono">{status.server.localUrl ?? '—'}</span>],
              ]}
            />
            {isPlainHttp(settings.publicUrl) && (
              <Alert tone="warning" title="This URL uses plain http">
                <p>{HTTPS_WARNING}</p>
              </Alert>
            )}
          </>
        )}
        {settings.mode === 'localtunnel' && (
          <>
            <TunnelFacts status={status} />
            <TunnelAlerts status={status} />
          </>
        )}
      </div>
    </section>
  );
}
