/**
 * Per-connection settings kept in SQLite: the enable flag and token bookkeeping (a generation
 * counter, creation and last-use details, and a rotation overlap's replaced token: when it was
 * issued, when it stops working, when it was last used). The tokens' hashes are never here:
 * they live in the SecretStore. A server process notices a rotation or an overlap ended by
 * another process (the CLI) through the generation counter and the overlap's expiry.
 */
import type { ConnectionName } from '../../contract/connections';
import type { Db } from './database';

export interface ConnectionRecord {
  readonly name: ConnectionName;
  readonly enabled: boolean;
  readonly tokenGeneration: number;
  readonly tokenCreatedAt: string | null;
  readonly lastUsedAt: string | null;
  readonly lastUsedIp: string | null;
  readonly lastUsedAgent: string | null;
  /** The replaced token that still works during a rotation overlap (null: none). */
  readonly previous: PreviousTokenRecord | null;
}

export interface PreviousTokenRecord {
  readonly createdAt: string | null;
  /** When it stops working (it may have passed: the caller compares with its clock). */
  readonly expiresAt: string;
  readonly lastUsedAt: string | null;
}

/** Which of a connection's tokens a request presented. */
export type TokenKind = 'current' | 'previous';

interface Row {
  name: ConnectionName;
  enabled: number;
  token_generation: number;
  token_created_at: string | null;
  token_last_used_at: string | null;
  token_last_used_ip: string | null;
  token_last_used_agent: string | null;
  previous_token_created_at: string | null;
  previous_token_expires_at: string | null;
  previous_token_last_used_at: string | null;
}

function toRecord(r: Row): ConnectionRecord {
  return {
    name: r.name,
    enabled: r.enabled === 1,
    tokenGeneration: r.token_generation,
    tokenCreatedAt: r.token_created_at,
    lastUsedAt: r.token_last_used_at,
    lastUsedIp: r.token_last_used_ip,
    lastUsedAgent: r.token_last_used_agent,
    previous: r.previous_token_expires_at === null ? null : { createdAt: r.previous_token_created_at, expiresAt: r.previous_token_expires_at, lastUsedAt: r.previous_token_last_used_at },
  };
}

/** A replaced token's fingerprint (not its hash: see retiredFingerprint): tells a 401 which connection sent an old token. */
export interface RetiredToken {
  readonly connection: ConnectionName;
  readonly generation: number;
  readonly digest: string;
  readonly retiredAt: string;
}

/** How many replaced tokens are remembered per connection. */
const RETIRED_KEPT = 5;

export class ConnectionsRepo {
  /**
   * Every SCIM request reads the connections, so they are cached. Our own writes drop the
   * cache. Another process's writes (the CLI changing a token next to a running server) change
   * SQLite's data_version; that pragma costs as much as a query, so it is checked only when the
   * database files were written since the last check (`filesChanged()`, told by a file watcher)
   * and at least every `maxStaleMs` in any case.
   */
  private cache: ConnectionRecord[] | undefined;
  private cachedAt = -1;
  private mayHaveChanged = true;
  private checkedAt = 0;
  private readonly maxStaleMs = 1_000;
  private readonly dataVersion;
  private readonly allStmt;
  private readonly oneStmt;
  private readonly enableStmt;
  private readonly tokenStmt;
  private readonly useStmt;
  private readonly previousUseStmt;
  private readonly endOverlapStmt;
  private readonly retireStmt;
  private readonly retiredTrimStmt;
  private readonly retiredStmt;
  private retiredCache: { version: number; list: RetiredToken[] } | undefined;

