/**
 * SCIM bearer tokens: 256 random bits behind a recognisable prefix (so secret scanners and
 * people can tell what leaked), kept only as a SHA-256 hash, compared in constant time.
 * A slow password hash is not needed: the token is random, not a human-chosen password.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'scimdesk_';
const TOKEN_BYTES = 32;

export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(TOKEN_BYTES).toString('base64url')}`;
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * The token in an Authorization header: `Bearer <token>` (any case of "Bearer"), or the raw
 * token, which Okta's Header Auth app sends when the admin pasted only the token.
 */
export function tokenFromHeader(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const trimmed = header.trim();
  const token = (/^bearer(\s|$)/i.test(trimmed) ? trimmed.slice(6) : trimmed).trim();
  return token === '' || /\s/.test(token) ? undefined : token;
}

/** Constant-time comparison of two SHA-256 digests. */
export function sameDigest(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A replaced token's fingerprint: derived from its hash with a domain tag, so it is not the
 * token's hash (which lives only in the secret store) and grants nothing; it only lets a 401
 * say "this is the token Okta had before it was replaced".
 */
export function retiredFingerprint(digest: Buffer): Buffer {
  return createHash('sha256').update('scimdesk retired token\0').update(digest).digest().subarray(0, 16);
}
