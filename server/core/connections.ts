/**
 * The two IdP connections (okta, entra): enabling, token issue and rotation, whether the
 * secret store works, and the check every SCIM request passes. The enable flag and a token
 * generation counter live in SQLite, the token's hash in the SecretStore. Hashes are cached per
 * generation and overlap expiry, so a rotation or an overlap ended by another process (the CLI
 * next to a running server) takes effect on the next request. The CLI and the desktop app both manage connections through the
 * methods here, and get the same answers and the same errors.
 *
 * A rotation may keep the replaced token working for a while (an overlap, as Stripe's key roll
 * does), so the IdP is not locked out until someone pastes the new token: its hash then sits in
 * the SecretStore beside the current one, with its expiry, and SQLite says the overlap runs
 * (and until when). One previous token at a time; a rotation without an overlap ends it.
 */
import { CONNECTION_LABELS, type ConnectionName } from '../../contract/connections';
import type { TokenOverlap } from '../../contract/choices';
import type { AppStatus, ConnectionHealth, ConnectionStatus, PreviousToken, TokenResult } from '../../contract/model';
import { Emitter } from '../base/emitter';
import { ScimError } from '../scim/errors';
import { decodePreviousToken, encodePreviousToken } from '../secrets/previous-token';
import { type SecretStore, SecretStoreBusyError, SecretStoreUnavailableError, checkSecretStore, previousTokenAccount, tokenAccount } from '../secrets/secret-store';
import { generateToken, hashToken, retiredFingerprint, sameDigest, tokenFromHeader } from '../secrets/tokens';
import type { ConnectionRecord, ConnectionsRepo, RetiredToken, TokenKind } from '../store/connections-repo';
import { ServiceError } from './errors';
import { clock } from './explain';

export type { TokenKind };

