/**
 * The panel's view of the core: plain data types that the core answers with across the IPC
 * boundary (and in the headless CLI's --json output). Types only, no behaviour. What the panel
 * sends is typed in schemas.ts, derived from the schemas main validates it with.
 */
import type { ConnectionName } from './connections';
import type { FaultKind, SimulationRoute, SimulationScenario, TunnelMode } from './choices';

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
  /**
   * While a rotation overlap runs (New SCIM Token with "the old token keeps working for 1 hour /
   * 24 hours"): the replaced token, which still authenticates until `expiresAt`. Null otherwise.
   */
  readonly previousToken: PreviousToken | null;
  /** How the IdP's requests have been going (from the request log). */
  readonly health: ConnectionHealth;
}

export interface PreviousToken {
  readonly createdAt: string | null;
  /** When it stops working. */
  readonly expiresAt: string;
  /** Last request it authenticated during the overlap (null: none yet). */
  readonly lastUsedAt: string | null;
}

/**
 * idle: no request yet (or none in the last day); ok: the last request succeeded; failing: the
 * latest requests failed; old-token: the IdP sends a token that has since been replaced;
 * disabled: the IdP calls while the connection is disabled; needs-token: a token was issued but
 * the secret store has no hash for it, so no token works until a new one is issued.
 */
export type HealthState = 'idle' | 'ok' | 'failing' | 'old-token' | 'disabled' | 'needs-token';

export interface ConnectionHealth {
  readonly state: HealthState;
  /** One sentence for people: "Okta is using an old token since 05:10 — 12 refused". */
  readonly sentence: string;
  readonly lastSuccessAt: string | null;
  readonly lastFailureAt: string | null;
  /** Requests refused or failed in the last hour (wrong-token requests that claim this connection included). */
  readonly failuresLastHour: number;
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
  /**
   * When the tunnel server first reported this tunnel up (known, with open connections) since it
   * came online; null until then. A URL that was never verified is never stored as confirmed.
   */
  readonly verifiedAt: string | null;
  /**
   * Why the public URL cannot be reached from this machine although the tunnel server reports
   * the tunnel up (a name that does not resolve here, split DNS, blocked outbound traffic): a
   * warning with its cause; the tunnel stays open. Null when the URL answered or was not checked.
   */
  readonly publicUrlWarning: string | null;
  /** Why the last attempt failed, for people: the cause and what to do; null while none failed. */
  readonly problem: TunnelProblem | null;
}

/**
 * dns: the tunnel server's name does not resolve (ENOTFOUND, EAI_AGAIN: no internet, DNS down);
 * refused: nothing listens at its address and port (ECONNREFUSED); subdomain-taken: the wanted
 * name is held by another tunnel; unreachable: no answer in time, or the network is down
 * (ETIMEDOUT, EHOSTUNREACH, ENETUNREACH, a timeout); tls: the HTTPS handshake or certificate
 * failed; other: anything else (the sentence then carries the raw reason).
 */
export type TunnelProblemCause = 'dns' | 'refused' | 'subdomain-taken' | 'unreachable' | 'tls' | 'other';

export interface TunnelProblem {
  readonly cause: TunnelProblemCause;
  /** What happened, one sentence naming the host: "This computer cannot find the tunnel server localtunnel.me (DNS lookup failed)." */
  readonly sentence: string;
  /** What to do about it, one sentence: "Check this computer's internet connection, or…". */
  readonly fix: string;
}

export type CheckStepState = 'ok' | 'failed' | 'skipped';

/** One step of a check from outside; `ms` is how long it took (null when skipped). */
export interface CheckStep {
  readonly state: CheckStepState;
  readonly ms: number | null;
  /** Why it failed or was skipped, for people; null when ok. */
  readonly error: string | null;
}

/**
 * "Check from outside": one request sent to the public URL the way an IdP would reach it, step
 * by step. It passes only when the answer carries the one-time nonce this ScimDesk issued for
 * it — proof that the URL leads to this ScimDesk, not to something else at that address.
 */
export interface PublicUrlCheck {
  /** The public URL checked. */
  readonly url: string;
  readonly startedAt: string;
  readonly ok: boolean;
  /** The host name resolved to these addresses. */
  readonly dns: CheckStep & { readonly addresses: readonly string[] };
  /** https only (skipped for http://): the handshake, and the certificate's issuer and expiry. */
  readonly tls: CheckStep & { readonly protocol: string | null; readonly issuer: string | null; readonly validTo: string | null };
  /** The HTTP request: its status and round-trip time (`ms`). */
  readonly http: CheckStep & { readonly status: number | null };
  /** The answer carried this check's one-time nonce, signed by this ScimDesk. */
  readonly proof: CheckStep;
  /** The result in one sentence, with the cause and the fix when it failed. */
  readonly sentence: string;
}

