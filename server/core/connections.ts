/**
 * The two IdP connections (okta, entra): enabling, token issue and rotation, whether the
 * secret store works, and the check every SCIM request passes. The enable flag and a token
 * generation counter live in SQLite, the token's hash in the SecretStore. Hashes are cached per
 * generation, so a rotation made by another process (the CLI next to a running server) takes
 * effect on the next request. The CLI and the desktop app both manage connections through the
 * methods here, and get the same answers and the same errors.
 */
import { CONNECTION_LABELS, type ConnectionName } from '../../contract/connections';
import type { AppStatus, ConnectionHealth, ConnectionStatus, TokenResult } from '../../contract/model';
import { Emitter } from '../base/emitter';
import { ScimError } from '../scim/errors';
import { type SecretStore, SecretStoreBusyError, SecretStoreUnavailableError, checkSecretStore, tokenAccount } from '../secrets/secret-store';
import { generateToken, hashToken, retiredFingerprint, sameDigest, tokenFromHeader } from '../secrets/tokens';
import type { ConnectionRecord, ConnectionsRepo, RetiredToken } from '../store/connections-repo';
import { ServiceError } from './errors';

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

export type AuthOutcome =
  | { readonly connection: ConnectionName; readonly error?: undefined; readonly refusal?: undefined }
  | { readonly connection: ConnectionName | null; readonly error: ScimError; readonly refusal: Refusal };

/** What the connections say about the secret store (AppStatus.secrets). */
export type SecretsStatus = AppStatus['secrets'];

export interface ConnectionsEvents {
  /** A connection was enabled, disabled or got a new token, or the secret store's health changed. */
  change: null;
}

export interface ConnectionsOptions {
  /** How often an unusable secret store is probed again. */
  readonly secretsRetryMs?: number;
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

/** How often the last-use details are written for a connection that keeps being used. */
const USE_WRITE_INTERVAL_MS = 5_000;

/** The answer while the secret store cannot be read: nothing can be checked, so nothing is let in. */
const secretsUnavailable = (kind: SecretStore['kind']): ScimError =>
  ScimError.unavailable(`ScimDesk cannot read its ${kind === 'file' ? 'token file' : 'OS keychain'}, so it cannot check SCIM tokens; see the ScimDesk app`, 60);

interface CachedHash {
  readonly generation: number;
  readonly digest: Buffer | null;
  /**
   * The generation has a token but the store, which works, holds no hash for it (an entry
   * removed, a rotation that did not finish): the connection needs a new token. When this was
   * found, so the entry is looked for again now and then (a restored secrets file).
   */
  readonly missingSince?: number;
}

const IDLE: ConnectionHealth = { state: 'idle', sentence: 'No requests yet', lastSuccessAt: null, lastFailureAt: null, failuresLastHour: 0 };

function toStatus(r: ConnectionRecord, health: ConnectionHealth): ConnectionStatus {
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
    previousToken: null, // rotation overlap: issue 12 point 6, server part follows
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
  private readonly lastUseWrite = new Map<ConnectionName, { at: number; key: string }>();
  private readonly now: () => Date;
  /** This process's token changes, one at a time (the tail of the queue). */
  private changes: Promise<unknown> = Promise.resolve();
  private probing: Promise<void> | undefined;

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
    return this.repo.all().map((r) => toStatus(r, this.healthOf(r)));
  }

  status(name: ConnectionName): ConnectionStatus {
    const r = this.repo.get(name);
    return toStatus(r, this.healthOf(r));
  }

