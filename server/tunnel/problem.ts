/**
 * Why a tunnel attempt failed, for people: a cause the panel can act on, one sentence naming
 * the tunnel host, and one sentence saying what to do. Pure: it reads the error's code (Node's
 * fetch hides it in `cause`, sometimes two levels down) and nothing else.
 */
import type { TunnelProblem } from '../../contract/model';

/** The name people know the tunnel server by: `localtunnel.me`, `tunnel.example.com:8443`. */
export function tunnelHostName(host: string): string {
  try {
    return new URL(host).host;
  } catch {
    return host;
  }
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const UNREACHABLE_CODES = new Set(['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);
const REFUSED_CODES = new Set(['ECONNREFUSED']);

/** Certificate and handshake failures of an https server (OpenSSL's and Node's codes). */
export function isTlsCode(code: string): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_SSL|ERR_TLS|EPROTO|HANDSHAKE/.test(code);
}

/** The first error code along the cause chain, and whether a timeout ended the attempt. */
export function failureCode(err: unknown): { code: string | null; timeout: boolean } {
  let e = err as { name?: unknown; code?: unknown; cause?: unknown } | null | undefined;
  for (let depth = 0; e && depth < 5; depth++) {
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return { code: null, timeout: true };
    if (typeof e.code === 'string' && e.code !== '' && !e.code.startsWith('ERR_INVALID')) return { code: e.code, timeout: false };
    e = e.cause as typeof e;
  }
  return { code: null, timeout: false };
}

/**
 * The problem of a failed attempt. `reason` is the supervisor's own words for it; it is kept
 * in the sentence when the cause is not one of the known ones.
 */
export function tunnelProblem(host: string, err: unknown, reason: string): TunnelProblem {
  const name = tunnelHostName(host);
  const { code, timeout } = failureCode(err);
  if (code && DNS_CODES.has(code)) {
    return {
      cause: 'dns',
      sentence: `This computer cannot find the tunnel server ${name} (DNS lookup failed: ${code}).`,
      fix: `Check this computer's internet connection or DNS settings, or the tunnel server's name (${name}) in the Public URL settings.`,
    };
  }
  if (code && REFUSED_CODES.has(code)) {
    return {
      cause: 'refused',
      sentence: `The tunnel server ${name} refused the connection: nothing answers at that address and port (${code}).`,
      fix: `Check that the tunnel server is running and that its address and port (${name}) are right in the Public URL settings.`,
    };
  }
  if (timeout || (code && UNREACHABLE_CODES.has(code))) {
    return {
      cause: 'unreachable',
      sentence: `The tunnel server ${name} did not answer in time${code ? ` (${code})` : ''}: the network or a firewall may be blocking it, or the server is down.`,
      fix: `Check this computer's network connection and firewall or proxy rules for ${name}; ScimDesk keeps retrying.`,
    };
  }
  if (code && isTlsCode(code)) {
    return {
      cause: 'tls',
      sentence: `The secure connection to the tunnel server ${name} failed: ${tlsWords(code)} (${code}).`,
      fix: `Check the tunnel server's certificate for ${name} (its issuer, expiry and name), or whether a proxy on this network intercepts HTTPS.`,
    };
  }
  return {
    cause: 'other',
    sentence: `The tunnel through ${name} failed: ${reason}.`,
    fix: `ScimDesk keeps retrying; if this persists, check the tunnel server ${name} and its settings.`,
  };
}

/** What a TLS error code means, in words. */
export function tlsWords(code: string): string {
  if (code === 'CERT_HAS_EXPIRED') return 'its certificate has expired';
  if (code === 'CERT_NOT_YET_VALID') return 'its certificate is not valid yet';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'HOSTNAME_MISMATCH') return 'its certificate is for another name (name mismatch)';
  if (/SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|UNTRUSTED/.test(code)) return 'its certificate is not trusted (self-signed, or from an authority this computer does not know)';
  return 'the handshake failed';
}

/**
 * The wanted subdomain is held by another tunnel, so the server gave another name (`granted`,
 * null while ScimDesk still tries for the wanted one). The tunnel may be online meanwhile.
 */
export function subdomainTakenProblem(host: string, wanted: string, granted: string | null): TunnelProblem {
  const name = tunnelHostName(host);
  return {
    cause: 'subdomain-taken',
    sentence: granted
      ? `The subdomain "${wanted}" is in use by another tunnel on ${name}, so the server gave "${granted}" instead: the public URL changed.`
      : `The subdomain "${wanted}" is in use by another tunnel on ${name}; ScimDesk asks for it again.`,
    fix: `Choose another subdomain, or wait: ScimDesk switches back to "${wanted}" as soon as it is free${granted ? ' (until then Okta must use the new URL)' : ''}.`,
  };
}
