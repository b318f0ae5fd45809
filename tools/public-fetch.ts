/**
 * fetch for public tunnel URLs on loopback. The test tunnel server hands out URLs as the real
 * localtunnel server does, `http://<id>.localhost:<port>`, and routes by that Host header.
 * Browsers and curl resolve any `*.localhost` name to loopback (RFC 6761); Node's fetch does
 * not — which is also true of ScimDesk's own probe, on purpose (a public name that does not
 * resolve from the machine itself). Tests that play the IdP, which can reach the URL, use this:
 * `*.localhost` goes to 127.0.0.1 with the Host header intact; any other URL is a plain fetch.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { type Agent, request as httpRequest } from 'node:http';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup, except that `*.localhost` names are 127.0.0.1 (for node:http requests to public tunnel URLs). */
export function localhostLookup(hostname: string, options: { all?: boolean }, callback: LookupCallback): void {
  if (!hostname.endsWith('.localhost')) {
    dnsLookup(hostname, options, callback as never);
    return;
  }
  if (options.all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
  else callback(null, '127.0.0.1', 4);
}

const NO_BODY = new Set([101, 204, 205, 304]);

/** `agent`: a keep-alive Agent to reuse connections to a `*.localhost` URL (default: one connection a request). */
export async function publicFetch(input: string | URL, init: RequestInit = {}, agent?: Agent): Promise<Response> {
  const url = new URL(input);
  if (!url.hostname.endsWith('.localhost')) return fetch(url, init);
  if (url.protocol !== 'http:') throw new Error(`publicFetch: only http is served on loopback, not ${url.href}`);
  const headers = Object.fromEntries(new Headers(init.headers).entries());
  const body = init.body === undefined || init.body === null ? undefined : Buffer.from(init.body instanceof Uint8Array ? init.body : String(init.body));
  if (body) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port || 80, path: `${url.pathname}${url.search}`, method: init.method ?? 'GET', headers, agent: agent ?? false, lookup: localhostLookup as never },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const out = new Headers();
          for (let i = 0; i < res.rawHeaders.length; i += 2) out.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
          resolve(new Response(NO_BODY.has(status) ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: out }));
        });
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`no answer from ${url.href} within 30 s`)));
    req.on('error', reject);
    init.signal?.addEventListener('abort', () => req.destroy(init.signal?.reason as Error));
    req.end(body);
  });
}
