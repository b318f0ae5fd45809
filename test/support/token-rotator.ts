/**
 * A second ScimDesk process that keeps issuing new tokens for one connection, as an admin
 * clicking "New SCIM Token" in the desktop app over and over would: the real Core on the given
 * data folder and secret store, rotating back to back (2 ms apart) until SIGTERM. Every token is printed on
 * its own line once its rotation has returned, so the last line is the one that must be live.
 *
 *   node --import tsx test/support/token-rotator.ts <dataDir> <okta|entra> <file|keychain>
 *
 * The keychain service comes from SCIMDESK_KEYCHAIN_SERVICE, as for the CLI.
 */
import type { ConnectionName } from '../../contract/connections';
import { Core } from '../../server/core/core';
import { FileSecretStore } from '../../server/secrets/file-store';
import { KeytarSecretStore } from '../../server/secrets/keytar-store';

const [dataDir, connection, kind] = process.argv.slice(2) as [string, ConnectionName, 'file' | 'keychain'];
const core = new Core({ dataDir, secretStore: kind === 'file' ? new FileSecretStore(dataDir) : new KeytarSecretStore() });
let stopping = false;
process.once('SIGTERM', () => {
  stopping = true;
});
try {
  while (!stopping) {
    const { token } = await core.connections.rotateToken(connection);
    process.stdout.write(`${token}\n`);
    // A breath between clicks: the other process gets its turn at the token lock.
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
} finally {
  core.close();
}
