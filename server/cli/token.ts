/**
 * `token new <connection> [--overlap none|1h|24h]` and `token end-overlap <connection>`: the
 * panel's New SCIM Token (with its rotation overlap) and its "end the overlap now", through the
 * same core methods. The connection is the word after the subcommand or --connection.
 */
import { TOKEN_OVERLAPS, type TokenOverlap } from '../../contract/choices';
import { type ConnectionName, isConnectionName } from '../../contract/connections';
import type { Core } from '../core/core';
import { UsageError, type Values, connectionOf } from './options';
import { type Io, printToken } from './output';

const USAGE = 'the token command is "token new <okta|entra> [--overlap none|1h|24h]" or "token end-overlap <okta|entra>"';

/** `--overlap`: how long the replaced token keeps working (default none: it stops at once). */
function overlapOf(values: Values): TokenOverlap {
  const overlap = values.overlap ?? 'none';
  if (!(TOKEN_OVERLAPS as readonly string[]).includes(overlap)) throw new UsageError(`--overlap must be none, 1h or 24h, not "${overlap}"`);
  return overlap as TokenOverlap;
}

/** The connection named after the subcommand, or by --connection (both: they must agree). */
function tokenConnection(values: Values, word: string | undefined): ConnectionName {
  if (word === undefined) return connectionOf(values);
  if (!isConnectionName(word)) throw new UsageError(`unknown connection "${word}" (okta or entra)`);
  if (values.connection !== undefined && values.connection !== word) throw new UsageError(`two connections given: "${word}" and --connection ${values.connection}`);
  return word;
}

/**
 * Checks the arguments, then (with the core open) runs the subcommand. The arguments are checked
 * first so that a wrong one opens nothing and writes nothing.
 */
export function tokenCommand(rest: readonly string[], values: Values): (core: Core, io: Io) => Promise<number> {
  const [sub, word, extra] = rest;
  if ((sub !== 'new' && sub !== 'end-overlap') || extra !== undefined) throw new UsageError(USAGE);
  const name = tokenConnection(values, word);
  if (sub === 'end-overlap') {
    if (values.overlap !== undefined) throw new UsageError('--overlap goes with "token new"');
    return async (core, io) => {
      const connection = await core.connections.endTokenOverlap(name);
      io.out(`${connection.label}'s previous token is refused from the next request on; only the current token works.`);
      return 0;
    };
  }
  const overlap = overlapOf(values);
  return async (core, io) => {
    const { connection, token } = await core.connections.rotateToken(name, overlap);
    const previous = connection.previousToken;
    if (previous) io.out(`New ${connection.label} token issued; the previous token keeps working until ${previous.expiresAt}, then is refused ("token end-overlap ${name}" ends it sooner).`);
    else io.out(`New ${connection.label} token issued; the previous token is refused from the next request on.`);
    if (!connection.enabled) io.out(`Note: the ${name} connection is disabled; enable it to accept requests.`);
    printToken(io, connection, token);
    return 0;
  };
}
