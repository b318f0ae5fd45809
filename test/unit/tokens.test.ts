/**
 * SCIM bearer tokens: generated, hashed, read from the Authorization header the way Okta's
 * Header Auth app and Entra send it, and compared.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TOKEN_PREFIX, generateToken, hashToken, sameDigest, tokenFromHeader } from '../../server/secrets/tokens';

describe('generateToken', () => {
  it("starts with 'scimdesk_' and carries at least 256 bits as base64url", () => {
    const token = generateToken();
    expect(TOKEN_PREFIX).toBe('scimdesk_');
    expect(token.startsWith('scimdesk_')).toBe(true);
    const body = token.slice('scimdesk_'.length);
    expect(body).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(Buffer.from(body, 'base64url').length).toBeGreaterThanOrEqual(32);
  });

  it('never repeats (1000 tokens all distinct)', () => {
    const tokens = new Set(Array.from({ length: 1000 }, generateToken));
    expect(tokens.size).toBe(1000);
  });

  it('survives an Authorization header unchanged', () => {
    const token = generateToken();
    expect(tokenFromHeader(`Bearer ${token}`)).toBe(token);
    expect(tokenFromHeader(token)).toBe(token);
  });
});

describe('hashToken', () => {
  it('is the SHA-256 digest of the token (32 bytes)', () => {
    const digest = hashToken('scimdesk_abc');
    expect(digest).toHaveLength(32);
    expect(digest.toString('hex')).toBe(createHash('sha256').update('scimdesk_abc', 'utf8').digest('hex'));
    expect(hashToken('abc').toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('differs for different tokens and is stable for the same token', () => {
    expect(hashToken('a').equals(hashToken('a'))).toBe(true);
    expect(hashToken('a').equals(hashToken('b'))).toBe(false);
  });
});

describe('tokenFromHeader', () => {
  it.each([
    ['Bearer tok123', 'tok123'],
    ['bearer tok123', 'tok123'],
    ['BEARER   tok123', 'tok123'],
    ['Bearer\ttok123', 'tok123'],
    ['tok123', 'tok123'],
    ['  Bearer tok123  ', 'tok123'],
    ['  tok123\n', 'tok123'],
    ['scimdesk_a-b_c', 'scimdesk_a-b_c'],
  ])('reads %j as %j', (header, token) => {
    expect(tokenFromHeader(header)).toBe(token);
  });

  it.each([
    ['no header', undefined],
    ['empty', ''],
    ['blank', '   '],
    ['Bearer with an empty token', 'Bearer '],
    ['the Bearer scheme alone', 'bearer'],
    ['two words', 'Bearer tok 123'],
    ['a raw token with a space', 'tok 123'],
    ['another scheme', 'Basic dXNlcjpwYXNz and more'],
  ])('rejects %s', (_what, header) => {
    expect(tokenFromHeader(header)).toBeUndefined();
  });
});

describe('sameDigest', () => {
  it('is true only for equal digests', () => {
    expect(sameDigest(hashToken('a'), hashToken('a'))).toBe(true);
    expect(sameDigest(hashToken('a'), hashToken('b'))).toBe(false);
  });

  it('is false (not an error) for digests of different lengths', () => {
    expect(sameDigest(hashToken('a'), hashToken('a').subarray(0, 16))).toBe(false);
    expect(sameDigest(Buffer.alloc(0), hashToken('a'))).toBe(false);
  });
});
