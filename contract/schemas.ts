/**
 * Payload schemas for every IPC call (TypeBox), and the payload types derived from them: what
 * main validates is, by construction, what the renderer's types allow. Main checks each
 * payload before it reaches the core; anything else is refused with 'invalid-payload'.
 * Only main imports this file's values; the preload and the renderer import its types.
 */
import { type Static, type TLiteral, type TSchema, type TUnion, Type } from 'typebox';
import { EXPORT_FORMATS, FAULT_DRILL_LIMITS, FAULT_KINDS, GROUP_SORT_KEYS, MAX_SIMULATED_USERS, SIMULATION_ROUTES, SIMULATION_SCENARIOS, SORT_ORDERS, STATUS_CLASSES, TOKEN_OVERLAPS, TUNNEL_MODES, USER_SORT_KEYS, USER_STATUSES } from './choices';
import { CONNECTIONS } from './connections';
import type { CallName } from './ipc';

/**
 * A union of string literals, typed as such. TypeBox's own `Type.Enum` would validate the same
 * values, but it writes `enum: [...]` where the IPC surface snapshot has always had `anyOf`
 * of `const`s; and `Type.Union(values.map(Type.Literal))` alone types every member as `string`.
 */
function OneOf<const Values extends readonly string[]>(values: Values): TUnion<{ -readonly [K in keyof Values]: TLiteral<Values[K]> }> {
  return Type.Union(values.map((v) => Type.Literal(v))) as unknown as TUnion<{ -readonly [K in keyof Values]: TLiteral<Values[K]> }>;
}

/** Closed objects: a key the contract does not know is refused, not ignored. */
const closed = { additionalProperties: false } as const;

const Connection = OneOf(CONNECTIONS);
const Order = Type.Optional(OneOf(SORT_ORDERS));
const Offset = Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 }));
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 500 }));
const Search = Type.Optional(Type.String({ maxLength: 256 }));
const Id = Type.String({ minLength: 1, maxLength: 256 });
const Nothing = Type.Undefined();

const MemberQuery = Type.Object({ search: Search, offset: Offset, limit: Limit }, closed);

const UserQuery = Type.Object(
  { search: Search, status: Type.Optional(OneOf(USER_STATUSES)), sort: Type.Optional(OneOf(USER_SORT_KEYS)), order: Order, offset: Offset, limit: Limit },
  closed,
);

const GroupQuery = Type.Object({ search: Search, sort: Type.Optional(OneOf(GROUP_SORT_KEYS)), order: Order, offset: Offset, limit: Limit }, closed);

const ActivityQuery = Type.Object(
  {
    connection: Type.Optional(Connection),
    action: Type.Optional(Type.String({ maxLength: 100 })),
    /** Free text over the target, the path and the status. */
    search: Search,
    status: Type.Optional(OneOf(STATUS_CLASSES)),
    beforeSeq: Type.Optional(Type.Integer({ minimum: 1 })),
    limit: Limit,
  },
  closed,
);

const TunnelSettingsChange = Type.Object(
  {
    mode: Type.Optional(OneOf(TUNNEL_MODES)),
    host: Type.Optional(Type.String({ maxLength: 2048 })),
    subdomain: Type.Optional(Type.Union([Type.String({ maxLength: 63 }), Type.Null()])),
    publicUrl: Type.Optional(Type.Union([Type.String({ maxLength: 2048 }), Type.Null()])),
  },
  closed,
);

export const PAYLOAD_SCHEMAS = {
  getStatus: Nothing,
  setEnabled: Type.Object({ connection: Connection, enabled: Type.Boolean() }, closed),
  rotateToken: Type.Object({ connection: Connection, overlap: Type.Optional(OneOf(TOKEN_OVERLAPS)) }, closed),
  endTokenOverlap: Type.Object({ connection: Connection }, closed),
  checkKeychain: Nothing,
  setTunnelSettings: TunnelSettingsChange,
  confirmPublicUrl: Nothing,
  retryTunnel: Nothing,
  checkPublicUrl: Nothing,
  listUsers: UserQuery,
  getUser: Type.Object({ id: Id }, closed),
  listGroups: GroupQuery,
  getGroup: Type.Object({ id: Id, members: Type.Optional(MemberQuery) }, closed),
  listActivity: ActivityQuery,
  getActivity: Type.Object({ seq: Type.Integer({ minimum: 1 }) }, closed),
  activityActions: Nothing,
  listRefused: Nothing,
  backupNow: Nothing,
  exportDirectory: Type.Object({ format: OneOf(EXPORT_FORMATS) }, closed),
  openExternal: Type.Object({ url: Type.String({ maxLength: 2048 }) }, closed),
  showInFolder: Type.Object({ file: Type.String({ minLength: 1, maxLength: 4096 }) }, closed),
  simulate: Type.Object(
    {
      connection: Connection,
      /** One scenario, or every one in order when absent. */
      scenario: Type.Optional(OneOf(SIMULATION_SCENARIOS)),
      /** Default: public when a public URL is configured, else local. */
      through: Type.Optional(OneOf(SIMULATION_ROUTES)),
      /** Users the import creates (default 25). */
      users: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SIMULATED_USERS })),
    },
    closed,
  ),
  removeSimulated: Nothing,
  armFaultDrill: Type.Object(
    {
      connection: Connection,
      kind: OneOf(FAULT_KINDS),
      count: Type.Integer({ minimum: 1, maximum: FAULT_DRILL_LIMITS.count }),
      retryAfterSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: FAULT_DRILL_LIMITS.retryAfterSeconds })),
      delayMs: Type.Optional(Type.Integer({ minimum: 1, maximum: FAULT_DRILL_LIMITS.delayMs })),
    },
    closed,
  ),
  clearFaultDrill: Type.Object({ connection: Connection }, closed),
} satisfies Record<CallName, TSchema>;

export type UserQuery = Static<typeof UserQuery>;
export type GroupQuery = Static<typeof GroupQuery>;
export type MemberQuery = Static<typeof MemberQuery>;
export type ActivityQuery = Static<typeof ActivityQuery>;
/** What the panel may change of the tunnel settings (TunnelSettings, every field optional). */
export type TunnelSettingsChange = Static<typeof TunnelSettingsChange>;
