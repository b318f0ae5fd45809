/** Per-request SCIM context, filled by the hooks and routes and read by the activity recorder. */
import type { FastifyInstance } from 'fastify';
import { type Refusal, type TokenKind, simulatedSource } from '../../core/connections';
import { isConnectionName } from '../../../contract/connections';
import { ScimError } from '../../scim/errors';
import type { TakenFault } from '../../core/fault-drill';
import type { AuditInput } from '../../store/audit-trail';
import { type TunnelPeer, clientAddress } from './client-address';

export interface ScimRequestContext {
  /** The client's address (through the tunnel: the one the tunnel server forwarded). */
  client: string | null;
  /** The connection whose token authenticated the request. */
  connection: string | null;
  /** Which of its tokens: the current one, or the previous one during a rotation overlap. */
  token: TokenKind | null;
  /** Sent by ScimDesk's simulator with its own short-lived token (its writes get the source `<connection>-simulated`). */
  simulated: boolean;
  /** What the server normalised in the client's input. */
  notes: string[];
  /** The id of a resource the request created (known only after the write). */
  createdId?: string;
  /** The JSON text sent back, for the activity record. */
  responseText?: string;
  /** Why no connection accepted the request's token. */
  refusal?: Refusal;
  /** The userName/displayName the request was about, when the route knows it. */
  target?: string;
  /** What a write changed (the same entry as in the audit trail). */
  audit?: AuditInput | null;
  /** The fault drill's answer to this request (429, 503 or a held answer), when one was armed. */
  fault?: TakenFault;
}

/** Who a write is by: the connection, or `<connection>-simulated` for the simulator's requests. */
export function actorOf(scim: ScimRequestContext): string | null {
  if (!scim.simulated || scim.connection === null || !isConnectionName(scim.connection)) return scim.connection;
  return simulatedSource(scim.connection);
}

declare module 'fastify' {
  interface FastifyRequest {
    scim: ScimRequestContext;
  }
}

export function registerRequestContext(app: FastifyInstance, viaTunnel: TunnelPeer): void {
  app.decorateRequest('scim', null as unknown as ScimRequestContext);
  // Callback-style hooks here and in activity.ts: no promise per request for synchronous work.
  app.addHook('onRequest', (request, _reply, done) => {
    request.scim = { client: clientAddress(request, viaTunnel), connection: null, token: null, simulated: false, notes: [] };
    done(request.headers.host ? undefined : ScimError.invalidSyntax('The request has no Host header (HTTP/1.1 requires one)'));
  });
}
