/**
 * A rotation overlap's replaced token as the secret store keeps it, beside the current token's
 * hash (previousTokenAccount): its SHA-256, when it was issued and when it stops working, as one
 * JSON entry, so the hash and its expiry are written and read together. Never the token itself.
 */

export interface PreviousTokenEntry {
  /** The replaced token's SHA-256, hex. */
  readonly sha256: string;
  readonly createdAt: string | null;
  readonly expiresAt: string;
}

export function encodePreviousToken(entry: PreviousTokenEntry): string {
  return JSON.stringify({ sha256: entry.sha256, createdAt: entry.createdAt, expiresAt: entry.expiresAt });
}

/** The entry, or null when there is none or it is not one (a hand-edited secrets file): then no previous token works. */
export function decodePreviousToken(text: string | null): PreviousTokenEntry | null {
  if (text === null) return null;
  try {
    const v = JSON.parse(text) as Partial<Record<keyof PreviousTokenEntry, unknown>>;
    if (typeof v.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(v.sha256)) return null;
    if (typeof v.expiresAt !== 'string' || Number.isNaN(Date.parse(v.expiresAt))) return null;
    return { sha256: v.sha256, createdAt: typeof v.createdAt === 'string' ? v.createdAt : null, expiresAt: v.expiresAt };
  } catch {
    return null;
  }
}
