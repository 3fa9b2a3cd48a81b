// The storage interface every backend implements (memory, file, Redis, and the encryption wrapper around any of
// them). Records are JSON values under string keys, each with a TTL. `take` is the one atomic primitive the flow
// relies on: one-time codes, transactions and refresh-token rotation are all "read and delete, exactly once".
// proxy/storage/README.md documents the key prefixes and record shapes.

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
  /** Deletes the record under `key`; absent keys are fine. */
  delete(key: string): Promise<void>;
  /** Releases connections and timers. The store is unusable afterwards. */
  close(): Promise<void>;
}

/** Thrown by a backend that cannot reach its storage (e.g. Redis down). Mapped to 503 temporarily_unavailable. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
