/**
 * Tunnel settings: validation and defaults. The public localtunnel service is the default
 * host; on-prem admins point at their own localtunnel server, or use their own reverse proxy
 * ("external") with its public URL.
 */
import { isIP } from 'node:net';
import type { TunnelSettings } from '../../contract/model';
import { TUNNEL_MODES, type TunnelMode } from '../../contract/choices';
import { subdomainProblem } from '../../contract/subdomain';

export const DEFAULT_TUNNEL_HOST = 'https://localtunnel.me';

export const DEFAULT_TUNNEL_SETTINGS: TunnelSettings = { mode: 'none', host: DEFAULT_TUNNEL_HOST, subdomain: null, publicUrl: null };

export class InvalidSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSettingsError';
  }
}

export function checkSubdomain(name: string): string {
  const problem = subdomainProblem(name);
  if (problem !== null) throw new InvalidSettingsError(problem);
  return name.trim().toLowerCase();
}

function checkHttpUrl(what: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new InvalidSettingsError(`${what} must be an absolute http(s) URL, not "${value}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InvalidSettingsError(`${what} must be an http or https URL`);
  if (url.search || url.hash) throw new InvalidSettingsError(`${what} must not have a query or fragment`);
  return url.toString().replace(/\/+$/, '');
}

/**
 * A localtunnel server names each tunnel as a subdomain of the host the client registered
 * through (http://<name>.<host>), so the host must be a name that can carry subdomains: with
 * an IP address the "URL" would be http://acme.127.0.0.1:8080, which is none.
 */
function checkTunnelHost(host: string): string {
  const hostname = new URL(host).hostname.replace(/^\[|\]$/g, '');
  if (isIP(hostname) !== 0) {
    throw new InvalidSettingsError(
      `The tunnel host ${host} is an IP address, which cannot carry subdomains: a localtunnel server gives each tunnel a URL under its host name (http://<name>.<host>). ` +
        'Use the DNS name whose wildcard (*.name) points at the server, for example https://tunnel.example.com',
    );
  }
  return host;
}

/** Validates and normalises settings; throws InvalidSettingsError with a sentence for the admin. */
export function normalizeTunnelSettings(input: Partial<TunnelSettings>, base: TunnelSettings = DEFAULT_TUNNEL_SETTINGS): TunnelSettings {
  const merged = { ...base, ...input };
  if (!(TUNNEL_MODES as readonly TunnelMode[]).includes(merged.mode)) throw new InvalidSettingsError(`Unknown tunnel mode "${String(merged.mode)}" (none, localtunnel or external)`);
  const host = checkHttpUrl('The tunnel host', merged.host || DEFAULT_TUNNEL_HOST);
  if (merged.mode === 'localtunnel') checkTunnelHost(host);
  const subdomain = merged.subdomain ? checkSubdomain(merged.subdomain) : null;
  const publicUrl = merged.publicUrl ? checkHttpUrl('The public URL', merged.publicUrl) : null;
  if (merged.mode === 'external' && !publicUrl) throw new InvalidSettingsError('With your own public URL, enter that URL (for example https://scim.example.com)');
  return { mode: merged.mode, host, subdomain, publicUrl };
}
