/*
 * Short-lived server-side values behind random handles (authorization codes, browser sessions, pending consents,
 * single-access one-time values). Held in memory only, keyed by the handle's SHA-256, never persisted.
 */
import { randomAlnum, sha256 } from '../store/hash.js';
import type { Clock } from '../store/store.js';

type Entry<T> = { value: T; expiresAt: number };

export class Ephemeral<T> {
  private readonly entries = new Map<string, Entry<T>>();

  public constructor(
    private readonly clock: Clock,
    private readonly prefix = '',
    private readonly length = 64,
  ) {}

  /** Stores a value for `ttlMs`; returns the raw handle. */
  public put(value: T, ttlMs: number): string {
    const now = this.clock();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    const raw = `${this.prefix}${randomAlnum(this.length)}`;
    this.entries.set(sha256(raw), { value, expiresAt: now + ttlMs });
    return raw;
  }

  /** The live value, or undefined when unknown, used up or expired. */
  public get(raw: string | undefined): T | undefined {
    if (!raw) return undefined;
    const entry = this.entries.get(sha256(raw));
    if (!entry || entry.expiresAt <= this.clock()) return undefined;
    return entry.value;
  }

  /** Removes a value so that it can never be used again. */
  public delete(raw: string): void {
    this.entries.delete(sha256(raw));
  }

  /** Reads and removes a value in one step (single use). */
  public take(raw: string | undefined): T | undefined {
    const value = this.get(raw);
    if (value !== undefined && raw) this.delete(raw);
    return value;
  }
}
