/**
 * 0007: a rotation overlap (New SCIM Token with "the old token keeps working for 1 hour / 24
 * hours"). The replaced token's hash lives in the secret store beside the current one, never
 * here; these columns say that an overlap runs (its expiry, the cue another process's cached
 * hashes are read again on), when the replaced token was issued, and when it was last used.
 * Existing connections have no overlap (NULL).
 */
export default /* sql */ `
ALTER TABLE connections ADD COLUMN previous_token_created_at TEXT;
ALTER TABLE connections ADD COLUMN previous_token_expires_at TEXT;
ALTER TABLE connections ADD COLUMN previous_token_last_used_at TEXT;
`;