export interface RequestInfo {
  readonly authorization: string | undefined;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

/**
 * Why a request was refused, for the request log's explanation: no token; a token no connection
 * ever had; a token a connection had before it was replaced (`claimed`, `replacedAt`); a
 * disabled connection; a secret store that cannot be read.
 */
export type AuthReason = 'missing' | 'unknown' | 'replaced' | 'disabled' | 'secrets-unavailable';

export interface Refusal {
  readonly reason: AuthReason;
  /** The connection the token belongs or belonged to. */
  readonly claimed?: ConnectionName;
  /** When the presented token was replaced (reason "replaced"). */
  readonly replacedAt?: string;
}

/** `token`: which of the connection's tokens the request presented (null: none of them). */
export type AuthOutcome =
  | { readonly connection: ConnectionName; readonly token: TokenKind; readonly error?: undefined; readonly refusal?: undefined; readonly simulated?: boolean }
  | { readonly connection: ConnectionName | null; readonly token: TokenKind | null; readonly error: ScimError; readonly refusal: Refusal; readonly simulated?: boolean };

/** What the connections say about the secret store (AppStatus.secrets). */
export type SecretsStatus = AppStatus['secrets'];

export interface ConnectionsEvents {
  /** A connection was enabled, disabled or got a new token, or the secret store's health changed. */
  change: null;
}

export interface ConnectionsOptions {
  /** How often an unusable secret store is probed again. */
  readonly secretsRetryMs?: number;
  /** The clock token overlaps run on (tests make an hour pass with it). */
  readonly now?: () => Date;
  /** How a connection's requests have been going (the request log knows). */
  readonly health?: (name: ConnectionName, enabled: boolean) => ConnectionHealth;
  /**
   * Runs a token change while no other ScimDesk process (the CLI, the desktop app, a server)
   * changes tokens on the same data folder: a rotation is several steps in two stores, and two
   * interleaved ones lost a hash. Default: only this process's own changes are serialised.
   */
  readonly exclusive?: <T>(work: () => Promise<T>) => Promise<T>;
}

/** The source (created_by, modified_by) of the records the simulator writes: "okta-simulated". */
export function simulatedSource(name: ConnectionName): string {
  return `${name}-simulated`;
}

/**
 * How long a simulator token works at most: the run revokes it when it ends (in a finally),
 * this is the backstop for a run that never got there (the process froze, a bug).
 */
const SIMULATOR_TOKEN_MS = 15 * 60_000;

/** A simulator credential: its hash (memory only), its connection, when it stops working. */
interface SimulatorHash {
  readonly connection: ConnectionName;
  readonly digest: Buffer;
  readonly expiresMs: number;
}

/** How often the last-use details are written for a connection that keeps being used. */
const USE_WRITE_INTERVAL_MS = 5_000;

/** How long each overlap choice keeps the replaced token working. */
const OVERLAP_MS: Readonly<Record<TokenOverlap, number>> = { none: 0, '1h': 3_600_000, '24h': 86_400_000 };

/** setTimeout's longest delay (a longer one fires at once). */
const MAX_TIMER_MS = 2_147_483_647;

/** The answer while the secret store cannot be read: nothing can be checked, so nothing is let in. */
const secretsUnavailable = (kind: SecretStore['kind']): ScimError =>
  ScimError.unavailable(`ScimDesk cannot read its ${kind === 'file' ? 'token file' : 'OS keychain'}, so it cannot check SCIM tokens; see the ScimDesk app`, 60);

interface CachedHash {
  readonly generation: number;
  /** The overlap these hashes were read for (its expiry in SQLite; null: none). */
  readonly overlap: string | null;
  readonly digest: Buffer | null;
  /** During an overlap: the replaced token's hash and when it stops working (ms since the epoch). */
  readonly previous: { readonly digest: Buffer; readonly expiresMs: number } | null;
  /**
   * The generation has a token but the store, which works, holds no hash for it (an entry
   * removed, a rotation that did not finish): the connection needs a new token. When this was
   * found, so the entry is looked for again now and then (a restored secrets file).
   */
  readonly missingSince?: number;
}

/** A disabled connection's answer: 403, with its name kept for the activity log. */
function disabled(name: ConnectionName, token: TokenKind): AuthOutcome {
  const error = ScimError.forbidden(`The ${CONNECTION_LABELS[name]} connection is disabled in ScimDesk; enable it to accept requests`);
  return { connection: name, token, error, refusal: { reason: 'disabled', claimed: name } };
}

const IDLE: ConnectionHealth = { state: 'idle', sentence: 'No requests yet', lastSuccessAt: null, lastFailureAt: null, failuresLastHour: 0 };

function toStatus(r: ConnectionRecord, health: ConnectionHealth, previousToken: PreviousToken | null): ConnectionStatus {
  return {
    health,
    name: r.name,
    label: CONNECTION_LABELS[r.name],
    enabled: r.enabled,
    hasToken: r.tokenGeneration > 0,
    tokenCreatedAt: r.tokenCreatedAt,
    lastUsedAt: r.lastUsedAt,
    lastUsedIp: r.lastUsedIp,
    lastUsedAgent: r.lastUsedAgent,
    previousToken,
  };
}

export class Connections {
  private readonly events = new Emitter<ConnectionsEvents>();
  /**
   * Why the secret store is unusable, or null when it works. While it is set every SCIM
   * request is refused (503) rather than checked against anything else, and the store is
   * probed again every secretsRetryMs, so unlocking the keyring brings ScimDesk back without
   * a restart.
   */
  private secretsProblem: string | null = null;
  private secretsRetry: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly hashes = new Map<ConnectionName, CachedHash>();
  /**
   * The simulator's short-lived tokens, by id: only their hashes, and only here (never the
   * secret store, SQLite, a file or a log), so they die with the run or the process.
   */
  private readonly simulatorHashes = new Map<number, SimulatorHash>();
  private nextSimulatorId = 1;
  /** Per connection and token kind (`okta|current`): when its last use was written, and by whom. */
  private readonly lastUseWrite = new Map<string, { at: number; key: string }>();
  private readonly now: () => Date;
  /** This process's token changes, one at a time (the tail of the queue). */
  private changes: Promise<unknown> = Promise.resolve();
  private probing: Promise<void> | undefined;
  /** Announces the end of the earliest overlap (the status's previous token goes): its expiry and timer. */
  private expiryTimer: { readonly at: string; readonly timer: NodeJS.Timeout } | undefined;

