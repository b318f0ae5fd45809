/**
 * The CLI's flags: the option table, and each flag turned into the value the core takes or a
 * UsageError naming what is wrong (exit code 2, with the usage).
 */
import { isIP } from 'node:net';
import type { parseArgs } from 'node:util';
import { type ConnectionName, isConnectionName } from '../../contract/connections';
import type { TunnelSettingsChange } from '../../contract/schemas';
import { DEFAULT_HOST, DEFAULT_PORT } from '../base/address';
import { defaultDataDir } from '../base/paths';
import { type ConnectionLimits, connectionLimitsFor } from '../http/connection-limits';
import { DEFAULT_BODY_LIMIT } from '../http/options';
import { FileSecretStore } from '../secrets/file-store';
import { KeytarSecretStore } from '../secrets/keytar-store';
import type { SecretStore } from '../secrets/secret-store';
import { DEFAULT_AUDIT_DAYS_AFTER_DELETE } from '../store/audit-trail';
import { DEFAULT_LOG_RETENTION, type LogRetention } from '../store/request-log-schema';
import { InvalidSettingsError, normalizeTunnelSettings } from '../tunnel/settings';

export class UsageError extends Error {}

export const OPTIONS = {
  connection: { type: 'string' },
  'data-dir': { type: 'string' },
  'secret-store': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'public-url': { type: 'string' },
  tunnel: { type: 'string' },
  'tunnel-host': { type: 'string' },
  subdomain: { type: 'string' },
  'log-level': { type: 'string' },
  'body-limit': { type: 'string' },
  'max-connections': { type: 'string' },
  'max-connections-per-address': { type: 'string' },
  'activity-keep': { type: 'string' },
  'activity-days': { type: 'string' },
  'errors-keep': { type: 'string' },
  'errors-days': { type: 'string' },
  'audit-days': { type: 'string' },
  limit: { type: 'string' },
  errors: { type: 'boolean' },
  follow: { type: 'boolean' },
  user: { type: 'string' },
  group: { type: 'string' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  force: { type: 'boolean' },
  format: { type: 'string' },
  overlap: { type: 'string' },
  scenario: { type: 'string' },
  through: { type: 'string' },
  users: { type: 'string' },
  remove: { type: 'boolean' },
  kind: { type: 'string' },
  count: { type: 'string' },
  'retry-after': { type: 'string' },
  'delay-ms': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

export function dataDirOf(values: Values): string {
  return values['data-dir'] ?? defaultDataDir();
}

export function connectionOf(values: Values): ConnectionName {
  const c = values.connection;
  if (!isConnectionName(c)) throw new UsageError(c === undefined ? '--connection okta|entra is required' : `unknown connection "${c}" (okta or entra)`);
  return c;
}

export function secretStoreOf(values: Values, dataDir: string): SecretStore {
  const kind = values['secret-store'] ?? 'keychain';
  if (kind === 'keychain') return new KeytarSecretStore();
  if (kind === 'file') return new FileSecretStore(dataDir);
  throw new UsageError(`unknown --secret-store "${kind}" (keychain or file)`);
}

export function hostOf(values: Values): string {
  const host = values.host ?? DEFAULT_HOST;
  if (isIP(host) === 0 && host !== 'localhost') throw new UsageError(`--host must be an IP address, not "${host}"`);
  return host;
}

export function portOf(values: Values): number {
  if (values.port === undefined) return DEFAULT_PORT;
  if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${values.port}"`);
  return Number(values.port);
}

export function bodyLimitOf(values: Values): number {
  const bodyLimit = values['body-limit'] === undefined ? DEFAULT_BODY_LIMIT : Number(values['body-limit']);
  if (!Number.isInteger(bodyLimit) || bodyLimit < 1024) throw new UsageError('--body-limit must be a number of bytes, at least 1024');
  return bodyLimit;
}

function countOf(values: Values, name: 'max-connections' | 'max-connections-per-address'): number | undefined {
  const text = values[name];
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--${name} must be a whole number, at least 1, not "${text}"`);
  return Number(text);
}

/** The connection caps for `host`: the defaults (connection-limits.ts) unless a flag sets one. */
export function connectionLimitsOf(values: Values, host: string): ConnectionLimits {
  const total = countOf(values, 'max-connections');
  const perAddress = countOf(values, 'max-connections-per-address');
  return connectionLimitsFor(host, { ...(total !== undefined && { total }), ...(perAddress !== undefined && { perAddress }) });
}

function publicUrlOf(values: Values): string | undefined {
  const url = values['public-url'];
  if (url === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--public-url must be an absolute http(s) URL, not "${url}"`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new UsageError('--public-url must be an http or https URL');
  return url.replace(/\/+$/, '');
}

type NumberFlag = 'activity-keep' | 'activity-days' | 'errors-keep' | 'errors-days' | 'audit-days' | 'limit';

function wholeNumber(values: Values, flag: NumberFlag, fallback: number, min: number): number {
  const raw = values[flag];
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw new UsageError(`--${flag} must be a whole number of at least ${min}, not "${raw}"`);
  return Number(raw);
}

/** The request log's retention: successes (--activity-*), errors (--errors-*), refused requests (fixed). */
export function retentionOf(values: Values): LogRetention {
  const d = DEFAULT_LOG_RETENTION;
  return {
    successes: { maxEntries: wholeNumber(values, 'activity-keep', d.successes.maxEntries, 100), maxAgeDays: wholeNumber(values, 'activity-days', d.successes.maxAgeDays, 0) },
    errors: { maxEntries: wholeNumber(values, 'errors-keep', d.errors.maxEntries, 100), maxAgeDays: wholeNumber(values, 'errors-days', d.errors.maxAgeDays, 0) },
    unauthenticated: d.unauthenticated,
  };
}

export function auditDaysOf(values: Values): number {
  return wholeNumber(values, 'audit-days', DEFAULT_AUDIT_DAYS_AFTER_DELETE, 1);
}

export function limitOf(values: Values, fallback: number): number {
  return Math.min(10_000, wholeNumber(values, 'limit', fallback, 1));
}

/** The tunnel flags of `serve`, as overrides of the saved settings (not saved themselves). */
export function tunnelOverridesOf(values: Values): TunnelSettingsChange {
  const out: TunnelSettingsChange = {};
  const mode = values.tunnel;
  if (mode !== undefined) {
    if (mode !== 'none' && mode !== 'localtunnel') throw new UsageError(`--tunnel must be none or localtunnel, not "${mode}"`);
    out.mode = mode;
  }
  if (values['tunnel-host'] !== undefined) out.host = values['tunnel-host'];
  if (values.subdomain !== undefined) out.subdomain = values.subdomain;
  const publicUrl = publicUrlOf(values);
  if (publicUrl) {
    if (out.mode === 'localtunnel') throw new UsageError('--public-url (your own reverse proxy) and --tunnel localtunnel exclude each other');
    out.mode = 'external';
    out.publicUrl = publicUrl;
  }
  if ((out.host !== undefined || out.subdomain !== undefined) && out.mode === undefined) out.mode = 'localtunnel';
  try {
    normalizeTunnelSettings(out);
  } catch (err) {
    if (err instanceof InvalidSettingsError) throw new UsageError(err.message);
    throw err;
  }
  return out;
}
