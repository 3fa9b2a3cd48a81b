// In-process storage, the default backend: one Map with expiry timestamps. Fast and atomic, but lost on restart and
// not shared between instances, so it suits development and single-process deployments only.
import type { JsonValue, Store } from './store.ts';
import { assertOpen, assertTtl } from './ttl.ts';

export interface MemoryStoreOptions {
  /**
   * How often expired records are swept out, in milliseconds, so memory stays bounded even for keys never read again.
   * Defaults to 60 000 (one minute). Set to 0 to disable the sweep (expired records are then dropped only on read).
   */
  sweepIntervalMs?: number;
  /** Clock in milliseconds since the epoch. Defaults to `Date.now`; tests inject a fake one. */
  now?: () => number;
}

interface Entry {
  value: JsonValue;
  /** Milliseconds since the epoch after which the entry is dead. */
  expiresAt: number;
}

export class MemoryStore implements Store {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #sweepTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    const interval = options.sweepIntervalMs ?? 60_000;
    if (interval > 0) {
      this.#sweepTimer = setInterval(() => this.sweep(), interval);
      // A sweep alone must never keep the process alive.
      this.#sweepTimer.unref();
    }
  }

  async get<T extends JsonValue>(key: string): Promise<T | undefined> {
    assertOpen(this.#closed, 'MemoryStore');
    const entry = this.#live(key);
    return entry === undefined ? undefined : (structuredClone(entry.value) as T);
  }

  async set(key: string, value: JsonValue, ttlSeconds: number): Promise<void> {
    assertOpen(this.#closed, 'MemoryStore');
    assertTtl(ttlSeconds);
    this.#entries.set(key, this.#entry(value, ttlSeconds));
  }

  async add(key: string, value: JsonValue, ttlSeconds: number): Promise<boolean> {
    assertOpen(this.#closed, 'MemoryStore');
    assertTtl(ttlSeconds);
    // Check and write run in the same tick, so no other caller can interleave.
    if (this.#live(key) !== undefined) return false;
    this.#entries.set(key, this.#entry(value, ttlSeconds));
    return true;
  }

  async take<T extends JsonValue>(key: string): Promise<T | undefined> {
    assertOpen(this.#closed, 'MemoryStore');
    // Read and delete run in the same tick: exactly one concurrent caller sees the entry.
    const entry = this.#live(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    return entry.value as T;
  }

  async touch(key: string, ttlSeconds: number): Promise<boolean> {
    assertOpen(this.#closed, 'MemoryStore');
    assertTtl(ttlSeconds);
    const entry = this.#live(key);
    if (entry === undefined) return false;
    entry.expiresAt = this.#now() + ttlSeconds * 1000;
    return true;
  }

  async delete(key: string): Promise<void> {
    assertOpen(this.#closed, 'MemoryStore');
    this.#entries.delete(key);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#sweepTimer !== undefined) clearInterval(this.#sweepTimer);
    this.#entries.clear();
  }

  /** How many records are held, expired ones included until the next sweep or read (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  /** Drops every expired entry. Runs on the timer; public so that tests and operators can force it. */
  sweep(): void {
    const now = this.#now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#entries.delete(key);
    }
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #entry(value: JsonValue, ttlSeconds: number): Entry {
    // The copy on write means later mutation of the caller's object cannot change the stored record.
    return { value: structuredClone(value), expiresAt: this.#now() + ttlSeconds * 1000 };
  }
}
