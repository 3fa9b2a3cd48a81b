// Shared storage for several proxy instances behind a load balancer. Atomicity comes from Redis itself: SET NX for
// add, GETDEL (or an equivalent Lua script on Redis < 6.2) for take. An outage fails fast with StoreUnavailableError.
import { createClient, ErrorReply } from 'redis';
import { StoreUnavailableError, type JsonValue, type Store } from './store.ts';
import { assertOpen, assertTtl } from './ttl.ts';

export interface RedisStoreOptions {
  /** `redis://[user:password@]host[:port][/db]` or `rediss://…` for TLS. */
  url: string;
  /** Prepended to every key, so that several applications can share one Redis. Defaults to `mcp-oauth-proxy:`. */
  keyPrefix?: string;
  /** How long one connection attempt may take, in milliseconds. Defaults to 2000. */
  connectTimeoutMs?: number;
  /**
   * How long one operation may wait for its reply, in milliseconds, before it fails with StoreUnavailableError.
   * Defaults to 2000. A timed-out write may still have been applied by Redis.
   */
  commandTimeoutMs?: number;
  /** Upper bound of the exponential reconnect backoff, in milliseconds. Defaults to 2000. */
  maxReconnectDelayMs?: number;
  /** Called with connection errors (they repeat while Redis is down), e.g. to log them. Defaults to ignoring them. */
  onError?: (error: Error) => void;
}

/** Atomic GET + DEL for servers without GETDEL (Redis < 6.2). */
const TAKE_SCRIPT = "local v=redis.call('GET',KEYS[1]) redis.call('DEL',KEYS[1]) return v";
/** Replies that mean "Redis is there but cannot serve right now", as opposed to a bug in the command. */
const TRANSIENT_REPLY = /^(LOADING|READONLY|MASTERDOWN|BUSY|TRYAGAIN|CLUSTERDOWN)\b/;

type Client = ReturnType<typeof createClient>;

export class RedisStore implements Store {
  readonly #client: Client;
  readonly #prefix: string;
  readonly #commandTimeoutMs: number;
  #takeWithScript = false;
  #closed = false;

  /** Connects and resolves once Redis answers; rejects with StoreUnavailableError if it cannot within the timeout. */
  static async connect(options: RedisStoreOptions): Promise<RedisStore> {
    const store = new RedisStore(options);
    const timeoutMs = options.connectTimeoutMs ?? 2000;
    try {
      await withTimeout(store.#client.connect(), timeoutMs, 'Redis connect timed out');
    } catch (error) {
      store.#closed = true;
      store.#client.destroy();
      throw toStoreError(error, 'connect');
    }
    return store;
  }

  private constructor(options: RedisStoreOptions) {
    this.#prefix = options.keyPrefix ?? 'mcp-oauth-proxy:';
    this.#commandTimeoutMs = options.commandTimeoutMs ?? 2000;
    const maxDelay = options.maxReconnectDelayMs ?? 2000;
    this.#client = createClient({
      url: options.url,
      // Reject at once while disconnected instead of queueing: a request should get a quick 503, not hang.
      disableOfflineQueue: true,
      socket: {
        connectTimeout: options.connectTimeoutMs ?? 2000,
        // Exponential backoff with jitter, forever: the store recovers by itself when Redis comes back.
        reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, maxDelay) * (0.8 + Math.random() * 0.4),
      },
    });
    const onError = options.onError ?? (() => {});
    // Without a listener an 'error' event would crash the process.
    this.#client.on('error', (error: Error) => onError(error));
  }

  async get<T extends JsonValue>(key: string): Promise<T | undefined> {
    return parse<T>(await this.#run('GET', () => this.#client.get(this.#key(key))));
  }

  async set(key: string, value: JsonValue, ttlSeconds: number): Promise<void> {
    assertTtl(ttlSeconds);
    // PX rather than EX so that a fractional TTL is honoured instead of rejected by Redis.
    const options = { expiration: { type: 'PX', value: Math.ceil(ttlSeconds * 1000) } } as const;
    await this.#run('SET', () => this.#client.set(this.#key(key), JSON.stringify(value), options));
  }

  async add(key: string, value: JsonValue, ttlSeconds: number): Promise<boolean> {
    assertTtl(ttlSeconds);
    const options = { condition: 'NX', expiration: { type: 'PX', value: Math.ceil(ttlSeconds * 1000) } } as const;
    const reply = await this.#run('SET NX', () => this.#client.set(this.#key(key), JSON.stringify(value), options));
    return reply === 'OK';
  }

  async take<T extends JsonValue>(key: string): Promise<T | undefined> {
    const redisKey = this.#key(key);
    if (!this.#takeWithScript) {
      try {
        return parse<T>(await this.#run('GETDEL', () => this.#client.getDel(redisKey)));
      } catch (error) {
        if (!(error instanceof ErrorReply && /unknown command/i.test(error.message))) throw error;
        this.#takeWithScript = true;
      }
    }
    const reply = await this.#run('EVAL', () => this.#client.eval(TAKE_SCRIPT, { keys: [redisKey] }));
    return parse<T>(typeof reply === 'string' ? reply : null);
  }

  async touch(key: string, ttlSeconds: number): Promise<boolean> {
    assertTtl(ttlSeconds);
    // PEXPIRE answers 0 for a missing (or already expired) key and leaves it missing.
    const reply = await this.#run('PEXPIRE', () => this.#client.pExpire(this.#key(key), Math.ceil(ttlSeconds * 1000)));
    return Number(reply) === 1;
  }

  async delete(key: string): Promise<void> {
    await this.#run('DEL', () => this.#client.del(this.#key(key)));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // QUIT needs a live connection; when Redis is down there is nothing to flush, so just drop the socket.
    if (this.#client.isReady) {
      await this.#client.close().catch(() => this.#client.destroy());
    } else {
      this.#client.destroy();
    }
  }

  #key(key: string): string {
    return this.#prefix + key;
  }

  async #run<T>(command: string, work: () => Promise<T>): Promise<T> {
    assertOpen(this.#closed, 'RedisStore');
    try {
      return await withTimeout(work(), this.#commandTimeoutMs, `Redis ${command} timed out`);
    } catch (error) {
      throw toStoreError(error, command);
    }
  }
}

/** A value that is not JSON was not written by this store (same rule as the file store): treat it as absent. */
function parse<T extends JsonValue>(reply: string | null): T | undefined {
  if (reply === null) return undefined;
  try {
    return JSON.parse(reply) as T;
  } catch {
    return undefined;
  }
}

/** Keeps genuine command errors (a bug) as they are; everything about reaching Redis becomes StoreUnavailableError. */
function toStoreError(error: unknown, command: string): Error {
  if (error instanceof StoreUnavailableError) return error;
  if (error instanceof ErrorReply && !TRANSIENT_REPLY.test(error.message)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new StoreUnavailableError(`Redis ${command} failed: ${reason}`, { cause: error });
}

async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError(`${message} (${ms} ms)`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
