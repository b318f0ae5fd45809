/**
 * The panel's view of the core: plain data types that the core answers with across the IPC
 * boundary (and in the headless CLI's --json output). Types only, no behaviour. What the panel
 * sends is typed in schemas.ts, derived from the schemas main validates it with.
 */
import type { ConnectionName } from './connections';
import type { TunnelMode } from './choices';

export interface ConnectionStatus {
  readonly name: ConnectionName;
  /** "Okta", "Microsoft Entra ID". */
  readonly label: string;
  readonly enabled: boolean;
  readonly hasToken: boolean;
  readonly tokenCreatedAt: string | null;
  /** Last request authenticated with the token: when, from where, which client. */
  readonly lastUsedAt: string | null;
  readonly lastUsedIp: string | null;
  readonly lastUsedAgent: string | null;
}

export interface TunnelSettings {
  /** none: local only; localtunnel: a public tunnel; external: the admin's own public URL (reverse proxy). */
  readonly mode: TunnelMode;
  /** The localtunnel server (the public service, or a self-hosted one). */
  readonly host: string;
  /** The subdomain to ask for, kept so the URL stays the same across restarts. */
  readonly subdomain: string | null;
  /** With mode external: the public URL the reverse proxy serves ScimDesk at. */
  readonly publicUrl: string | null;
}

export type TunnelPhase = 'off' | 'connecting' | 'online' | 'reconnecting' | 'error';

export interface TunnelStatus {
  readonly phase: TunnelPhase;
  readonly host: string | null;
  /** The public URL while online (and the last one while reconnecting). */
  readonly url: string | null;
  readonly subdomain: string | null;
  readonly wantedSubdomain: string | null;
  /** True when the server handed out another subdomain than the one asked for. */
  readonly subdomainNotGranted: boolean;
  /** Failed attempts since the tunnel was last healthy. */
  readonly attempt: number;
  readonly lastError: string | null;
  /** When the next attempt starts; null when not retrying. */
  readonly nextRetryAt: string | null;
  readonly onlineSince: string | null;
  /** Successful reconnects since start. */
  readonly reconnects: number;
}

export interface UrlChange {
  /** The public URL the admin last confirmed (what Okta's Base URL was set from). */
  readonly previous: string;
  readonly current: string;
}

export interface AppStatus {
  readonly version: string;
  readonly dataDir: string;
  readonly server: { readonly listening: boolean; readonly localUrl: string | null; readonly error: string | null };
  /** The URL IdPs reach ScimDesk at, and its SCIM base (… /scim/v2). */
  readonly publicUrl: string | null;
  readonly scimUrl: string | null;
  /** Whether the SCIM URL can be reached from the internet (a tunnel or an external URL). */
  readonly reachable: 'internet' | 'local-only';
  /** Set when the public URL changed since the admin last confirmed it: Okta's Base URL must be updated. */
  readonly urlChange: UrlChange | null;
  readonly secrets: { readonly kind: 'keychain' | 'file'; readonly ok: boolean; readonly message: string | null };
  readonly tunnelSettings: TunnelSettings;
  readonly tunnel: TunnelStatus;
  readonly connections: readonly ConnectionStatus[];
  readonly counts: { readonly users: number; readonly groups: number };
}

export interface TokenResult {
  readonly connection: ConnectionStatus;
  /** Shown once; nothing can read it back later. */
  readonly token: string;
}

export interface Page<T> {
  readonly total: number;
  readonly offset: number;
  readonly items: readonly T[];
}

export interface UserSummary {
  readonly id: string;
  readonly userName: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly active: boolean | null;
  readonly externalId: string | null;
  /** The connection that created the user, and the one that changed it last. */
  readonly source: string | null;
  readonly lastChangedBy: string | null;
  readonly created: string;
  readonly lastModified: string;
}

export interface GroupRef {
  readonly id: string;
  readonly displayName: string;
}

export interface UserDetail {
  readonly summary: UserSummary;
  /** The SCIM resource exactly as the server returns it. */
  readonly resource: unknown;
  readonly groups: readonly GroupRef[];
  /** IdP requests that touched this user, newest first. */
  readonly history: readonly ActivitySummary[];
}

export interface GroupSummary {
  readonly id: string;
  readonly displayName: string;
  readonly memberCount: number;
  readonly externalId: string | null;
  readonly source: string | null;
  readonly lastChangedBy: string | null;
  readonly created: string;
  readonly lastModified: string;
}

export interface MemberSummary {
  readonly id: string;
  readonly userName: string;
  readonly name: string | null;
  readonly active: boolean | null;
}

export interface GroupDetail {
  readonly summary: GroupSummary;
  /** The SCIM resource without its members (they are paged below). */
  readonly resource: unknown;
  readonly members: Page<MemberSummary>;
  readonly history: readonly ActivitySummary[];
}

export interface ActivitySummary {
  readonly seq: number;
  readonly at: string;
  readonly connection: string | null;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  readonly action: string;
  readonly resourceType: string | null;
  readonly resourceId: string | null;
}

export interface ActivityDetail extends ActivitySummary {
  readonly clientIp: string | null;
  readonly userAgent: string | null;
  readonly requestBody: string | null;
  readonly responseBody: string | null;
  /** What the server normalised in the request ("Replace" → "replace", "False" → false, …). */
  readonly notes: readonly string[];
}

export interface DirectoryChangeEvent {
  readonly types: readonly ('User' | 'Group')[];
  readonly ids: readonly string[];
}
