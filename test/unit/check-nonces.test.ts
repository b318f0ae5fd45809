/**
 * The check from outside's one-time nonces: each answers once, within its time, with a proof
 * only this process can make; anything else (another process's proof, an echo of the nonce)
 * does not verify.
 */
import { describe, expect, it } from 'vitest';
import { CheckNonces } from '../../server/http/check-nonces';

describe('CheckNonces', () => {
  it('issues 32 random bytes as lowercase hex, never the same twice', () => {
    const nonces = new CheckNonces();
    const issued = new Set(Array.from({ length: 200 }, () => nonces.issue()));
    expect(issued.size).toBe(200);
    for (const n of issued) expect(n).toMatch(/^[0-9a-f]{64}$/);
  });

  it('redeems a pending nonce once, with a proof that verifies', () => {
    const nonces = new CheckNonces();
    const nonce = nonces.issue();
    const proof = nonces.redeem(nonce);
    expect(proof).toMatch(/^[0-9a-f]{64}$/);
    expect(nonces.verify(nonce, proof)).toBe(true);
    expect(nonces.redeem(nonce)).toBeNull();
  });

  it('answers nothing for an unknown, forgotten or expired nonce', () => {
    const nonces = new CheckNonces();
    expect(nonces.redeem('0'.repeat(64))).toBeNull();
    const forgotten = nonces.issue();
    nonces.forget(forgotten);
    expect(nonces.redeem(forgotten)).toBeNull();
    const expired = new CheckNonces(-1);
    expect(expired.redeem(expired.issue())).toBeNull();
  });

  it('another process (another key) cannot forge the proof, nor can an echo of the nonce', () => {
    const ours = new CheckNonces();
    const theirs = new CheckNonces();
    const nonce = ours.issue();
    const forged = theirs.redeem(theirs.issue());
    expect(ours.verify(nonce, forged)).toBe(false);
    expect(ours.verify(nonce, nonce)).toBe(false);
    expect(ours.verify(nonce, 'echo')).toBe(false);
    expect(ours.verify(nonce, undefined)).toBe(false);
  });
});
