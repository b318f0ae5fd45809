/**
 * The two IdP connections (okta, entra): enabling, token issue and rotation, and the check
 * every SCIM request passes. The enable flag and a token generation counter live in SQLite,
 * the token's hash in the SecretStore. Hashes are cached per generation, so a rotation made by
 * another process (the CLI next to a running server) takes effect on the next request.
 */
import type { ConnectionStatus } from './api-types';
import { ScimError } from './scim/errors';
import { type SecretStore, SecretStoreUnavailableError, tokenAccount } from './secrets/secret-store';
import { generateToken, hashToken, sameDigest, tokenFromHeader } from './secrets/tokens';
import { type ConnectionName, type ConnectionRecord, type ConnectionsRepo } from './store/connections-repo';

/** A connection as the core knows it; the panel adds its label (ConnectionStatus). */
export type ConnectionState = Omit<ConnectionStatus, 'label'>;

export interface RequestInfo {
  readonly authorization: string | undefined;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export type AuthOutcome = { readonly connection: ConnectionName; readonly error?: undefined } | { readonly connection: ConnectionName | null; readonly error: ScimError };

class DisabledConnectionError extends ScimError {
  constructor(readonly connection: ConnectionName) {
    super(403, undefined, `The ${connection} connection is disabled in ScimDesk; enable it to accept requests`);
  }
}

function keychainUnavailable(): ScimError {
  return new ScimError(503, undefined, 'ScimDesk cannot use its OS keychain, so it cannot check SCIM tokens; see the ScimDesk app', { 'retry-after': '60' });
}

/** How often the last-use details are written for a connection that keeps being used. */
const USE_WRITE_INTERVAL_MS = 5_000;

interface CachedHash {
  readonly generation: number;
  readonly digest: Buffer | null;
}

function toState(r: ConnectionRecord): ConnectionState {
  return {
    name: r.name,
    enabled: r.enabled,
    hasToken: r.tokenGeneration > 0,
    tokenCreatedAt: r.tokenCreatedAt,
    lastUsedAt: r.lastUsedAt,
    lastUsedIp: r.lastUsedIp,
    lastUsedAgent: r.lastUsedAgent,
  };
}

export class Connections {
  /** Told when a token hash cannot be read (the keychain went away or got locked). */
  onSecretsError: ((err: SecretStoreUnavailableError) => void) | undefined;
  /**
   * Set while the secret store is known to be unusable: every SCIM request is refused (503)
   * rather than checked against anything else.
   */
  secretsUnavailable = false;
  private readonly hashes = new Map<ConnectionName, CachedHash>();
  private readonly lastUseWrite = new Map<ConnectionName, { at: number; key: string }>();

  constructor(
    private readonly repo: ConnectionsRepo,
    private readonly secrets: SecretStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get secretStore(): SecretStore {
    return this.secrets;
  }

  states(): ConnectionState[] {
    return this.repo.all().map(toState);
  }

  state(name: ConnectionName): ConnectionState {
    return toState(this.repo.get(name));
  }

  /**
   * Turns a connection on or off. The first enable issues the first token and returns it:
   * the only time it can be read. Disabling refuses that connection's requests at once.
   */
  async setEnabled(name: ConnectionName, enabled: boolean): Promise<{ state: ConnectionState; token?: string }> {
    let token: string | undefined;
    if (enabled) {
      const current = this.repo.get(name);
      const stored = current.tokenGeneration > 0 ? await this.secrets.get(tokenAccount(name)) : null;
      if (stored === null) token = await this.rotateToken(name);
    }
    this.repo.setEnabled(name, enabled, this.now().toISOString());
    return token === undefined ? { state: this.state(name) } : { state: this.state(name), token };
  }

  /** Issues a new token (returned once); the previous one is refused from the next request on. */
  async rotateToken(name: ConnectionName): Promise<string> {
    const token = generateToken();
    const digest = hashToken(token);
    await this.secrets.set(tokenAccount(name), digest.toString('hex'));
    const record = this.repo.tokenIssued(name, this.now().toISOString());
    this.hashes.set(name, { generation: record.tokenGeneration, digest });
    return token;
  }

  private async digestFor(record: ConnectionRecord): Promise<Buffer | null> {
    const cached = this.hashes.get(record.name);
    if (cached && cached.generation === record.tokenGeneration) return cached.digest;
    const hex = record.tokenGeneration > 0 ? await this.secrets.get(tokenAccount(record.name)) : null;
    if (record.tokenGeneration > 0 && hex === null) {
      // A token was issued but its hash cannot be read: a locked keyring reads as "no entry".
      throw new SecretStoreUnavailableError(
        `the ${record.name} token's hash is not readable from ${this.secrets.description} (the keyring may be locked, or the entry was removed): unlock it, or issue a new token`,
      );
    }
    const digest = hex && /^[0-9a-f]{64}$/.test(hex) ? Buffer.from(hex, 'hex') : null;
    this.hashes.set(record.name, { generation: record.tokenGeneration, digest });
    return digest;
  }

  /**
   * Which connection a request belongs to, or the SCIM error to answer: 401 for a missing or
   * unknown token, 403 for a disabled connection (whose name is still reported, for the
   * activity log), 503 when the keychain cannot be read.
   */
  async check(req: RequestInfo): Promise<AuthOutcome> {
    try {
      return { connection: await this.authenticate(req) };
    } catch (err) {
      if (err instanceof ScimError) return { connection: err instanceof DisabledConnectionError ? err.connection : null, error: err };
      throw err;
    }
  }

  private async authenticate(req: RequestInfo): Promise<ConnectionName> {
    const token = tokenFromHeader(req.authorization);
    if (token === undefined) throw ScimError.unauthorized('Missing SCIM token: send "Authorization: Bearer <token>"');
    if (this.secretsUnavailable) throw keychainUnavailable();
    const presented = hashToken(token);
    let matched: ConnectionRecord | undefined;
    let unreadable: SecretStoreUnavailableError | undefined;
    for (const record of this.repo.all()) {
      let digest: Buffer | null;
      try {
        digest = await this.digestFor(record);
      } catch (err) {
        if (!(err instanceof SecretStoreUnavailableError)) throw err;
        unreadable = err; // this connection cannot be checked; the others still can
        continue;
      }
      // Compare against every connection (no early exit) so timing says nothing about which.
      if (digest && sameDigest(presented, digest) && !matched) matched = record;
    }
    if (!matched && unreadable) {
      this.onSecretsError?.(unreadable);
      throw keychainUnavailable();
    }
    if (!matched) throw ScimError.unauthorized('The SCIM token is not valid (it may have been replaced by a new one)');
    if (!matched.enabled) throw new DisabledConnectionError(matched.name);
    this.noteUse(matched.name, req);
    return matched.name;
  }

  private noteUse(name: ConnectionName, req: RequestInfo): void {
    const now = this.now();
    const key = `${req.ip ?? ''}|${req.userAgent ?? ''}`;
    const last = this.lastUseWrite.get(name);
    if (last && last.key === key && now.getTime() - last.at < USE_WRITE_INTERVAL_MS) return;
    this.lastUseWrite.set(name, { at: now.getTime(), key });
    this.repo.recordUse(name, now.toISOString(), req.ip, req.userAgent);
  }
}
