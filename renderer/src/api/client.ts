/**
 * The typed client over window.scimdesk: every call answers its value or throws an ApiError
 * carrying the Result's code and message. Nothing else in the renderer touches the bridge.
 */
import type { CallName, ErrorCode, Payloads, Result, Results, ScimDeskApi } from '../../../contract/ipc';

export type ApiErrorCode = ErrorCode | 'bridge-unavailable';

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function isApiError(err: unknown, code?: ApiErrorCode): err is ApiError {
  return err instanceof ApiError && (code === undefined || err.code === code);
}

/** The preload's API, or undefined when the page runs outside ScimDesk's window. */
export function bridge(): ScimDeskApi | undefined {
  return (window as Partial<Window>).scimdesk;
}

/** Drops undefined properties: main validates payloads against closed schemas. */
function clean<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = clean(v);
  return out as T;
}

type Args<K extends CallName> = Payloads[K] extends undefined ? [] : [payload: Payloads[K]];

/** Calls one named method and unwraps its Result. */
export async function call<K extends CallName>(name: K, ...args: Args<K>): Promise<Results[K]> {
  const api = bridge();
  if (!api) throw new ApiError('bridge-unavailable', 'This page must run inside the ScimDesk window: its connection to the app is missing.');
  const method = api[name] as unknown as (payload?: unknown) => Promise<Result<Results[K]>>;
  let result: Result<Results[K]>;
  try {
    result = await (args.length ? method(clean(args[0])) : method());
  } catch (err) {
    throw new ApiError('internal', `ScimDesk did not answer (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!result.ok) throw new ApiError(result.error.code, result.error.message);
  return result.value;
}

/** A short title for an error code, shown above the message. */
export function errorTitle(err: unknown): string {
  if (!(err instanceof ApiError)) return 'Something went wrong';
  switch (err.code) {
    case 'not-found':
      return 'Not found';
    case 'invalid-settings':
    case 'invalid-payload':
      return 'Check the settings';
    case 'keychain-unavailable':
      return 'The keychain is not available';
    case 'server-not-running':
      return 'The SCIM server is not running';
    case 'startup-failed':
      return 'ScimDesk could not start';
    case 'not-allowed':
      return 'Not allowed';
    case 'busy':
      return 'Already running';
    case 'bridge-unavailable':
      return 'Not connected to ScimDesk';
    default:
      return 'Something went wrong';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