  constructor(
    private readonly repo: ConnectionsRepo,
    readonly secretStore: SecretStore,
    private readonly options: ConnectionsOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Subscribe to an event; returns the unsubscribe function. */
  on<K extends keyof ConnectionsEvents>(event: K, listener: (payload: ConnectionsEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  statuses(): ConnectionStatus[] {
    const records = this.repo.all();
    this.announceExpiry(records);
    return records.map((r) => this.toStatus(r));
  }

  status(name: ConnectionName): ConnectionStatus {
    return this.toStatus(this.repo.get(name));
  }

  private toStatus(r: ConnectionRecord): ConnectionStatus {
    const previous = this.previousOf(r);
    return toStatus(r, this.healthOf(r, previous), previous);
  }

  /**
   * The replaced token, while it still works: the overlap has not ended, and (once this process
   * has read the store) its hash is there.
   */
  private previousOf(r: ConnectionRecord): PreviousToken | null {
    if (!r.previous || Date.parse(r.previous.expiresAt) <= this.now().getTime()) return null;
    const cached = this.hashes.get(r.name);
    if (cached && this.fresh(cached, r) && cached.previous === null) return null;
    return { createdAt: r.previous.createdAt, expiresAt: r.previous.expiresAt, lastUsedAt: r.previous.lastUsedAt };
  }

  /** A status event when the earliest overlap ends, so a panel stops showing a token that no longer works. */
  private announceExpiry(records: readonly ConnectionRecord[]): void {
    const now = this.now().getTime();
    const next = records
      .map((r) => r.previous?.expiresAt)
      .filter((at): at is string => at !== undefined && Date.parse(at) > now)
      .sort()[0];
    if (this.expiryTimer?.at === next || this.closed) return;
    clearTimeout(this.expiryTimer?.timer);
    this.expiryTimer = undefined;
    if (next === undefined) return;
    const timer = setTimeout(
      () => {
        this.expiryTimer = undefined;
        this.events.emit('change', null);
      },
      Math.min(Date.parse(next) - now + 1, MAX_TIMER_MS),
    );
    timer.unref();
    this.expiryTimer = { at: next, timer };
  }

  private healthOf(r: ConnectionRecord, previous: PreviousToken | null): ConnectionHealth {
    const health = this.options.health?.(r.name, r.enabled) ?? IDLE;
    const cached = this.hashes.get(r.name);
    const label = CONNECTION_LABELS[r.name];
    if (cached?.missingSince === undefined || cached.generation !== r.tokenGeneration) {
      // Succeeding with the replaced token is fine for now: the sentence says until when.
      const stillPrevious = previous?.lastUsedAt && previous.lastUsedAt >= (r.lastUsedAt ?? '');
      if (health.state !== 'ok' || !stillPrevious) return health;
      return { ...health, sentence: `${label} still uses the previous token, which stops working at ${clock(previous.expiresAt, this.now())}` };
    }
    return {
      ...health,
      state: 'needs-token',
      sentence: `${label} needs a new token: ${this.secretStore.description} has no hash for its token (removed, or a token change that did not finish), so ${label}'s requests are refused — issue one with New SCIM Token (or "token new --connection ${r.name}") and paste it in ${label}`,
    };
  }

  /**
   * Reads every connection's token hash (a connection whose hash is missing then shows "needs a
   * new token"), for a status from a process that has not checked a token yet: the CLI's
   * `status`, a server that starts. A store that cannot be read shows in secretsStatus().
   */
  async checkTokens(): Promise<void> {
    for (const record of this.repo.all()) {
      try {
        await this.hashesFor(record);
      } catch (err) {
        if (!(err instanceof SecretStoreUnavailableError)) throw err;
        this.setSecretsProblem(err.message);
        return;
      }
    }
  }

  secretsStatus(): SecretsStatus {
    return { kind: this.secretStore.kind, ok: this.secretsProblem === null, message: this.secretsProblem };
  }

  /**
   * Turns a connection on or off. The first enable issues the first token and returns it:
   * the only time it can be read. Disabling refuses that connection's requests at once.
   */
  async setEnabled(name: ConnectionName, enabled: boolean): Promise<{ connection: ConnectionStatus; token: string | null }> {
    const token = await this.withSecrets(async () => {
      if (!enabled) return null;
      return this.exclusively(async () => {
        const current = this.repo.get(name);
        const stored = current.tokenGeneration > 0 ? await this.secretStore.get(tokenAccount(name)) : null;
        return stored === null ? this.issueToken(name) : null;
      });
    });
    this.repo.setEnabled(name, enabled, this.now().toISOString());
    this.events.emit('change', null);
    return { connection: this.status(name), token };
  }

  /**
   * A new token, returned once. The one it replaces is refused from the next request on, or
   * with an overlap ('1h', '24h') keeps working until then (and the one an earlier overlap
   * kept stops: one previous token at a time).
   */
  async rotateToken(name: ConnectionName, overlap: TokenOverlap = 'none'): Promise<TokenResult> {
    const token = await this.withSecrets(() => this.exclusively(() => this.issueToken(name, OVERLAP_MS[overlap])));
    this.events.emit('change', null);
    return { connection: this.status(name), token };
  }

  /** Ends a rotation overlap early: the previous token is refused from the next request on. */
  async endTokenOverlap(name: ConnectionName): Promise<ConnectionStatus> {
    await this.withSecrets(() =>
      this.exclusively(async () => {
        const record = this.repo.get(name);
        if (!record.previous || Date.parse(record.previous.expiresAt) <= this.now().getTime()) {
          throw new ServiceError('not-allowed', `${CONNECTION_LABELS[name]} has no previous token that still works: there is no overlap to end`);
        }
        // SQLite first: every process (a server next to the CLI) stops accepting the token on
        // its next request; the hash goes from the store after.
        this.repo.endOverlap(name, this.now().toISOString());
        // Best effort: with SQLite saying no overlap runs, no process reads this entry any more
        // (a later overlap overwrites it), so a store that fails here does not undo the end.
        await this.secretStore.delete(previousTokenAccount(name)).catch(() => false);
      }),
    );
    this.events.emit('change', null);
    return this.status(name);
  }

  /**
   * A token for the simulator to play `name`'s IdP with: it authenticates as that connection
   * (refused like it when disabled) but marks its requests as simulated. Kept in memory as a
   * hash; `revoke` ends it (the run calls it in a finally), and it expires after `ttlMs` anyway.
   * The connection's real token is untouched.
   */
  issueSimulatorToken(name: ConnectionName, ttlMs = SIMULATOR_TOKEN_MS): { readonly token: string; readonly revoke: () => void } {
    const token = generateToken();
    const id = this.nextSimulatorId++;
    this.simulatorHashes.set(id, { connection: name, digest: hashToken(token), expiresMs: this.now().getTime() + ttlMs });
    return { token, revoke: () => void this.simulatorHashes.delete(id) };
  }

  /** The connection a simulator token stands for, compared with every live one (no early exit). */
  private simulatorMatch(presented: Buffer): ConnectionName | undefined {
    if (this.simulatorHashes.size === 0) return undefined;
    const nowMs = this.now().getTime();
    let found: ConnectionName | undefined;
    for (const [id, entry] of this.simulatorHashes) {
      if (entry.expiresMs <= nowMs) {
        this.simulatorHashes.delete(id);
        continue;
      }
      if (sameDigest(presented, entry.digest) && !found) found = entry.connection;
    }
    return found;
  }

  /** Runs a token change after this process's earlier ones, under the cross-process lock. */
  private exclusively<T>(work: () => Promise<T>): Promise<T> {
    const exclusive = this.options.exclusive ?? ((w: () => Promise<T>) => w());
    const run = this.changes.then(() => exclusive(work));
    this.changes = run.catch(() => undefined);
    return run;
  }

  /**
   * One rotation: the store gets the new hashes before SQLite gets the new generation, so a
   * server that sees the new generation (its cue to read the hashes again) reads the new ones.
   * Called only under exclusively(): the hash read here is still the current one when replaced.
   * With an overlap (`overlapMs` > 0) the replaced hash goes to the previous-token entry first
   * (a server still on the old generation does not read that entry again until it sees the new
   * one); without, that entry is removed after SQLite says no overlap runs.
   */
  private async issueToken(name: ConnectionName, overlapMs = 0): Promise<string> {
    const token = generateToken();
    const digest = hashToken(token);
    const before = this.repo.get(name);
    const replaced = before.tokenGeneration > 0 ? ((await this.hashesFor(before).catch(() => null))?.digest ?? null) : null;
    const at = this.now();
    const kept = overlapMs > 0 && replaced ? { createdAt: before.tokenCreatedAt, expiresAt: new Date(at.getTime() + overlapMs).toISOString() } : null;
    if (kept && replaced) await this.secretStore.set(previousTokenAccount(name), encodePreviousToken({ sha256: replaced.toString('hex'), ...kept }));
    await this.secretStore.set(tokenAccount(name), digest.toString('hex'));
    const now = at.toISOString();
    const record = this.repo.tokenIssued(name, now, kept);
    // Its fingerprint tells a later 401 "this is the token Okta had", also once an overlap ends.
    if (replaced) this.repo.retire(name, before.tokenGeneration, retiredFingerprint(replaced).toString('hex'), now);
    if (!kept && before.previous) await this.secretStore.delete(previousTokenAccount(name)).catch(() => false);
    this.hashes.set(name, { generation: record.tokenGeneration, overlap: kept?.expiresAt ?? null, digest, previous: kept && replaced ? { digest: replaced, expiresMs: Date.parse(kept.expiresAt) } : null });
    // The new token's first use is written at once (not held back as a repeat of the old one's).
    this.lastUseWrite.delete(`${name}|current`);
    this.lastUseWrite.delete(`${name}|previous`);
    return token;
  }

  /** Runs a use of the secret store: its failure becomes the store's problem and a ServiceError. */
  private async withSecrets<T>(work: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await work();
    } catch (err) {
      // Another process holds the token lock too long: this change is refused, the store is fine.
      if (err instanceof SecretStoreBusyError) throw new ServiceError('keychain-unavailable', err.message);
      if (!(err instanceof SecretStoreUnavailableError)) throw err;
      this.setSecretsProblem(err.message);
      throw new ServiceError('keychain-unavailable', err.message);
    }
    if (this.secretsProblem !== null) await this.checkSecrets();
    return result;
  }

  /** One probe at a time in this process: two at once would write the same probe entry. */
  private probeStore(): Promise<void> {
    this.probing ??= checkSecretStore(this.secretStore).finally(() => {
      this.probing = undefined;
    });
    return this.probing;
  }

  /** Probes the secret store (write, read back, delete); the result shows in secretsStatus(). */
  async checkSecrets(): Promise<SecretsStatus> {
    try {
      await this.probeStore();
      this.setSecretsProblem(null);
    } catch (err) {
      if (err instanceof SecretStoreBusyError) return this.secretsStatus(); // busy, not broken: the next probe tells
      if (!(err instanceof SecretStoreUnavailableError)) throw err;
      this.setSecretsProblem(err.message);
    }
    return this.secretsStatus();
  }

  private setSecretsProblem(message: string | null): void {
    const changed = message !== this.secretsProblem;
    this.secretsProblem = message;
    clearTimeout(this.secretsRetry);
    if (message !== null && !this.closed) {
      this.secretsRetry = setTimeout(() => void this.checkSecrets().catch(() => undefined), this.options.secretsRetryMs ?? 30_000);
      this.secretsRetry.unref();
    }
    if (changed) this.events.emit('change', null);
  }

  /** Stops probing the secret store and announcing changes (the core is closing). */
  close(): void {
    this.closed = true;
    clearTimeout(this.secretsRetry);
    clearTimeout(this.expiryTimer?.timer);
    this.events.clear();
  }

  /** Cached hashes still stand for the record: same generation, same overlap, not due for another look. */
  private fresh(cached: CachedHash, record: ConnectionRecord): boolean {
    return cached.generation === record.tokenGeneration && cached.overlap === (record.previous?.expiresAt ?? null) && !this.lookAgain(cached);
  }

  private async hashesFor(record: ConnectionRecord): Promise<CachedHash> {
    const cached = this.hashes.get(record.name);
    if (cached && this.fresh(cached, record)) return cached;
    const overlap = record.previous?.expiresAt ?? null;
    const hex = record.tokenGeneration > 0 ? await this.secretStore.get(tokenAccount(record.name)) : null;
    if (record.tokenGeneration > 0 && hex === null) {
      // A token was issued but the store has no hash for it. A locked keyring reads as "no
      // entry" too: the probe (write, read back, delete) tells a store that cannot be read
      // (SecretStoreUnavailableError: nothing can be checked) from an entry that is gone (only
      // this connection needs a new token; the others go on).
      await this.probeStore();
      const found = cached?.generation === record.tokenGeneration && cached.missingSince !== undefined;
      const missing = { generation: record.tokenGeneration, overlap, digest: null, previous: null, missingSince: this.now().getTime() };
      this.hashes.set(record.name, missing);
      if (!found) this.events.emit('change', null);
      return missing;
    }
    const digest = hex && /^[0-9a-f]{64}$/.test(hex) ? Buffer.from(hex, 'hex') : null;
    const entry: CachedHash = { generation: record.tokenGeneration, overlap, digest, previous: overlap === null ? null : await this.previousHash(record.name, overlap) };
    this.hashes.set(record.name, entry);
    return entry;
  }

  /**
   * The replaced token's hash while SQLite says an overlap runs. It stops working at the earlier
   * of the two expiries (they agree unless a change was cut short); no entry: it does not work.
   */
  private async previousHash(name: ConnectionName, overlap: string): Promise<CachedHash['previous']> {
    const entry = decodePreviousToken(await this.secretStore.get(previousTokenAccount(name)));
    if (!entry) return null;
    return { digest: Buffer.from(entry.sha256, 'hex'), expiresMs: Math.min(Date.parse(entry.expiresAt), Date.parse(overlap)) };
  }

  /** A missing hash is looked for again after secretsRetryMs (someone may have restored it). */
  private lookAgain(cached: CachedHash): boolean {
    return cached.missingSince !== undefined && this.now().getTime() - cached.missingSince >= (this.options.secretsRetryMs ?? 30_000);
  }

  /** The cached hashes of each record's tokens, or undefined when some must be read. */
  private cachedHashes(records: readonly ConnectionRecord[]): (CachedHash | null)[] | undefined {
    const hashes: CachedHash[] = [];
    for (const record of records) {
      const cached = this.hashes.get(record.name);
      if (!cached || !this.fresh(cached, record)) return undefined;
      hashes.push(cached);
    }
    return hashes;
  }

  /**
   * Which connection a request belongs to, or the SCIM error to answer: 401 for a missing or
   * unknown token (also the token of a connection whose hash is missing), 403 for a disabled
   * connection (whose name is still reported, for the activity log), 503 when the secret store
   * cannot be read.
   *
   * Answered synchronously when every connection's hash is cached (every request but the
   * first after a start or a rotation): the auth hook then needs no promise per request. With
   * the async hook and one await per connection, the check cost ~12 µs of a ~160 µs lookup.
   */
  check(req: RequestInfo): AuthOutcome | Promise<AuthOutcome> {
    const token = tokenFromHeader(req.authorization);
    if (token === undefined) return { connection: null, token: null, error: ScimError.unauthorized('Missing SCIM token: send "Authorization: Bearer <token>"'), refusal: { reason: 'missing' } };
    if (this.secretsProblem !== null) return this.unavailable();
    const records = this.repo.all();
    const hashes = this.cachedHashes(records);
    if (hashes) return this.decide(req, hashToken(token), records, hashes, undefined);
    return this.checkReading(req, token, records);
  }

  /** check() when some hash has to be read from the secret store first. */
  private async checkReading(req: RequestInfo, token: string, records: readonly ConnectionRecord[]): Promise<AuthOutcome> {
    const presented = hashToken(token);
    const hashes: (CachedHash | null)[] = [];
    let unreadable: SecretStoreUnavailableError | undefined;
    for (const record of records) {
      try {
        hashes.push(await this.hashesFor(record));
      } catch (err) {
        if (!(err instanceof SecretStoreUnavailableError)) throw err;
        unreadable = err; // this connection cannot be checked; the others still can
        hashes.push(null);
      }
    }
    return this.decide(req, presented, records, hashes, unreadable);
  }

  private decide(req: RequestInfo, presented: Buffer, records: readonly ConnectionRecord[], hashes: readonly (CachedHash | null)[], unreadable: SecretStoreUnavailableError | undefined): AuthOutcome {
    let matched: ConnectionRecord | undefined;
    let kind: TokenKind = 'current';
    // Compare against every connection (no early exit) so timing says nothing about which.
    for (let i = 0; i < records.length; i++) {
      const digest = hashes[i]?.digest;
      if (digest && sameDigest(presented, digest) && !matched) matched = records[i];
    }
    // Then the replaced tokens of running overlaps, each compared whether or not one matched
    // already; an expired one is compared too, and refused like any replaced token.
    let nowMs: number | undefined;
    for (let i = 0; i < records.length; i++) {
      const previous = hashes[i]?.previous;
      if (!previous || !sameDigest(presented, previous.digest) || matched) continue;
      nowMs ??= this.now().getTime();
      if (previous.expiresMs > nowMs) {
        matched = records[i];
        kind = 'previous';
      }
    }
    // The simulator's tokens: a request with one is that connection's, marked as simulated.
    const simulated = matched ? undefined : this.simulatorMatch(presented);
    if (simulated) {
      const enabled = records.find((r) => r.name === simulated)?.enabled === true;
      // Not the connection's last use: that tells the admin when the real IdP last called.
      return enabled ? { connection: simulated, token: 'current', simulated: true } : { ...disabled(simulated, 'current'), simulated: true };
    }
    if (!matched && unreadable) {
      this.setSecretsProblem(unreadable.message);
      return this.unavailable();
    }
    if (!matched) return { connection: null, token: null, error: ScimError.unauthorized('The SCIM token is not valid (it may have been replaced by a new one)'), refusal: this.unknownToken(presented) };
    if (!matched.enabled) return disabled(matched.name, kind);
    this.noteUse(matched.name, kind, req);
    return { connection: matched.name, token: kind };
  }

  /** The answer while the secret store cannot be read: nothing can be checked, so nothing is let in. */
  private unavailable(): AuthOutcome {
    return { connection: null, token: null, error: secretsUnavailable(this.secretStore.kind), refusal: { reason: 'secrets-unavailable' } };
  }

  /** A token no connection has now: one that was replaced (which, since when), or unknown. */
  private unknownToken(presented: Buffer): Refusal {
    let found: RetiredToken | undefined;
    const fingerprint = retiredFingerprint(presented);
    try {
      for (const retired of this.repo.retired()) {
        if (sameDigest(fingerprint, Buffer.from(retired.digest, 'hex')) && !found) found = retired;
      }
    } catch {
      /* the explanation is a courtesy: a store that cannot be read leaves it at "unknown" */
    }
    return found ? { reason: 'replaced', claimed: found.connection, replacedAt: found.retiredAt } : { reason: 'unknown' };
  }

  /** Writes when a token was last used (each of a connection's two tokens on its own). */
  private noteUse(name: ConnectionName, kind: TokenKind, req: RequestInfo): void {
    const now = this.now();
    const key = `${req.ip ?? ''}|${req.userAgent ?? ''}`;
    const which = `${name}|${kind}`;
    const last = this.lastUseWrite.get(which);
    if (last && last.key === key && now.getTime() - last.at < USE_WRITE_INTERVAL_MS) return;
    this.lastUseWrite.set(which, { at: now.getTime(), key });
    try {
      this.repo.recordUse(name, kind, now.toISOString(), req.ip, req.userAgent);
    } catch {
      // Last-use details are a courtesy: a full disk or a locked database must not refuse a valid token.
      this.lastUseWrite.delete(which);
    }
  }
}
