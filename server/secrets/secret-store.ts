/**
 * Where token hashes live. The desktop app and the headless server use the OS keychain; an
 * explicit opt-in file store exists for headless hosts without one. Nothing here ever holds
 * a token itself, only its SHA-256.
 */

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

/** The keychain account that holds a connection's token hash. */
export function tokenAccount(connection: string): string {
  return `${connection}-token-sha256`;
}