  constructor(db: Db) {
    this.dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
    this.allStmt = db.prepare<[], Row>('SELECT * FROM connections ORDER BY name DESC');
    this.oneStmt = db.prepare<[string], Row>('SELECT * FROM connections WHERE name = ?');
    this.enableStmt = db.prepare<[number, string, string]>('UPDATE connections SET enabled = ?, updated_at = ? WHERE name = ?');
    this.tokenStmt = db.prepare<[string, string, string | null, string | null, string], Row>(
      `UPDATE connections SET token_generation = token_generation + 1, token_created_at = ?, updated_at = ?,
         token_last_used_at = NULL, token_last_used_ip = NULL, token_last_used_agent = NULL,
         previous_token_created_at = ?, previous_token_expires_at = ?, previous_token_last_used_at = NULL
       WHERE name = ? RETURNING *`,
    );
    this.endOverlapStmt = db.prepare<[string, string]>(
      'UPDATE connections SET previous_token_created_at = NULL, previous_token_expires_at = NULL, previous_token_last_used_at = NULL, updated_at = ? WHERE name = ?',
    );
    this.retireStmt = db.prepare<[string, number, string, string]>('INSERT OR REPLACE INTO retired_tokens (connection, generation, digest, retired_at) VALUES (?, ?, ?, ?)');
    this.retiredTrimStmt = db.prepare<[string, string, number]>(
      'DELETE FROM retired_tokens WHERE connection = ? AND generation NOT IN (SELECT generation FROM retired_tokens WHERE connection = ? ORDER BY generation DESC LIMIT ?)',
    );
    this.retiredStmt = db.prepare<[], { connection: ConnectionName; generation: number; digest: string; retired_at: string }>('SELECT * FROM retired_tokens');
    this.useStmt = db.prepare<[string, string | null, string | null, string]>(
      'UPDATE connections SET token_last_used_at = ?, token_last_used_ip = ?, token_last_used_agent = ? WHERE name = ?',
    );
    // Only while that overlap runs: a use noted after the overlap ended must not bring it back.
    this.previousUseStmt = db.prepare<[string, string]>('UPDATE connections SET previous_token_last_used_at = ? WHERE name = ? AND previous_token_expires_at IS NOT NULL');
  }

  /** Remembers a connection's replaced token (its hash), keeping the newest few. */
  retire(name: ConnectionName, generation: number, digestHex: string, at: string): void {
    this.retiredCache = undefined;
    this.retireStmt.run(name, generation, digestHex, at);
    this.retiredTrimStmt.run(name, name, RETIRED_KEPT);
  }

  /** The replaced tokens remembered (read again only when the database changed). */
  retired(): RetiredToken[] {
    const version = this.dataVersion.get()!;
    if (this.retiredCache?.version !== version) {
      this.retiredCache = { version, list: this.retiredStmt.all().map((r) => ({ connection: r.connection, generation: r.generation, digest: r.digest, retiredAt: r.retired_at })) };
    }
    return this.retiredCache.list;
  }

  /** The database files were written (by anyone): check data_version on the next read. */
  filesChanged(): void {
    this.mayHaveChanged = true;
  }

  all(): ConnectionRecord[] {
    const now = Date.now();
    if (this.cache && !this.mayHaveChanged && now - this.checkedAt < this.maxStaleMs) return this.cache;
    this.mayHaveChanged = false;
    this.checkedAt = now;
    const version = this.dataVersion.get()!;
    if (!this.cache || version !== this.cachedAt) {
      this.cache = this.allStmt.all().map(toRecord);
      this.cachedAt = version;
    }
    return this.cache;
  }

  get(name: ConnectionName): ConnectionRecord {
    return toRecord(this.oneStmt.get(name)!);
  }

  setEnabled(name: ConnectionName, enabled: boolean, now: string): void {
    this.cache = undefined;
    this.enableStmt.run(enabled ? 1 : 0, now, name);
  }

  /**
   * Records that a new token was issued; returns the new generation. `previous`: the replaced
   * token keeps working until its expiry (a rotation overlap); null: it stops now, and so does
   * the token an earlier overlap kept (one previous token at a time).
   */
  tokenIssued(name: ConnectionName, now: string, previous: { createdAt: string | null; expiresAt: string } | null = null): ConnectionRecord {
    this.cache = undefined;
    return toRecord(this.tokenStmt.get(now, now, previous?.createdAt ?? null, previous?.expiresAt ?? null, name)!);
  }

  /** The rotation overlap ends: the previous token stops working. */
  endOverlap(name: ConnectionName, now: string): void {
    this.cache = undefined;
    this.endOverlapStmt.run(now, name);
  }

  /** A request used the token `kind`: the current one's details (address, client), or the previous one's time. */
  recordUse(name: ConnectionName, kind: TokenKind, at: string, ip: string | null, agent: string | null): void {
    this.cache = undefined;
    if (kind === 'previous') this.previousUseStmt.run(at, name);
    else this.useStmt.run(at, ip, agent, name);
  }
}
