/**
 * Payload schemas for every IPC call (TypeBox). Main checks each payload before it reaches
 * the core; anything else is refused with 'invalid-payload'. Kept apart from the contract so
 * the sandboxed preload does not bundle a validator.
 */
import { type TSchema, Type } from 'typebox';
import type { CallName } from './contract';

const Connection = Type.Union([Type.Literal('okta'), Type.Literal('entra')]);
const Order = Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')]));
const Offset = Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 }));
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 500 }));
const Search = Type.Optional(Type.String({ maxLength: 256 }));
const Id = Type.String({ minLength: 1, maxLength: 256 });
const Nothing = Type.Undefined();

const MemberQuery = Type.Object({ search: Search, offset: Offset, limit: Limit }, { additionalProperties: false });

export const PAYLOAD_SCHEMAS = {
  getStatus: Nothing,
  setEnabled: Type.Object({ connection: Connection, enabled: Type.Boolean() }, { additionalProperties: false }),
  rotateToken: Type.Object({ connection: Connection }, { additionalProperties: false }),
  checkKeychain: Nothing,
  setTunnelSettings: Type.Object(
    {
      mode: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('localtunnel'), Type.Literal('external')])),
      host: Type.Optional(Type.String({ maxLength: 2048 })),
      subdomain: Type.Optional(Type.Union([Type.String({ maxLength: 63 }), Type.Null()])),
      publicUrl: Type.Optional(Type.Union([Type.String({ maxLength: 2048 }), Type.Null()])),
    },
    { additionalProperties: false },
  ),
  confirmPublicUrl: Nothing,
  listUsers: Type.Object(
    {
      search: Search,
      status: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('active'), Type.Literal('inactive')])),
      sort: Type.Optional(
        Type.Union(['userName', 'name', 'email', 'active', 'source', 'created', 'lastModified'].map((s) => Type.Literal(s))),
      ),
      order: Order,
      offset: Offset,
      limit: Limit,
    },
    { additionalProperties: false },
  ),
  getUser: Type.Object({ id: Id }, { additionalProperties: false }),
  listGroups: Type.Object(
    {
      search: Search,
      sort: Type.Optional(Type.Union(['displayName', 'members', 'source', 'created', 'lastModified'].map((s) => Type.Literal(s)))),
      order: Order,
      offset: Offset,
      limit: Limit,
    },
    { additionalProperties: false },
  ),
  getGroup: Type.Object({ id: Id, members: Type.Optional(MemberQuery) }, { additionalProperties: false }),
  listActivity: Type.Object(
    {
      connection: Type.Optional(Type.Union([Connection, Type.Literal('none')])),
      action: Type.Optional(Type.String({ maxLength: 100 })),
      status: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('client-error'), Type.Literal('server-error')])),
      beforeSeq: Type.Optional(Type.Integer({ minimum: 1 })),
      limit: Limit,
    },
    { additionalProperties: false },
  ),
  getActivity: Type.Object({ seq: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
  activityActions: Nothing,
  backupNow: Nothing,
  exportDirectory: Type.Object({ format: Type.Union([Type.Literal('json'), Type.Literal('csv')]) }, { additionalProperties: false }),
  openExternal: Type.Object({ url: Type.String({ maxLength: 2048 }) }, { additionalProperties: false }),
} satisfies Record<CallName, TSchema>;