  private healthOf(r: ConnectionRecord): ConnectionHealth {
    const health = this.options.health?.(r.name, r.enabled) ?? IDLE;
    const cached = this.hashes.get(r.name);
    if (cached?.missingSince === undefined || cached.generation !== r.tokenGeneration) return health;
    const label = CONNECTION_LABELS[r.name];
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
        await this.digestFor(record);
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

  /** A new token, returned once; the previous one is refused from the next request on. */
  async rotateToken(name: ConnectionName): Promise<TokenResult> {
    const token = await this.withSecrets(() => this.exclusively(() => this.issueToken(name)));
    this.events.emit('change', null);
    return { connection: this.status(name), token };
  }

  /** Runs a token change after this process's earlier ones, under the cross-process lock. */
  private exclusively<T>(work: () => Promise<T>): Promise<T> {
    const exclusive = this.options.exclusive ?? ((w: () => Promise<T>) => w());
    const run = this.changes.then(() => exclusive(work));
    this.changes = run.catch(() => undefined);
    return run;
  }

  /**
   * One rotation: the store gets the new hash before SQLite gets the new generation, so a server
   * that sees the new generation (its cue to read the hash again) reads the new hash. Called
   * only under exclusively(): the previous hash read here is still the current one when replaced.
   */
  private async issueToken(name: ConnectionName): Promise<string> {
    const token = generateToken();
    const digest = hashToken(token);
    const previous = this.repo.get(name);
    const previousDigest = previous.tokenGeneration > 0 ? await this.digestFor(previous).catch(() => null) : null;
    await this.secretStore.set(tokenAccount(name), digest.toString('hex'));
    const now = this.now().toISOString();
    const record = this.repo.tokenIssued(name, now);
    if (previousDigest) this.repo.retire(name, previous.tokenGeneration, retiredFingerprint(previousDigest).toString('hex'), now);
    this.hashes.set(name, { generation: record.tokenGeneration, digest });
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
    this.events.clear();
  }

  private async digestFor(record: ConnectionRecord): Promise<Buffer | null> {
    const cached = this.hashes.get(record.name);
    if (cached && cached.generation === record.tokenGeneration && !this.lookAgain(cached)) return cached.digest;
    const hex = record.tokenGeneration > 0 ? await this.secretStore.get(tokenAccount(record.name)) : null;
    if (record.tokenGeneration > 0 && hex === null) {
      // A token was issued but the store has no hash for it. A locked keyring reads as "no
      // entry" too: the probe (write, read back, delete) tells a store that cannot be read
      // (SecretStoreUnavailableError: nothing can be checked) from an entry that is gone (only
      // this connection needs a new token; the others go on).
      await this.probeStore();
      const found = cached?.generation === record.tokenGeneration && cached.missingSince !== undefined;
      this.hashes.set(record.name, { generation: record.tokenGeneration, digest: null, missingSince: this.now().getTime() });
      if (!found) this.events.emit('change', null);
      return null;
    }
    const digest = hex && /^[0-9a-f]{64}$/.test(hex) ? Buffer.from(hex, 'hex') : null;
    this.hashes.set(record.name, { generation: record.tokenGeneration, digest });
    return digest;
  }

  /** A missing hash is looked for again after secretsRetryMs (someone may have restored it). */
  private lookAgain(cached: CachedHash): boolean {
    return cached.missingSince !== undefined && this.now().getTime() - cached.missingSince >= (this.options.secretsRetryMs ?? 30_000);
  }

  /** The cached digest of each record's current token generation, or undefined when one must be read. */
  private cachedDigests(records: readonly ConnectionRecord[]): (Buffer | null)[] | undefined {
    const digests: (Buffer | null)[] = [];
    for (const record of records) {
      const cached = this.hashes.get(record.name);
      if (!cached || cached.generation !== record.tokenGeneration || this.lookAgain(cached)) return undefined;
      digests.push(cached.digest);
    }
    return digests;
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
    if (token === undefined) return { connection: null, error: ScimError.unauthorized('Missing SCIM token: send "Authorization: Bearer <token>"'), refusal: { reason: 'missing' } };
    if (this.secretsProblem !== null) return this.unavailable();
    const records = this.repo.all();
    const digests = this.cachedDigests(records);
    if (digests) return this.decide(req, hashToken(token), records, digests, undefined);
    return this.checkReading(req, token, records);
  }

  /** check() when some hash has to be read from the secret store first. */
  private async checkReading(req: RequestInfo, token: string, records: readonly ConnectionRecord[]): Promise<AuthOutcome> {
    const presented = hashToken(token);
    const digests: (Buffer | null)[] = [];
    let unreadable: SecretStoreUnavailableError | undefined;
    for (const record of records) {
      try {
        digests.push(await this.digestFor(record));
      } catch (err) {
        if (!(err instanceof SecretStoreUnavailableError)) throw err;
        unreadable = err; // this connection cannot be checked; the others still can
        digests.push(null);
      }
    }
    return this.decide(req, presented, records, digests, unreadable);
  }

  private decide(req: RequestInfo, presented: Buffer, records: readonly ConnectionRecord[], digests: readonly (Buffer | null)[], unreadable: SecretStoreUnavailableError | undefined): AuthOutcome {
    let matched: ConnectionRecord | undefined;
    for (let i = 0; i < records.length; i++) {
      const digest = digests[i];
      // Compare against every connection (no early exit) so timing says nothing about which.
      if (digest && sameDigest(presented, digest) && !matched) matched = records[i];
    }
    if (!matched && unreadable) {
      this.setSecretsProblem(unreadable.message);
      return this.unavailable();
    }
    if (!matched) return { connection: null, error: ScimError.unauthorized('The SCIM token is not valid (it may have been replaced by a new one)'), refusal: this.unknownToken(presented) };
    if (!matched.enabled) {
      const label = CONNECTION_LABELS[matched.name];
      return { connection: matched.name, error: ScimError.forbidden(`The ${label} connection is disabled in ScimDesk; enable it to accept requests`), refusal: { reason: 'disabled', claimed: matched.name } };
    }
    this.noteUse(matched.name, req);
    return { connection: matched.name };
  }

  /** The answer while the secret store cannot be read: nothing can be checked, so nothing is let in. */
  private unavailable(): AuthOutcome {
    return { connection: null, error: secretsUnavailable(this.secretStore.kind), refusal: { reason: 'secrets-unavailable' } };
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

  private noteUse(name: ConnectionName, req: RequestInfo): void {
    const now = this.now();
    const key = `${req.ip ?? ''}|${req.userAgent ?? ''}`;
    const last = this.lastUseWrite.get(name);
    if (last && last.key === key && now.getTime() - last.at < USE_WRITE_INTERVAL_MS) return;
    this.lastUseWrite.set(name, { at: now.getTime(), key });
    try {
      this.repo.recordUse(name, now.toISOString(), req.ip, req.userAgent);
    } catch {
      // Last-use details are a courtesy: a full disk or a locked database must not refuse a valid token.
      this.lastUseWrite.delete(name);
    }
  }
}