export interface PublicCheckStatus {
  /** A check is running now (started by the button, or by a change of the public URL). */
  readonly running: boolean;
  /** The latest finished check of the current public URL; null when none has run for it yet. */
  readonly last: PublicUrlCheck | null;
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
  /** The check from outside of the current public URL (null in local-only mode). */
  readonly publicCheck: PublicCheckStatus | null;
  readonly connections: readonly ConnectionStatus[];
  readonly counts: { readonly users: number; readonly groups: number };
  /** The directory database: degraded while a write cannot commit (the disk is full…). */
  readonly store: StoreHealth;
  readonly requestLog: RequestLogStatus;
  /** Armed fault drills (a banner while any is armed). */
  readonly faultDrills: readonly FaultDrill[];
  /** The simulation running now, or the last one of this run; null when none ran. */
  readonly simulation: SimulationReport | null;
}

export interface StoreHealth {
  readonly state: 'ok' | 'disk-full' | 'failing';
  /** Why, for people, and what to do; null when ok. */
  readonly message: string | null;
  /** When the problem was first seen (null when ok). */
  readonly since: string | null;
}

export interface RequestLogRetention {
  /** Successful authenticated requests: the newest N, none older than D days. */
  readonly successes: { readonly maxEntries: number; readonly maxAgeDays: number };
  /** Failed authenticated requests (4xx/5xx), kept longer. */
  readonly errors: { readonly maxEntries: number; readonly maxAgeDays: number };
  /** Requests no token authenticated (401, 429…), kept as one aggregate per address and status. */
  readonly unauthenticated: { readonly maxEntries: number; readonly maxAgeDays: number };
  /** The audit trail of a deleted user or group is kept this many days after the delete. */
  readonly auditDaysAfterDelete: number;
}

export interface RequestLogStatus {
  /** ok; disk-full / unavailable: entries are being dropped (the directory is unaffected). */
  readonly state: 'ok' | 'disk-full' | 'unavailable';
  readonly message: string | null;
  /** Entries not written since the server started (queue full, or the file unusable). */
  readonly dropped: number;
  readonly retention: RequestLogRetention;
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
  readonly history: History;
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
  readonly history: History;
}

