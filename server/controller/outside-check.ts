/**
 * The check from outside: one request to the public URL the way an IdP sends it, step by step,
 * each step timed and bounded — DNS (the host's addresses), TLS for https:// (a handshake with
 * SNI: protocol, issuer, expiry), HTTP (GET <url>/scimdesk/check/<nonce>: status, round trip),
 * and the proof (the answer is this ScimDesk's signature of the nonce). The first failed step
 * says why; the steps after it are skipped. It never throws and never takes longer than
 * TOTAL_LIMIT_MS.
 *
 * The HTTP request goes to the address the DNS step found (one lookup, the one reported), with
 * the URL's host name in the Host header and the TLS server name, as any client would send; for
 * https:// it goes over the TLS step's connection (one connection, one handshake).
 */
import { lookup as dnsLookup } from 'node:dns';
import { type IncomingMessage, request as httpRequest } from 'node:http';
import { isIP } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { CheckStep, PublicUrlCheck } from '../../contract/model';
import type { CheckNonces } from '../http/check-nonces';
import { CHECK_PATH } from '../http/routes/check';
import type { Lookup } from '../simulator/http';
import { failureCode, isTlsCode, tlsWords } from '../tunnel/problem';

/** A lookup function like node's dns.lookup (tests resolve `*.localhost` with tools/public-fetch.ts); the simulator's type. */
export type { Lookup };

/** The test seam: production uses the OS resolver, the system CAs and the default limits. */
export interface OutsideCheckOptions {
  readonly lookup?: Lookup;
  /** Trusted CA certificates instead of the system's. */
  readonly ca?: string | Buffer;
  /** Each step's limit (at most STEP_LIMIT_MS). */
  readonly timeoutMs?: number;
}

const STEP_LIMIT_MS = 10_000;
const TOTAL_LIMIT_MS = 20_000;
/** The proof is a small JSON object; anything longer is not it. */
const MAX_BODY_BYTES = 16 * 1024;

/** A step ran out of time; its message is "within <limit>", for the step's own words to end with. */
class StepError extends Error {}

const skipped = (why: string): CheckStep => ({ state: 'skipped', ms: null, error: why });
const SKIPPED_AFTER = 'skipped: an earlier step failed';

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** Runs `work` with a time limit; its `signal` aborts when the limit passes. */
async function timed<T>(limitMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new StepError(`within ${seconds(limitMs)}`);
      controller.abort(err);
      reject(err);
    }, limitMs);
  });
  try {
    const value = await Promise.race([work(controller.signal), limit]);
    return { value, ms: Math.round(performance.now() - started) };
  } finally {
    clearTimeout(timer);
  }
}

function resolve(lookup: Lookup, hostname: string): Promise<string[]> {
  return new Promise((done, fail) => {
    lookup(hostname, { all: true }, (err, addresses) => {
      if (err) return fail(err);
      const list = typeof addresses === 'string' ? [addresses] : addresses.map((a) => a.address);
      done([...new Set(list)]);
    });
  });
}

function dnsWords(err: unknown, hostname: string): string {
  if (err instanceof StepError) return `no DNS answer for ${hostname} ${err.message}`;
  const { code } = failureCode(err);
  if (code === 'EAI_AGAIN') return `the name ${hostname} could not be looked up: no DNS server answered (EAI_AGAIN)`;
  return `the name ${hostname} does not resolve${code ? ` (${code})` : ''}`;
}

/** What a failed connection or request means, in words. */
function connectWords(err: unknown, where: string, timedOut = `no answer from ${where}`): string {
  if (err instanceof StepError) return `${timedOut} ${err.message}`;
  const { code } = failureCode(err);
  if (code === 'ECONNREFUSED') return `${where} refused the connection: nothing listens there (ECONNREFUSED)`;
  if (code === 'ECONNRESET') return `${where} closed the connection without an answer (ECONNRESET)`;
  if (code && isTlsCode(code)) return `${tlsWords(code)} (${code})`;
  return `${where} cannot be reached (${code ?? (err as Error)?.message ?? String(err)})`;
}

