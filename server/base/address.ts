/**
 * Where ScimDesk's SCIM server listens unless told otherwise: loopback only (a tunnel or a
 * reverse proxy publishes it), on a port the CLI and the desktop app share. Links in what the
 * core writes (an export's meta.location) use this address while no public URL is known.
 */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8787;

/** http://host:port of a listening socket (IPv6 hosts in brackets). */
export function localUrlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export const DEFAULT_LOCAL_URL = localUrlOf(DEFAULT_HOST, DEFAULT_PORT);

/**
 * The client address of every request that came through the tunnel. The localtunnel server
 * adds no X-Forwarded-For, so through it no caller's address is known — and a header naming
 * one was written by the caller. All tunnel traffic is one client: one wrong-token budget.
 */
export const TUNNEL_CLIENT = 'tunnel';

/** True for a host only this machine can reach (127.0.0.0/8, ::1, localhost); 0.0.0.0 and :: are every interface. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || /^::ffff:127\./i.test(host);
}