/** A field's value before and after a change (redacted: secrets read "[redacted]"); undefined: absent. */
export interface FieldChange {
  /** The attribute path, e.g. "name.givenName", "emails", "active". */
  readonly field: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

/** A group's membership change: counts, and the first few members by userName. */
export interface MemberDelta {
  readonly added: number;
  readonly removed: number;
  readonly addedSample: readonly string[];
  readonly removedSample: readonly string[];
}

export type AuditAction = 'create' | 'update' | 'deactivate' | 'reactivate' | 'members' | 'delete';

/** One change to a user or group, written in the same transaction as the change itself. */
export interface AuditEntry {
  readonly seq: number;
  readonly at: string;
  /** The connection that made the change (null: made without one, e.g. an import). */
  readonly connection: ConnectionName | null;
  readonly action: AuditAction;
  readonly resourceType: 'User' | 'Group';
  readonly resourceId: string;
  /** The userName or displayName at the time of the change. */
  readonly target: string;
  /** "Created", "active: true → false", "+194 members", "3 fields changed". */
  readonly summary: string;
  readonly changes: readonly FieldChange[];
  readonly members: MemberDelta | null;
}

/** A record's audit trail, oldest first: its Create always, then the newest changes. */
export interface History {
  readonly entries: readonly AuditEntry[];
  /** Changes between the Create and the first of the newest ones that are not listed. */
  readonly omitted: number;
}

/** Something the panel can do about a failed request. */
export type Remedy =
  | { readonly kind: 'enable'; readonly connection: ConnectionName }
  | { readonly kind: 'new-token'; readonly connection: ConnectionName }
  | { readonly kind: 'open-user'; readonly id: string; readonly userName: string }
  | { readonly kind: 'open-group'; readonly id: string; readonly displayName: string };

export interface ActivitySummary {
  readonly seq: number;
  readonly at: string;
  /** The connection whose token authenticated the request; null when none did. */
  readonly connection: ConnectionName | null;
  /** Which of the connection's tokens authenticated it: the current one, or the previous one during a rotation overlap. */
  readonly token: 'current' | 'previous' | null;
  readonly method: string;
  /** The URL path and query (secrets masked, long URLs cut). */
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  /** The IdP action: "Create user", "Push group members"… */
  readonly action: string;
  readonly resourceType: 'User' | 'Group' | null;
  readonly resourceId: string | null;
  /** The userName or displayName the request was about, resolved when it was written. */
  readonly target: string | null;
  /** What it did, short: "+194 members", "active: true → false"; null when nothing to say. */
  readonly summary: string | null;
  /** Sent by the simulator with its own credential (not by the real IdP). */
  readonly simulated: boolean;
  /** The answer a fault drill gave instead of the real one; null when none. */
  readonly fault: FaultKind | null;
  /** For every 4xx/5xx: one sentence with the reason and the fix. */
  readonly explanation: string | null;
  readonly remedy: Remedy | null;
}

/**
 * Requests no token authenticated (missing, wrong or replaced token; throttled): kept as one
 * aggregate per client address, status and reason, so a flood costs a counter, not the log.
 */
export interface RefusedSummary {
  readonly id: number;
  readonly clientIp: string | null;
  readonly status: number;
  readonly count: number;
  readonly firstAt: string;
  readonly lastAt: string;
  /** The most recent request of the aggregate (URL and User-Agent cut short). */
  readonly samplePath: string;
  readonly sampleMethod: string;
  readonly sampleAgent: string | null;
  /** The connection a replaced token belonged to, when it was one of ours. */
  readonly claimedConnection: ConnectionName | null;
  readonly explanation: string;
  readonly remedy: Remedy | null;
}

export interface ActivityDetail extends ActivitySummary {
  readonly clientIp: string | null;
  readonly userAgent: string | null;
  readonly requestBody: string | null;
  readonly responseBody: string | null;
  /** What the server normalised in the request ("Replace" → "replace", "False" → false, …). */
  readonly notes: readonly string[];
  /** A write's changes, field by field (the same diff as the audit trail). */
  readonly changes: readonly FieldChange[];
  readonly members: MemberDelta | null;
}

export interface DirectoryChangeEvent {
  readonly types: readonly ('User' | 'Group')[];
  readonly ids: readonly string[];
}

/**
 * The simulator (issue 13): ScimDesk plays Okta or Entra ID against its own SCIM server, over
 * real HTTP (through the public URL, or to 127.0.0.1), with a short-lived credential of its own
 * kept in memory only. Records it creates carry the source `<connection>-simulated`
 * ("Okta (simulated)") and can be removed without touching a real IdP's records.
 */
export interface SimulationStep {
  /** 1-based, in the order sent. */
  readonly index: number;
  readonly scenario: SimulationScenario;
  /** What the IdP does, for people: "Create user ada.lovelace@acme.example". */
  readonly name: string;
  /** The request as sent; the Authorization header and secrets read "[redacted]". */
  readonly request: { readonly method: string; readonly url: string; readonly headers: Readonly<Record<string, string>>; readonly body: string | null };
  /** The answer (body cut to 4 KiB); null when none came (connection refused, timeout). */
  readonly response: { readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: string | null } | null;
  readonly ms: number;
  readonly verdict: 'passed' | 'failed';
  /** What was checked, the way the IdP checks it: "status 201", "schemas", "userName echoed", "Location", "ETag". */
  readonly checks: readonly string[];
  /** On failure: what the IdP would conclude ("Okta would mark the app's provisioning as failed: expected 201, got 409") and the fix. */
  readonly conclusion: string | null;
  readonly fix: string | null;
  /** Retries the IdP's documented policy made before this answer (after 429 / 503). */
  readonly retries: number;
}

export interface SimulationReport {
  readonly id: string;
  readonly connection: ConnectionName;
  readonly through: SimulationRoute;
  /** The SCIM base URL the requests went to. */
  readonly baseUrl: string;
  readonly scenarios: readonly SimulationScenario[];
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly state: 'running' | 'passed' | 'failed';
  readonly steps: readonly SimulationStep[];
  /** One sentence: "42 of 42 steps passed", or the failed step, what the IdP would conclude and the fix. */
  readonly summary: string;
}

/** A fault drill: the next `remaining` requests of a connection get a fault instead of their answer. */
export interface FaultDrill {
  readonly connection: ConnectionName;
  readonly kind: FaultKind;
  readonly remaining: number;
  /** 429 and 503: the Retry-After sent, in seconds. */
  readonly retryAfterSeconds: number | null;
  /** delay: how long each answer is held, in ms. */
  readonly delayMs: number | null;
  readonly armedAt: string;
  /** It ends by itself then, even if requests remain. */
  readonly expiresAt: string;
}
