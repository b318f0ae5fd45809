/**
 * Where token hashes live. The desktop app and the headless server use the OS keychain; an
 * explicit opt-in file store exists for headless hosts without one. Nothing here ever holds
 * a token itself, only its SHA-256.
 */
import { randomBytes } from 'node:crypto';

export type SecretStoreKind = 'keychain' | 'file';

export interface SecretStore {
  readonly kind: SecretStoreKind;
  /** Where the secrets are, for messages ("OS keychain (service ScimDesk)", a file path). */
  readonly description: string;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
}

/** The store cannot be used at all (no keychain, locked keyring, unreadable file). */
export class SecretStoreUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretStoreUnavailableError';
  }
}

/**
 * Another ScimDesk process has been changing tokens for too long (see withFileLock). The store
 * itself works: this refuses one change, it does not make the store unavailable.
 */
export class SecretStoreBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretStoreBusyError';
  }
}

/** The keychain account that holds a connection's token hash. */
export function tokenAccount(connection: string): string {
  return `${connection}-token-sha256`;
}

/** The account beside it that holds, during a rotation overlap, the replaced token's hash (previous-token.ts). */
export function previousTokenAccount(connection: string): string {
  return `${connection}-previous-token-sha256`;
}

/**
 * Proves the store works: writes, reads back and removes a probe entry. Reading alone is not
 * enough: keytar reads from a locked keyring as "no entry" instead of failing. The entry is this
 * process's own, so a probe by the CLI next to a running server's cannot make either fail.
 */
export async function checkSecretStore(store: SecretStore): Promise<void> {
  const account = `probe-${process.pid}`;
  const value = `probe-${randomBytes(8).toString('hex')}`;
  await store.set(account, value);
  const back = await store.get(account);
  await store.delete(account);
  if (back !== value) throw new SecretStoreUnavailableError(`${store.description} accepted an entry but did not give it back (is it locked?)`);
}
