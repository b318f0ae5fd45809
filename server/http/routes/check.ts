/**
 * GET /scimdesk/check/<nonce>: the far end of the check from outside. No token (the nonce is
 * the credential, and it proves nothing but "this is the ScimDesk that issued it"), no request
 * log entry and no server log line (it is not a SCIM request), and cheap under a flood: an
 * unknown nonce is one Map lookup and a 404 SCIM error.
 */
import type { FastifyInstance } from 'fastify';
import { ScimError } from '../../scim/errors';
import type { CheckNonces } from '../check-nonces';
import { sendScim } from '../scim-reply';

export const CHECK_PATH = '/scimdesk/check';

export function checkRoute(app: FastifyInstance, nonces: CheckNonces): void {
  app.get<{ Params: { nonce: string } }>(`${CHECK_PATH}/:nonce`, { logLevel: 'silent' }, async (request, reply) => {
    const { nonce } = request.params;
    const proof = nonces.redeem(nonce);
    if (proof === null) return sendScim(reply, 404, ScimError.notFound('No check from outside is waiting for this nonce').toBody());
    return reply.header('cache-control', 'no-store').send({ nonce, proof });
  });
}
