// The storage interface every backend implements (memory, file, Redis, and the encryption wrapper around any of
// them). Records are JSON values under string keys, each with a TTL. `take` is the one atomic primitive the flow
// relies on: one-time codes, transactions and refresh-token rotation are all "read and delete, exactly once".
// proxy/storage/README.md documents the key prefixes and record shapes.
import { assertTtl } from './ttl.ts';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface Store {
  /** The record under `key`, or undefined when absent or expired. */
  get<T extends JsonValue>(key: string): Promise<T | undefined>;
  /**
   * Writes `value` under `key`, replacing any previous record.
   * @param ttlSeconds time-to-live in seconds; must be > 0 (every record expires).
   */
  set(key: string, value: JsonValue, ttlSeconds: number): Promise<void>;
  /**
   * Writes only when no live record exists under `key`. Returns true when this call wrote it.
   * Atomic: of concurrent callers exactly one gets true.
   */
  add(key: string, value: JsonValue, ttlSeconds: number): Promise<boolean>;
  /**
   * Reads and deletes the record under `key` in one atomic step. Of concurrent callers for the same key exactly one
   * receives the value; the others receive undefined.
   */
  take<T extends JsonValue>(key: string): Promise<T | undefined>;
  /**
   * Gives the live record under `key` a new time-to-live, counted from now, without rewriting it. Returns false (and
   * writes nothing) when no live record exists, so a record deleted meanwhile is never brought back.
   * Optional for backends written before it existed: callers then fall back to a read and a conditional write.
   */
  touch?(key: string, ttlSeconds: number): Promise<boolean>;
  /** Deletes the record under `key`; absent keys are fine. */
  delete(key: string): Promise<void>;
  /** Releases connections and timers. The store is unusable afterwards. */
  close(): Promise<void>;
}

/**
 * `store.touch`, or for a backend without it a read and a write with the new TTL (not atomic: a record deleted between
 * the two comes back, which is why the backends implement touch).
 */
export async function touchRecord(store: Store, key: string, ttlSeconds: number): Promise<boolean> {
  if (store.touch) return store.touch(key, ttlSeconds);
  assertTtl(ttlSeconds);
  const value = await store.get(key);
  if (value === undefined) return false;
  await store.set(key, value, ttlSeconds);
  return true;
}

/** Thrown by a backend that cannot reach its storage (e.g. Redis down). Mapped to 503 temporarily_unavailable. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
