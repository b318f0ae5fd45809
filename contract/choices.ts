/**
 * The closed sets of values the contract allows (the connection names are in connections.ts).
 * No imports: the server and the CLI read them without loading TypeBox, whose import alone
 * costs a CLI start about half a second. schemas.ts builds its unions from these lists.
 */

export const USER_SORT_KEYS = ['userName', 'name', 'email', 'active', 'source', 'created', 'lastModified'] as const;
export const GROUP_SORT_KEYS = ['displayName', 'members', 'source', 'created', 'lastModified'] as const;
export const USER_STATUSES = ['all', 'active', 'inactive'] as const;
export const SORT_ORDERS = ['asc', 'desc'] as const;
/** Activity entries by the class of their HTTP status. */
export const STATUS_CLASSES = ['success', 'client-error', 'server-error'] as const;
/** none: local only; localtunnel: a public tunnel; external: the admin's own public URL (reverse proxy). */
export const TUNNEL_MODES = ['none', 'localtunnel', 'external'] as const;
export const EXPORT_FORMATS = ['json', 'csv'] as const;
/** After New SCIM Token, how long the replaced token keeps working (none: it stops at once, as the vendor panel does). */
export const TOKEN_OVERLAPS = ['none', '1h', '24h'] as const;

export type UserSortKey = (typeof USER_SORT_KEYS)[number];
export type GroupSortKey = (typeof GROUP_SORT_KEYS)[number];
export type SortOrder = (typeof SORT_ORDERS)[number];
export type StatusClass = (typeof STATUS_CLASSES)[number];
export type TunnelMode = (typeof TUNNEL_MODES)[number];
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
/** The simulator's scenarios, in the order `all` runs them. */
export const SIMULATION_SCENARIOS = ['test-credentials', 'import', 'update', 'push-groups', 'entra-cycle', 'offboard'] as const;
/** Where the simulator sends its requests: through the public URL (the whole path) or to 127.0.0.1. */
export const SIMULATION_ROUTES = ['public', 'local'] as const;
/** What an armed fault drill answers instead of the real answer. */
export const FAULT_KINDS = ['429', '503', 'delay'] as const;
/** The users a simulated import creates at most. */
export const MAX_SIMULATED_USERS = 500;
/** A fault drill's limits: requests it answers, the Retry-After it sends, how long it holds an answer. */
export const FAULT_DRILL_LIMITS = { count: 1000, retryAfterSeconds: 3600, delayMs: 60_000 } as const;
export type SimulationScenario = (typeof SIMULATION_SCENARIOS)[number];
export type SimulationRoute = (typeof SIMULATION_ROUTES)[number];
export type FaultKind = (typeof FAULT_KINDS)[number];
export type TokenOverlap = (typeof TOKEN_OVERLAPS)[number];
