/**
 * The SCIM server's options: one object from the caller (CLI flags, the desktop app, tests) to
 * the listening socket, each default written once, here.
 */
import type { ServerOptions as NodeServerOptions } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { DEFAULT_HOST, DEFAULT_PORT } from '../base/address';
import { DEFAULT_FILTER_LIMITS, type FilterLimits } from '../scim/filter-parser';
import { DEFAULT_PAGING, type PagingLimits } from '../scim/list';
import { type ConnectionLimits, connectionLimitsFor } from './connection-limits';
import { type AuthLimits, DEFAULT_AUTH_LIMITS } from './plugins/auth-limiter';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface ServerOptions {
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  /** Largest request body, in bytes (413 above). */
  readonly bodyLimit: number;
  /** A pino logger for request lines and failures (tokens and bodies are never logged); silent by default. */
  readonly logger: FastifyBaseLogger;
  /** Node HTTP server options: the slow-client timeouts (tests shorten them). */
  readonly http: NodeServerOptions;
  /** Throttling of wrong-token attempts (tests shorten the window). */
  readonly authLimits: AuthLimits;
  readonly paging: PagingLimits;
  readonly filterLimits: FilterLimits;
  /** Open connections at most, in total and per client address (by default from the host). */
  readonly connectionLimits: ConnectionLimits;
}

/** The options with their defaults filled in. */
export function serverOptions(given: Partial<ServerOptions> = {}): ServerOptions {
  const host = given.host ?? DEFAULT_HOST;
  return {
    host,
    port: given.port ?? DEFAULT_PORT,
    bodyLimit: given.bodyLimit ?? DEFAULT_BODY_LIMIT,
    logger: given.logger ?? pino({ level: 'silent' }),
    http: given.http ?? {},
    authLimits: given.authLimits ?? DEFAULT_AUTH_LIMITS,
    paging: given.paging ?? DEFAULT_PAGING,
    filterLimits: given.filterLimits ?? DEFAULT_FILTER_LIMITS,
    connectionLimits: given.connectionLimits ?? connectionLimitsFor(host),
  };
}
