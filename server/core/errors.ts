/**
 * The one error the use cases (core, and the controller above it) throw for a person to read:
 * a code the panel and the CLI act on, and one sentence. The IPC layer passes both through as
 * a Result; the CLI prints the sentence and exits 1. Anything else that escapes a use case is
 * a bug, and is answered as "internal" without its details.
 */
import type { ErrorCode } from '../../contract/ipc';

export type ServiceErrorCode = Extract<ErrorCode, 'not-found' | 'invalid-settings' | 'keychain-unavailable' | 'server-not-running' | 'not-allowed' | 'busy' | 'write-failed'>;

export class ServiceError extends Error {
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ServiceError';
  }
}
