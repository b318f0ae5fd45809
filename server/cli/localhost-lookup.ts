/**
 * A test seam, not an option: with SCIMDESK_TEST_LOCALHOST_LOOKUP=1 in its environment, `serve`
 * resolves `*.localhost` names to 127.0.0.1 for the check from outside and the simulator, as
 * browsers do (RFC 6761) and Node does not. The test tunnel server hands out such names
 * (tools/tunnel-server.ts), so the CLI's tests can prove a simulation through the public URL.
 * Deliberately absent from the usage text.
 */
import { type LookupAddress, lookup as dnsLookup } from 'node:dns';
import type { Lookup } from '../controller/outside-check';

export const LOCALHOST_LOOKUP_ENV = 'SCIMDESK_TEST_LOCALHOST_LOOKUP';

const localhostLookup: Lookup = (hostname, options, callback) => {
  if (hostname.endsWith('.localhost')) callback(null, [{ address: '127.0.0.1', family: 4 } satisfies LookupAddress]);
  else dnsLookup(hostname, options, callback as never);
};

/** The lookup `serve` gives the controller: undefined (the system's) unless the test seam is set. */
export function testLookup(env: NodeJS.ProcessEnv = process.env): Lookup | undefined {
  return env[LOCALHOST_LOOKUP_ENV] === '1' ? localhostLookup : undefined;
}
