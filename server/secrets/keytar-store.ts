/**
 * The OS keychain through keytar (macOS Keychain, Windows Credential Manager, the Secret
 * Service on Linux). keytar's failures are plain Errors with platform text; they become one
 * SecretStoreUnavailableError naming the cause and the fix — never a silent fallback.
 */
import { createRequire } from 'node:module';
import { nativeModulePath } from '../base/native';
import { type SecretStore, SecretStoreUnavailableError } from './secret-store';

interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export const DEFAULT_KEYCHAIN_SERVICE = 'ScimDesk';
export const KEYCHAIN_SERVICE_ENV = 'SCIMDESK_KEYCHAIN_SERVICE';

const require = createRequire(import.meta.url);

function loadKeytar(): KeytarApi {
  // Under Electron in development the Electron-ABI build is loaded directly (same API).
  const electronBuild = nativeModulePath('keytar.node');
  try {
    return (electronBuild ? require(electronBuild) : require('keytar')) as KeytarApi;
  } catch (err) {
    throw new SecretStoreUnavailableError(`no OS keychain available: the keytar module did not load (${(err as Error).message}). Reinstall ScimDesk.`);
  }
}

/** Turns keytar's platform errors into one sentence with the cause and the fix. */
export function explainKeychainError(err: unknown): SecretStoreUnavailableError {
  const text = err instanceof Error ? err.message : String(err);
  let cause = text;
  let fix = 'Make sure the OS keychain is available and unlocked';
  if (/autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|Failed to connect to socket|Could not connect|address is empty|dbus/i.test(text)) {
    cause = 'no D-Bus session bus';
    fix = 'Run ScimDesk inside a desktop session, or start one with dbus-run-session';
  } else if (/org\.freedesktop\.secrets|not provided by any \.service/i.test(text)) {
    cause = 'no Secret Service (keyring daemon) is running';
    fix = 'Install and start gnome-keyring (or KeePassXC with Secret Service), or use --secret-store file on a headless server';
  } else if (/collection\/login|does not exist at path/i.test(text)) {
    cause = 'there is no unlocked login keyring, and no way to ask for its password here';
    fix = 'Log in to a desktop session (it unlocks the keyring), run gnome-keyring-daemon --unlock, or use --secret-store file on a headless server';
  } else if (/locked/i.test(text)) {
    cause = 'the keyring is locked';
    fix = 'Unlock the login keyring (log in to the desktop, or gnome-keyring-daemon --unlock)';
  } else if (/cancel|dismiss/i.test(text)) {
    cause = 'access to the keychain was refused';
    fix = 'Allow ScimDesk to use the keychain when asked';
  }
  return new SecretStoreUnavailableError(`no OS keychain available: ${cause} (${text}). ${fix}.`);
}

export class KeytarSecretStore implements SecretStore {
  readonly kind = 'keychain' as const;
  readonly description: string;
  private api: KeytarApi | undefined;

  /** The service name defaults to "ScimDesk" (SCIMDESK_KEYCHAIN_SERVICE overrides it, for tests and side-by-side installs). */
  constructor(private readonly service: string = process.env[KEYCHAIN_SERVICE_ENV] || DEFAULT_KEYCHAIN_SERVICE) {
    this.description = `the OS keychain (service "${service}")`;
  }

  private keytar(): KeytarApi {
    this.api ??= loadKeytar();
    return this.api;
  }

  private async call<T>(fn: (k: KeytarApi) => Promise<T>): Promise<T> {
    const api = this.keytar();
    try {
      return await fn(api);
    } catch (err) {
      throw explainKeychainError(err);
    }
  }

  get(account: string): Promise<string | null> {
    return this.call((k) => k.getPassword(this.service, account));
  }

  set(account: string, secret: string): Promise<void> {
    return this.call((k) => k.setPassword(this.service, account, secret));
  }

  delete(account: string): Promise<boolean> {
    return this.call((k) => k.deletePassword(this.service, account));
  }
}
