/**
 * Opt-in secret store for headless hosts with no OS keychain (`--secret-store file`): a JSON
 * file readable by its owner only (0600) that holds token hashes, never tokens. It is never
 * chosen silently.
 */
import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileLock } from './file-lock';
import { type SecretStore, SecretStoreUnavailableError } from './secret-store';

export const SECRETS_FILE = 'secrets.json';

export class FileSecretStore implements SecretStore {
  readonly kind = 'file' as const;
  readonly description: string;
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, SECRETS_FILE);
    this.description = `the file ${this.file}`;
  }

  private async read(): Promise<Record<string, string>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new SecretStoreUnavailableError(`cannot read ${this.file}: ${(err as Error).message}`);
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, string>;
    } catch {
      /* reported below */
    }
    throw new SecretStoreUnavailableError(`${this.file} is not a valid secrets file; move it away and issue new tokens`);
  }

  private async write(data: Record<string, string>): Promise<void> {
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      await writeFile(tmp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
      await chmod(tmp, 0o600);
      await rename(tmp, this.file);
    } catch (err) {
      await rm(tmp, { force: true }); // a full disk must not leave a half-written copy behind
      throw err;
    }
  }

  async get(account: string): Promise<string | null> {
    return (await this.read())[account] ?? null;
  }

  /**
   * Every entry shares one file, so a change is read-modify-write: under the file's lock, or two
   * processes changing different entries at once lose one of the changes.
   */
  private change<T>(edit: (data: Record<string, string>) => T): Promise<T> {
    return withFileLock(`${this.file}.lock`, async () => {
      const data = await this.read();
      const result = edit(data);
      await this.write(data);
      return result;
    });
  }

  set(account: string, secret: string): Promise<void> {
    return this.change((data) => {
      data[account] = secret;
    });
  }

  delete(account: string): Promise<boolean> {
    return this.change((data) => {
      if (!(account in data)) return false;
      delete data[account];
      return true;
    });
  }
}
