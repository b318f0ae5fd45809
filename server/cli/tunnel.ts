/**
 * The tunnel in the CLI, apart from `serve`: `tunnel confirm`, and the tunnel's part of
 * `status`. Both read what the running `serve` (or desktop app) on the data folder reports in
 * serve.json, and the confirmed public URL from the settings.
 */
import type { TunnelStatus } from '../../contract/model';
import { httpWarning } from '../controller/outside-check';
import { confirmPublicUrl, confirmedPublicUrl } from '../controller/public-endpoint';
import { type RuntimeInfo, readRuntime } from '../controller/runtime-file';
import type { Core } from '../core/core';
import { ServiceError } from '../core/errors';
import { SettingsRepo } from '../store/settings-repo';
import { UsageError } from './options';
import type { Io } from './output';

/** The tunnel of a running server (null when none runs or its tunnel is off). */
function tunnelOf(runtime: RuntimeInfo | null): TunnelStatus | null {
  return runtime && runtime.tunnel.phase !== 'off' ? runtime.tunnel : null;
}

/** `tunnel confirm`: the running server's public URL becomes the one Okta was set up with. */
export function tunnelCommand(rest: readonly string[], core: Core, dataDir: string, io: Io): number {
  if (rest[0] !== 'confirm' || rest.length > 1) throw new UsageError('the tunnel command is "tunnel confirm"');
  const runtime = readRuntime(dataDir);
  if (!runtime) throw new ServiceError('server-not-running', `No ScimDesk server is running on ${dataDir}: start "serve" (with its tunnel or --public-url), then confirm the URL it prints`);
  const url = confirmPublicUrl(new SettingsRepo(core.db), runtime.publicUrl, tunnelOf(runtime));
  io.out(`Confirmed ${url} as the public URL: the URL-change warning is cleared.`);
  io.out(`Okta's Base URL (and Entra's Tenant URL) should be ${url}/scim/v2`);
  return 0;
}

/** `status --json`'s "tunnel": the running server's tunnel, with the confirmed URL beside it. */
export function tunnelJson(runtime: RuntimeInfo | null, core: Core): Record<string, unknown> {
  const confirmedUrl = confirmedPublicUrl(new SettingsRepo(core.db));
  const t = runtime?.tunnel;
  if (!t) return { state: 'not-running', url: null, confirmedUrl };
  return {
    state: t.phase,
    url: t.url,
    host: t.host,
    subdomain: t.subdomain,
    wantedSubdomain: t.wantedSubdomain,
    subdomainNotGranted: t.subdomainNotGranted,
    attempt: t.attempt,
    lastError: t.lastError,
    nextRetryAt: t.nextRetryAt,
    onlineSince: t.onlineSince,
    verifiedAt: t.verifiedAt ?? null,
    publicUrlWarning: t.publicUrlWarning ?? null,
    // Written by a ScimDesk of this version; an older one's file has none.
    problem: t.problem ?? null,
    reconnects: t.reconnects,
    confirmedUrl,
    urlChanged: Boolean(runtime.publicUrl && confirmedUrl && runtime.publicUrl !== confirmedUrl),
  };
}

/** `status`'s lines about the running server and its tunnel. */
export function runtimeLines(runtime: RuntimeInfo | null, core: Core): string[] {
  if (!runtime) return [];
  const lines = [`Server running (pid ${runtime.pid}) at ${runtime.localUrl}`];
  const t = tunnelOf(runtime);
  if (t) {
    if (t.phase === 'online') lines.push(`Tunnel: online at ${t.url}${t.onlineSince ? ` since ${t.onlineSince}` : ''}`);
    else lines.push(`Tunnel: ${t.phase}${t.attempt ? ` (attempt ${t.attempt}${t.nextRetryAt ? `, next try ${t.nextRetryAt}` : ''})` : ''}${t.lastError ? `: ${t.lastError}` : ''}`);
    if (t.phase === 'online' && t.subdomainNotGranted) lines.push(`Tunnel: WARNING ${t.lastError}`);
    if (t.problem) lines.push(`Tunnel: ${t.problem.sentence}`, `  What to do: ${t.problem.fix}`);
    if (t.publicUrlWarning) lines.push(`Tunnel: WARNING ${t.publicUrlWarning}`);
  }
  if (runtime.mode === 'external' && runtime.publicUrl?.startsWith('http://')) lines.push(`WARNING: ${httpWarning(runtime.publicUrl)}`);
  const check = runtime.publicCheck;
  if (check) lines.push(`Check from outside (${check.startedAt}): ${check.ok ? 'passed' : 'FAILED'}: ${check.sentence}`);
  const confirmed = confirmedPublicUrl(new SettingsRepo(core.db));
  if (runtime.publicUrl && confirmed && runtime.publicUrl !== confirmed) {
    lines.push(`WARNING: the public URL is ${runtime.publicUrl}, but Okta was set up with ${confirmed}: update its Base URL, then run "tunnel confirm"`);
  }
  return lines;
}
