/**
 * A real ScimDesk server for tests: a fresh data folder with a real SQLite file, token hashes
 * in the real OS keychain (a per-server keychain service name, removed afterwards), listening
 * on a random loopback port.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONNECTIONS, type ConnectionName } from '../../contract/connections';
import { Core } from '../../server/core/core';
import { type RunningServer, listen } from '../../server/http/listen';
import { type ServerOptions, serverOptions } from '../../server/http/options';
import { FileSecretStore } from '../../server/secrets/file-store';
import { KeytarSecretStore } from '../../server/secrets/keytar-store';
import { type SecretStore, previousTokenAccount, tokenAccount } from '../../server/secrets/secret-store';
import { ScimClient } from '../../tools/scim-client';

export interface TestServer {
  readonly core: Core;
  readonly server: RunningServer;
  readonly dataDir: string;
  /** SCIM base URL, e.g. http://127.0.0.1:PORT/scim/v2 */
  readonly base: string;
  /** Tokens issued at start, by connection. */
  readonly tokens: Record<ConnectionName, string>;
  /** A client authenticated as the given connection (default okta). */
  client(connection?: ConnectionName): ScimClient;
  stop(): Promise<void>;
}

export interface TestServerOptions extends Partial<ServerOptions> {
  /** keychain (default): the real OS keychain; file: the opt-in file store. */
  readonly secrets?: 'keychain' | 'file';
  /** Connections to enable at start (default: okta and entra). */
  readonly enable?: readonly ConnectionName[];
  readonly dataDir?: string;
}

export function tempDir(prefix = 'scimdesk-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The real OS keychain under a service name of its own, so tests never share or leave entries. */
export function testKeychain(): { readonly service: string; readonly store: KeytarSecretStore } {
  const service = `ScimDesk-test-${randomBytes(6).toString('hex')}`;
  return { service, store: new KeytarSecretStore(service) };
}

/** Removes the connections' token hashes a test left in a secret store (a rotation overlap's previous one too). */
export async function forgetTokens(store: SecretStore): Promise<void> {
  for (const name of CONNECTIONS) {
    await store.delete(tokenAccount(name)).catch(() => false);
    await store.delete(previousTokenAccount(name)).catch(() => false);
  }
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDir();
  const secretStore: SecretStore = options.secrets === 'file' ? new FileSecretStore(dataDir) : testKeychain().store;
  let localUrl: string | null = null;
  const core = new Core({ dataDir, secretStore, publicUrl: () => localUrl });
  const tokens = {} as Record<ConnectionName, string>;
  for (const name of options.enable ?? CONNECTIONS) {
    const { token } = await core.connections.setEnabled(name, true);
    if (token) tokens[name] = token;
  }
  const server = await listen(core, serverOptions({ port: 0, ...options }));
  localUrl = server.localUrl;
  const base = core.scimUrl();
  return {
    core,
    server,
    dataDir,
    base,
    tokens,
    client: (connection: ConnectionName = 'okta') => new ScimClient(base, `Bearer ${tokens[connection]}`),
    async stop() {
      await server.close();
      core.close();
      if (secretStore.kind === 'keychain') await forgetTokens(secretStore);
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
