/**
 * Tunnel problems as sentences: each error code an attempt can fail with maps to its cause,
 * the sentence names the tunnel host, and an unknown failure keeps its raw reason.
 */
import { describe, expect, it } from 'vitest';
import { failureCode, subdomainTakenProblem, tunnelHostName, tunnelProblem } from '../../server/tunnel/problem';

/** An error the way Node's fetch reports one: TypeError('fetch failed') with the code in its cause. */
function fetchError(code: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(`getaddrinfo ${code}`), { code }) });
}

/** As the supervisor wraps it: its own sentence, the fetch error as the cause. */
function wrapped(code: string): Error {
  return new Error('the tunnel server cannot be reached', { cause: fetchError(code) });
}

describe('tunnelProblem', () => {
  it.each([
    ['ENOTFOUND', 'dns'],
    ['EAI_AGAIN', 'dns'],
    ['ECONNREFUSED', 'refused'],
    ['ETIMEDOUT', 'unreachable'],
    ['EHOSTUNREACH', 'unreachable'],
    ['ENETUNREACH', 'unreachable'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls'],
    ['CERT_HAS_EXPIRED', 'tls'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls'],
  ])('%s → %s, naming the host', (code, cause) => {
    const p = tunnelProblem('https://tunnel.example.com:8443', wrapped(code), 'whatever');
    expect(p.cause).toBe(cause);
    expect(p.sentence).toContain('tunnel.example.com:8443');
    expect(p.fix.length).toBeGreaterThan(10);
  });

  it('a timeout (the open timeout, an AbortSignal) is unreachable', () => {
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    expect(tunnelProblem('http://localhost:9', new Error('x', { cause: timeout }), 'x').cause).toBe('unreachable');
  });

  it('the DNS sentence and fix read as the issue asks', () => {
    const p = tunnelProblem('https://localtunnel.me', wrapped('ENOTFOUND'), 'x');
    expect(p.sentence).toMatch(/^This computer cannot find the tunnel server localtunnel\.me/);
    expect(p.fix).toMatch(/internet connection or DNS/);
  });

  it('the TLS sentence says which certificate failure it was', () => {
    expect(tunnelProblem('https://h.example', wrapped('DEPTH_ZERO_SELF_SIGNED_CERT'), 'x').sentence).toMatch(/not trusted/);
    expect(tunnelProblem('https://h.example', wrapped('CERT_HAS_EXPIRED'), 'x').sentence).toMatch(/expired/);
    expect(tunnelProblem('https://h.example', wrapped('ERR_TLS_CERT_ALTNAME_INVALID'), 'x').sentence).toMatch(/name mismatch/);
  });

  it('anything else is "other" and keeps the raw reason', () => {
    const p = tunnelProblem('http://h.example', null, 'the tunnel server no longer knows this tunnel');
    expect(p.cause).toBe('other');
    expect(p.sentence).toContain('the tunnel server no longer knows this tunnel');
    expect(p.sentence).toContain('h.example');
  });
});

describe('subdomainTakenProblem', () => {
  it('names the wanted and the granted subdomain, and says ScimDesk switches back', () => {
    const p = subdomainTakenProblem('https://localtunnel.me', 'acme', 'random-id');
    expect(p.cause).toBe('subdomain-taken');
    expect(p.sentence).toContain('"acme"');
    expect(p.sentence).toContain('"random-id"');
    expect(p.fix).toMatch(/another subdomain.*switches back to "acme"/);
  });
});

describe('failureCode / tunnelHostName', () => {
  it('finds the code two causes down, and a host name without the scheme', () => {
    expect(failureCode(wrapped('EAI_AGAIN'))).toEqual({ code: 'EAI_AGAIN', timeout: false });
    expect(failureCode('not an error')).toEqual({ code: null, timeout: false });
    expect(tunnelHostName('https://localtunnel.me')).toBe('localtunnel.me');
  });
});
