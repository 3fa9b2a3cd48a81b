// Persistent storage for a single proxy instance: one JSON file per key in a private directory, so registered clients
// and grants survive a restart. Writes are atomic (temp file + fsync + rename); take and add are atomic via rename/link.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readdir, rename, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  createFileExclusive,
  isErrno,
  readRecord,
  replaceFile,
  TEMP_PREFIX,
  TOMBSTONE_INFIX,
  uniqueSuffix,
  unlinkQuietly,
  type FileRecord,
} from './file-io.ts';
import { KeyMutex } from './key-mutex.ts';
import { StoreUnavailableError, type JsonValue, type Store } from './store.ts';
import { assertOpen, assertTtl } from './ttl.ts';

export interface FileStoreOptions {
  /** Directory holding one file per key. Created with mode 0700 when missing; relative paths resolve against cwd. */
  directory: string;
  /**
   * How often expired records and leftovers of interrupted writes are swept out, in milliseconds. Defaults to 60 000
   * (one minute). Set to 0 to disable the sweep (expired records are then removed only when read).
   */
  sweepIntervalMs?: number;
  /** Clock in milliseconds since the epoch. Defaults to `Date.now`; tests inject a fake one. */
  now?: () => number;
}

/** Temp files and tombstones older than this (ms) belong to a crashed writer and are swept. */
const LEFTOVER_AGE_MS = 60_000;

export class FileStore implements Store {
  readonly directory: string;
  readonly #now: () => number;
  readonly #mutex = new KeyMutex();
  readonly #sweepTimer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> | undefined;
  #closed = false;

  constructor(options: FileStoreOptions) {
    this.directory = resolve(options.directory);
    this.#now = options.now ?? Date.now;
    // Synchronous on purpose: a store that cannot create its directory should fail at startup, not on first use.
    mkdirSync(this.directory, { recursive: true, mode: 0o700 });
    const interval = options.sweepIntervalMs ?? 60_000;
    if (interval > 0) {
      this.#sweepTimer = setInterval(() => void this.sweep().catch(() => {}), interval);
      this.#sweepTimer.unref();
    }
  }

  async get<T extends JsonValue>(key: string): Promise<T | undefined> {
    assertOpen(this.#closed, 'FileStore');
    return this.#guard(async () => {
      const record = await this.#read(key);
      if (record === undefined) return undefined;
      if (this.#expired(record)) {
        await this.#removeIfExpired(key);
        return undefined;
      }
      return record.value as T;
    });
  }

  async set(key: string, value: JsonValue, ttlSeconds: number): Promise<void> {
    assertOpen(this.#closed, 'FileStore');
    assertTtl(ttlSeconds);
    const record = this.#record(key, value, ttlSeconds);
    await this.#guard(() => this.#mutex.run(key, () => replaceFile(this.directory, this.#path(key), record)));
  }

  async add(key: string, value: JsonValue, ttlSeconds: number): Promise<boolean> {
    assertOpen(this.#closed, 'FileStore');
    assertTtl(ttlSeconds);
    const record = this.#record(key, value, ttlSeconds);
    return this.#guard(() =>
      this.#mutex.run(key, async () => {
        const existing = await this.#read(key);
        if (existing !== undefined && !this.#expired(existing)) return false;
        if (existing !== undefined) await unlinkQuietly(this.#path(key));
        return createFileExclusive(this.directory, this.#path(key), record);
      }),
    );
  }

  async take<T extends JsonValue>(key: string): Promise<T | undefined> {
    assertOpen(this.#closed, 'FileStore');
    return this.#guard(async () => {
      // rename() is atomic: of concurrent takers (in any process) exactly one moves the file, the rest get ENOENT.
      const tombstone = `${this.#path(key)}${TOMBSTONE_INFIX}${uniqueSuffix()}`;
      try {
        await rename(this.#path(key), tombstone);
      } catch (error) {
        if (isErrno(error, 'ENOENT')) return undefined;
        throw error;
      }
      const record = await readRecord(tombstone);
      await unlinkQuietly(tombstone);
      if (record === undefined || record.key !== key || this.#expired(record)) return undefined;
      return record.value as T;
    });
  }

  async touch(key: string, ttlSeconds: number): Promise<boolean> {
    assertOpen(this.#closed, 'FileStore');
    assertTtl(ttlSeconds);
    return this.#guard(() =>
      this.#mutex.run(key, async () => {
        const existing = await this.#read(key);
        if (existing === undefined || this.#expired(existing)) return false;
        await replaceFile(this.directory, this.#path(key), this.#record(key, existing.value, ttlSeconds));
        return true;
      }),
    );
  }

  async delete(key: string): Promise<void> {
    assertOpen(this.#closed, 'FileStore');
    await this.#guard(() => unlinkQuietly(this.#path(key)));
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#sweepTimer !== undefined) clearInterval(this.#sweepTimer);
    // A failed sweep has nothing left to clean up, and closing must not fail because of it.
    await this.#sweeping?.catch(() => {});
  }

  /** Removes expired records and leftovers of interrupted writes. Runs on the timer; public so tests can force it. */
  async sweep(): Promise<void> {
    this.#sweeping ??= this.#sweepOnce().finally(() => (this.#sweeping = undefined));
    return this.#sweeping;
  }

  async #sweepOnce(): Promise<void> {
    for (const name of await readdir(this.directory)) {
      if (this.#closed) return;
      const path = join(this.directory, name);
      if (name.startsWith(TEMP_PREFIX) || name.includes(TOMBSTONE_INFIX)) {
        const info = await stat(path).catch(() => undefined);
        if (info !== undefined && this.#now() - info.mtimeMs > LEFTOVER_AGE_MS) await unlinkQuietly(path);
      } else if (name.endsWith('.json')) {
        const record = await readRecord(path);
        if (record !== undefined && this.#expired(record)) await this.#removeIfExpired(record.key);
      }
    }
  }

  /** Deletes the record under `key` only if it is still expired once this process holds the key's lock. */
  async #removeIfExpired(key: string): Promise<void> {
    await this.#mutex.run(key, async () => {
      const record = await this.#read(key);
      if (record !== undefined && this.#expired(record)) await unlinkQuietly(this.#path(key));
    });
  }

  /** The record stored for `key`; a file whose embedded key differs (a hash collision) counts as absent. */
  async #read(key: string): Promise<FileRecord | undefined> {
    const record = await readRecord(this.#path(key));
    return record?.key === key ? record : undefined;
  }

  /** File names are the SHA-256 of the key, so no key can escape the directory or collide with another's name. */
  #path(key: string): string {
    return join(this.directory, `${createHash('sha256').update(key, 'utf8').digest('hex')}.json`);
  }

  #record(key: string, value: JsonValue, ttlSeconds: number): FileRecord {
    return { key, value, expiresAt: this.#now() + ttlSeconds * 1000 };
  }

  #expired(record: FileRecord): boolean {
    return record.expiresAt <= this.#now();
  }

  /** File-system failures (full disk, lost permissions) mean storage is unavailable, not that the request was bad. */
  async #guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string') {
        throw new StoreUnavailableError(`file store at ${this.directory} failed: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }
}
