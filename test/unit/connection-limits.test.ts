/**
 * Which connection caps a listening address gets (server/http/connection-limits.ts): a total
 * cap always, a per-address cap only when the server is reachable beyond this machine.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, connectionLimitsFor } from '../../server/http/connection-limits';

describe('connection caps by listening address', () => {
  it.each(['0.0.0.0', '::', '192.168.1.20', 'fe80::1', '10.0.0.5'])('%s is exposed: a total and a per-address cap', (host) => {
    expect(connectionLimitsFor(host)).toEqual({ total: DEFAULT_MAX_CONNECTIONS, perAddress: DEFAULT_MAX_CONNECTIONS_PER_ADDRESS });
  });

  it.each(['127.0.0.1', '127.0.0.2', '::1', 'localhost'])('%s is loopback: the total cap only (every local client shares the address)', (host) => {
    expect(connectionLimitsFor(host)).toEqual({ total: DEFAULT_MAX_CONNECTIONS, perAddress: Infinity });
  });

  it('flags override either cap, on any host', () => {
    expect(connectionLimitsFor('127.0.0.1', { perAddress: 8 })).toEqual({ total: DEFAULT_MAX_CONNECTIONS, perAddress: 8 });
    expect(connectionLimitsFor('0.0.0.0', { total: 50 })).toEqual({ total: 50, perAddress: DEFAULT_MAX_CONNECTIONS_PER_ADDRESS });
  });
});
