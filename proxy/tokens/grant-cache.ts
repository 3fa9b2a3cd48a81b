// The bearer check's view of live grants: what it needs of a grant (its client and user) kept for a short, bounded
// time, so that an MCP request costs no store round trip (one Redis GET) and no decryption when the same grant was
// read moments ago. Revocation stays immediate where it happens: every take or delete of a grant record through
// this instance forgets the entry (records.ts calls forget()). Another instance sharing the store (Redis) sees a
// revocation within `ttlMs`, the staleness PROXY_GRANT_CACHE_MS documents. ttlMs 0 turns the cache off.
// RFC 7009 §2 lets revocation take effect after "a certain period of time"; the cache bounds that period.
// @see https://www.rfc-editor.org/rfc/rfc7009#section-2
import type { Clock } from '../clock.ts';
import type { GrantRecord } from '../records.ts';

/** What the bearer check reads from a grant. */
export type CachedGrant = Pick<GrantRecord, 'clientId' | 'user'>;

interface Entry {
  grant: CachedGrant;
  /** Clock milliseconds after which the entry is read from the store again. */
  until: number;
}

/** Entries kept at most; the oldest insertion goes first when full (a burst of new grants cannot grow it). */
const MAX_ENTRIES = 10_000;

export class GrantCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #clock: Clock;
  /** Bumped by every forget(): a load that overlapped a revocation is returned but never cached. */
  #removals = 0;

  constructor(ttlMs: number, clock: Clock) {
    this.#ttlMs = ttlMs;
    this.#clock = clock;
  }

  /** The cached grant while fresh, without a store read: the bearer check's synchronous fast path. */
  fresh(grantId: string): CachedGrant | undefined {
    if (this.#ttlMs === 0) return undefined;
    const entry = this.#entries.get(grantId);
    return entry !== undefined && entry.until > this.#clock.now() ? entry.grant : undefined;
  }

  /** The grant from the cache while fresh, else from `load` (an absent grant is never cached). */
  async get(grantId: string, load: () => Promise<GrantRecord | undefined>): Promise<CachedGrant | undefined> {
    if (this.#ttlMs === 0) return load();
    const hit = this.fresh(grantId);
    if (hit !== undefined) return hit;
    const now = this.#clock.now();
    const removals = this.#removals;
    const grant = await load();
    if (grant === undefined) {
      this.#entries.delete(grantId);
      return undefined;
    }
    const cached: CachedGrant = { clientId: grant.clientId, user: grant.user };
    if (removals !== this.#removals) return cached;
    this.#entries.delete(grantId);
    this.#dropExpired(this.#clock.now());
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(grantId, { grant: cached, until: now + this.#ttlMs });
    return cached;
  }

  /**
   * Entries share one lifetime and a refreshed entry is re-inserted, so they expire in insertion order: the expired
   * ones are at the front. Dropping them keeps about `ttlMs` worth of grants instead of MAX_ENTRIES stale ones.
   */
  #dropExpired(now: number): void {
    for (const [id, entry] of this.#entries) {
      if (entry.until > now) return;
      this.#entries.delete(id);
    }
  }

  /** The grant was taken or deleted through this instance: the next check reads the store. */
  forget(grantId: string): void {
    this.#removals += 1;
    this.#entries.delete(grantId);
  }

  get size(): number {
    return this.#entries.size;
  }
}
