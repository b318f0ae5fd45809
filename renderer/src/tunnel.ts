/**
 * How the public URL's state reads in the panel: the tunnel's phase, the check from outside,
 * and why an identity provider cannot reach ScimDesk. One place, so the Public URL screen, the
 * SCIM page, the provider pages and the header chip never disagree.
 */
import type { AppStatus, PublicUrlCheck, TunnelPhase } from '../../contract/model';
import type { Tone } from './components/Badge';

export const PHASE_LABELS: Readonly<Record<TunnelPhase, string>> = {
  off: 'Off',
  connecting: 'Connecting',
  online: 'Online',
  reconnecting: 'Reconnecting',
  error: 'Error',
};

export const PHASE_TONES: Readonly<Record<TunnelPhase, Tone>> = {
  off: 'neutral',
  connecting: 'info',
  online: 'success',
  reconnecting: 'warning',
  error: 'danger',
};

/** Both identity providers, as the shared settings name them. */
export const BOTH_IDPS = 'Okta and Microsoft Entra ID';

/** The latest finished check, only when it checked the URL in use now (an older URL's verdict says nothing). */
export function currentCheck(status: AppStatus): PublicUrlCheck | null {
  const last = status.publicCheck?.last ?? null;
  return last !== null && last.url === status.publicUrl ? last : null;
}

/** The tunnel is configured but has no public URL now. */
export function tunnelWaiting(status: AppStatus): boolean {
  return status.tunnelSettings.mode === 'localtunnel' && status.tunnel.phase !== 'online';
}

/** Why the tunnel is not online, for people: the core's sentence, else its raw last error. */
export function tunnelProblemSentence(status: AppStatus): string | null {
  return status.tunnel.problem?.sentence ?? status.tunnel.lastError;
}

/** A sentence continuing another after a colon: "…: this computer cannot find…" (no final stop). */
function continued(sentence: string): string {
  const text = sentence.replace(/\.$/, '');
  // "This computer" reads on as "this computer"; "DNS…" or a name keeps its capitals.
  return /^[A-Z][a-z]/.test(text) ? `${text[0]!.toLowerCase()}${text.slice(1)}` : text;
}

/**
 * The public URL's badge. Green only after a check from outside of the current URL passed: a
 * URL that merely exists (an own URL that does not resolve, a tunnel up at the server only)
 * has not shown that the IdP reaches this ScimDesk.
 */
export function reachBadge(status: AppStatus): { label: string; tone: Tone } {
  if (status.tunnelSettings.mode === 'none') return { label: 'This computer only', tone: 'warning' };
  if (tunnelWaiting(status)) {
    const phase = status.tunnel.phase;
    return { label: `Tunnel ${PHASE_LABELS[phase].toLowerCase()}`, tone: PHASE_TONES[phase] };
  }
  if (status.publicCheck?.running) return { label: 'Checking…', tone: 'neutral' };
  const check = currentCheck(status);
  if (check === null) return { label: 'Not checked', tone: 'warning' };
  return check.ok ? { label: 'Reachable', tone: 'success' } : { label: 'Check failed', tone: 'danger' };
}

/** Why the SCIM URL is empty (the core has no URL to give), as the end of "Not available: …" (no final stop). */
export function noUrlReason(status: AppStatus): string {
  if (!status.server.listening) return 'the SCIM server is not running';
  if (tunnelWaiting(status)) {
    const why = tunnelProblemSentence(status);
    return `the tunnel is not online yet${why ? `: ${continued(why)}` : ''}`;
  }
  return 'no public URL is set';
}

/**
 * Why the identity providers cannot reach ScimDesk now, in one sentence; null when nothing
 * says they cannot (the URL passed its check, or has not been checked yet).
 */
export function unreachableReason(status: AppStatus): string | null {
  if (status.tunnelSettings.mode === 'none') return 'The SCIM URL works only on this computer: no tunnel or public URL is set.';
  if (tunnelWaiting(status)) {
    const why = tunnelProblemSentence(status);
    return `The tunnel is not online yet${why ? `: ${continued(why)}` : ''}.`;
  }
  const check = currentCheck(status);
  if (check !== null && !check.ok) return `The last check from outside failed: ${check.sentence}`;
  return null;
}

/** An http:// own URL: the IdPs refuse plain http. */
export function isPlainHttp(url: string | null | undefined): boolean {
  return /^http:\/\//i.test(url?.trim() ?? '');
}

export const HTTPS_WARNING = `${BOTH_IDPS} require HTTPS: they refuse a plain http:// Base URL or Tenant URL, and the token would cross the internet unencrypted. Serve ScimDesk behind TLS (https://).`;
