/*
 * Example token store for the example clients: one JSON file per user and app, written atomically (temp file, fsync,
 * rename) with mode 0600, and a cross-process lock (an exclusive `mkdir`, with stale-lock detection) so that two
 * processes never refresh the same refresh token at once.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export type StoredTokens = { accessToken: string; refreshToken?: string; instanceUrl: string };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class FileTokenStore {
  public constructor(
    public readonly file: string,
    private readonly staleLockMs = 30_000,
  ) {}

  public async read(): Promise<StoredTokens | undefined> {
    try {
      return JSON.parse(await fs.readFile(this.file, 'utf8')) as StoredTokens;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  public async write(tokens: StoredTokens): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await fs.open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify(tokens));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, this.file);
  }

  public async clear(): Promise<void> {
    await fs.rm(this.file, { force: true });
  }

  /** Runs `fn` while holding the store's cross-process lock. */
  public async withLock<T>(fn: () => Promise<T>, timeoutMs = 35_000): Promise<T> {
    const lock = `${this.file}.lock`;
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await fs.mkdir(lock);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const stat = await fs.stat(lock).catch(() => undefined);
        if (stat && Date.now() - stat.mtimeMs > this.staleLockMs) await fs.rm(lock, { recursive: true, force: true });
        if (Date.now() > deadline) throw new Error(`Timed out waiting for the token lock ${lock}`);
        await sleep(20 + Math.random() * 30);
      }
    }
    try {
      return await fn();
    } finally {
      await fs.rm(lock, { recursive: true, force: true });
    }
  }
}