interface Target {
  /** The URL's host (and port, if not the default): the Host header. */
  readonly host: string;
  readonly port: number;
  readonly address: string;
  /** The TLS server name: the host name, never an IP address (SNI forbids them). */
  readonly servername: string | undefined;
}

interface Handshake {
  readonly protocol: string | null;
  readonly issuer: string | null;
  readonly validTo: string | null;
  /** The connection it made: the HTTP step sends its request over it, as a client would. */
  readonly socket: TLSSocket;
}

function handshake(t: Target, ca: string | Buffer | undefined, signal: AbortSignal): Promise<Handshake> {
  return new Promise((done, fail) => {
    const socket = tlsConnect({ host: t.address, port: t.port, ...(t.servername ? { servername: t.servername } : {}), ...(ca ? { ca } : {}), ALPNProtocols: ['http/1.1'] });
    signal.addEventListener('abort', () => socket.destroy());
    // `on`, not `once`: a second error after the first (or after the handshake) must not go unheard.
    socket.on('error', fail);
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const issuer = cert?.issuer ? [cert.issuer.O, cert.issuer.CN].filter(Boolean).join(', ') || null : null;
      const validTo = cert?.valid_to ? new Date(cert.valid_to).toISOString() : null;
      done({ protocol: socket.getProtocol(), issuer, validTo, socket });
    });
  });
}

/** GET `path` over `tls` (the TLS step's connection), or over a new connection to the address the DNS step found. */
function get(t: Target, path: string, tls: TLSSocket | undefined, signal: AbortSignal): Promise<{ status: number; body: string }> {
  return new Promise((done, fail) => {
    // The address the DNS step reported, under the URL's own name (Host header).
    const options = {
      host: t.address,
      port: t.port,
      path,
      method: 'GET',
      ...(tls ? { createConnection: () => tls } : { agent: false as const }),
      signal,
      // bypass-tunnel-reminder: localtunnel's public server shows a reminder page to browsers otherwise.
      headers: { host: t.host, accept: 'application/json', 'user-agent': 'ScimDesk check from outside', 'bypass-tunnel-reminder': '1' },
    };
    const onResponse = (res: IncomingMessage): void => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
        else res.destroy();
      });
      res.on('close', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => undefined);
    };
    const req = httpRequest(options, onResponse);
    req.on('error', fail);
    req.end();
  });
}

function httpWords(status: number): string {
  if (status === 404) return `it answered HTTP 404: something else answers at this address, or it does not pass ${CHECK_PATH}/ on to ScimDesk`;
  if (status >= 500) return `it answered HTTP ${status}: the reverse proxy or tunnel answers, but could not reach ScimDesk`;
  return `it answered HTTP ${status} instead of 200`;
}

function proofOk(body: string, nonce: string, nonces: CheckNonces): boolean {
  try {
    const parsed = JSON.parse(body) as { nonce?: unknown; proof?: unknown };
    return parsed.nonce === nonce && nonces.verify(nonce, parsed.proof);
  } catch {
    return false;
  }
}

/** The warning an http:// URL always carries. */
export function httpWarning(url: string): string {
  return `${url} is plain http://, and Okta and Entra ID require HTTPS: put a reverse proxy with a trusted certificate in front of ScimDesk and use its https:// URL.`;
}

function sentenceOf(c: Omit<PublicUrlCheck, 'sentence'>, host: string): string {
  const warn = c.url.startsWith('http://') ? ` Warning: ${httpWarning(c.url)}` : '';
  if (c.ok) {
    const cert = c.tls.state === 'ok' ? ` Its certificate (${c.tls.issuer ?? 'unknown issuer'}) is valid until ${c.tls.validTo?.slice(0, 10) ?? '?'}.` : '';
    return `ScimDesk answered at ${c.url}: HTTP ${c.http.status} in ${c.http.ms} ms, with this ScimDesk's one-time proof.${cert}${warn}`;
  }
  if (c.dns.state === 'failed') {
    return `${c.url} cannot be found: ${c.dns.error}. Check the host name's spelling and that its DNS record exists and points at your reverse proxy or tunnel server.${warn}`;
  }
  if (c.tls.state === 'failed') {
    return `The HTTPS connection to ${host} failed: ${c.tls.error}. Okta and Entra ID trust only certificates from public authorities: install one that covers ${host} and has not expired.${warn}`;
  }
  if (c.http.state === 'failed') {
    return `${c.url} did not answer the check: ${c.http.error}. Check that your reverse proxy or tunnel is running and forwards every path to this ScimDesk.${warn}`;
  }
  return `Something else answers at ${c.url}: ${c.proof.error}. Check that the URL, and your reverse proxy, lead to this ScimDesk and not to another server.${warn}`;
}

