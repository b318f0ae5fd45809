/**
 * The IdP connections ScimDesk serves, and the names people see for them. Every list of
 * connections (CLI flags, IPC schemas, the store's seed rows, the panel's pages) comes from here.
 */

export const CONNECTIONS = ['okta', 'entra'] as const;

export type ConnectionName = (typeof CONNECTIONS)[number];

export const CONNECTION_LABELS: Readonly<Record<ConnectionName, string>> = { okta: 'Okta', entra: 'Microsoft Entra ID' };

export function isConnectionName(value: unknown): value is ConnectionName {
  return typeof value === 'string' && (CONNECTIONS as readonly string[]).includes(value);
}
