/**
 * The fault drill at the door (issue 13). Runs after the token identified the connection and
 * the body was read (preValidation), so a drill concerns one connection's requests only, a
 * request with no valid token never consumes it, and the log still shows what the IdP sent.
 * A 429 or 503 is answered here, before any route, so nothing is written; a delay holds the
 * request, then lets the real handler answer it.
 */
import type { FastifyInstance } from 'fastify';
import type { FaultDrills, TakenFault } from '../../core/fault-drill';
import { ScimError } from '../../scim/errors';
import { sendScim } from '../scim-reply';

/** The error a drilled request gets; its detail says it is a drill, so no one chases a real outage. */
export function drillError(fault: TakenFault): ScimError {
  const detail = `Fault drill: ScimDesk answers ${fault.kind} on purpose (drill armed at ${fault.armedAt}); retry after ${fault.retryAfterSeconds} s`;
  return fault.kind === '429' ? ScimError.tooManyRequests(detail, fault.retryAfterSeconds ?? 0) : ScimError.unavailable(detail, fault.retryAfterSeconds ?? 0);
}

export function registerFaultDrill(app: FastifyInstance, drills: Pick<FaultDrills, 'take'>): void {
  /** Held requests, each with its release: a stopping server answers them now, not after their delay. */
  const held = new Set<() => void>();
  app.addHook('preClose', (done) => {
    for (const release of held) release();
    done();
  });
  // Callback style: a request with no drill (nearly all of them) pays no promise.
  app.addHook('preValidation', (request, reply, done) => {
    const connection = request.scim.connection;
    const fault = connection === null ? null : drills.take(connection);
    if (fault === null) {
      done();
      return;
    }
    request.scim.fault = fault;
    if (fault.kind === 'delay') {
      const release = (): void => {
        clearTimeout(timer);
        if (held.delete(release)) done();
      };
      const timer = setTimeout(release, fault.delayMs ?? 0);
      held.add(release);
      return;
    }
    // Answered directly rather than thrown: the error handler logs 5xx as server failures, and a drill is not one.
    const error = drillError(fault);
    sendScim(reply, error.status, error.toBody(), error.headers);
  });
}