/** Checks `publicUrl` from outside; never throws. */
export async function checkFromOutside(publicUrl: string, nonces: CheckNonces, o: OutsideCheckOptions = {}): Promise<PublicUrlCheck> {
  const startedAt = new Date().toISOString();
  const deadline = Date.now() + TOTAL_LIMIT_MS;
  const stepMs = Math.min(o.timeoutMs ?? STEP_LIMIT_MS, STEP_LIMIT_MS);
  const limit = (): number => Math.max(1, Math.min(stepMs, deadline - Date.now()));
  const url = new URL(publicUrl);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const https = url.protocol === 'https:';

  let dns: PublicUrlCheck['dns'] = { ...skipped(SKIPPED_AFTER), addresses: [] };
  let tls: PublicUrlCheck['tls'] = { ...skipped(https ? SKIPPED_AFTER : 'skipped: the URL is http://, without TLS'), protocol: null, issuer: null, validTo: null };
  let http: PublicUrlCheck['http'] = { ...skipped(SKIPPED_AFTER), status: null };
  let proof: CheckStep = skipped(SKIPPED_AFTER);

  const finish = (): PublicUrlCheck => {
    const ok = proof.state === 'ok';
    const partial = { url: publicUrl, startedAt, ok, dns, tls, http, proof };
    return { ...partial, sentence: sentenceOf(partial, hostname) };
  };

  // DNS
  try {
    const lookup = o.lookup ?? (dnsLookup as unknown as Lookup);
    const { value, ms } = isIP(hostname) ? { value: [hostname], ms: 0 } : await timed(limit(), () => resolve(lookup, hostname));
    if (value.length === 0) throw new Error('no addresses');
    dns = { state: 'ok', ms, error: null, addresses: value };
  } catch (err) {
    dns = { state: 'failed', ms: null, error: dnsWords(err, hostname), addresses: [] };
    return finish();
  }
  const target: Target = {
    host: url.host,
    port: Number(url.port) || (https ? 443 : 80),
    address: dns.addresses[0]!,
    servername: isIP(hostname) ? undefined : hostname,
  };

  // TLS
  let socket: TLSSocket | undefined;
  if (https) {
    try {
      const { value, ms } = await timed(limit(), (signal) => handshake(target, o.ca, signal));
      ({ socket } = value);
      tls = { state: 'ok', ms, error: null, protocol: value.protocol, issuer: value.issuer, validTo: value.validTo };
    } catch (err) {
      tls = { state: 'failed', ms: null, error: connectWords(err, url.host, `no TLS handshake with ${url.host}`), protocol: null, issuer: null, validTo: null };
      return finish();
    }
  }

  // HTTP, then the proof
  const nonce = nonces.issue();
  try {
    const path = `${url.pathname.replace(/\/+$/, '')}${CHECK_PATH}/${nonce}`;
    const { value, ms } = await timed(limit(), (signal) => get(target, path, socket, signal));
    if (value.status !== 200) {
      http = { state: 'failed', ms, error: httpWords(value.status), status: value.status };
      return finish();
    }
    http = { state: 'ok', ms, error: null, status: value.status };
    const started = performance.now();
    const ok = proofOk(value.body, nonce, nonces);
    proof = ok
      ? { state: 'ok', ms: Math.round(performance.now() - started), error: null }
      : { state: 'failed', ms: Math.round(performance.now() - started), error: "the answer did not carry this ScimDesk's signature of the one-time nonce" };
  } catch (err) {
    http = { state: 'failed', ms: null, error: connectWords(err, url.host), status: null };
  } finally {
    nonces.forget(nonce);
    socket?.destroy();
  }
  return finish();
}
