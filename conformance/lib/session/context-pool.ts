// Browser contexts for flows that only need "a browser that has never met the target": after such a flow its
// context is wiped and kept for the next one instead of being closed. A new context costs Chromium a renderer
// process and its start-up (about 0.2 s of a 0.45 s two-page flow on two cores); a context that keeps one blank page
// open keeps that process, and a new page in it starts in a fraction of the time. The flow still gets a new page
// (no history, no sessionStorage, no listeners of an earlier flow).
//
// What a wiped context has in common with a new one, and how: no cookies (clearCookies), no storage of any origin it
// sent a request to (Storage.clearDataForOrigin, "all": local and session storage, IndexedDB, Cache Storage, service
// workers, cookies of that origin), an empty HTTP cache (Network.clearBrowserCache), no page but the blank keeper.
// Flows given a context of their own (a check that holds one across flows, sets routes or reads its cookies) and
// checks that make their own contexts never touch the pool.
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { safeOrigin } from '../transport/url.ts';

interface Pooled {
  keeper: Page;
  cdp: CDPSession;
  /** Origins the context sent a request to since it was last wiped. */
  origins: Set<string>;
}

/** At most this many wiped contexts wait for a flow (one flow runs at a time per worker, two with the lifetime stage). */
const MAX_IDLE = 2;

export class ContextPool {
  readonly #idle: BrowserContext[] = [];
  readonly #pooled = new WeakMap<BrowserContext, Pooled>();
  /** Contexts being wiped: a flow that gives one back does not wait for it (its code may be about to expire). */
  readonly #returning = new Set<Promise<void>>();

  constructor(private readonly browser: () => Promise<Browser>) {}

  /** A context with no cookies, storage or cache: a wiped one if any is idle, else a new one. */
  async take(): Promise<BrowserContext> {
    await Promise.all(this.#returning);
    for (let context = this.#idle.pop(); context; context = this.#idle.pop()) {
      if (this.#pooled.has(context)) return context;
    }
    const context = await (await this.browser()).newContext();
    try {
      const keeper = await context.newPage();
      const pooled: Pooled = { keeper, cdp: await context.newCDPSession(keeper), origins: new Set() };
      context.on('request', (request) => {
        const origin = safeOrigin(request.url());
        if (origin.startsWith('http')) pooled.origins.add(origin);
      });
      // A context a check closed is forgotten, so it is never handed out again.
      context.on('close', () => this.#pooled.delete(context));
      this.#pooled.set(context, pooled);
      return context;
    } catch (error) {
      await context.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Takes a context back after its flow. It is wiped at once (so nothing of the flow outlives it even if no other
   * flow comes) and kept if the pool has room; a context that cannot be wiped completely is closed. The promise ends
   * with the wipe, but nobody needs to wait for it: the next take() does. A page still navigating can take seconds to
   * close (closeQuietly), which must not delay the code exchange that follows a flow.
   */
  give(context: BrowserContext, closePage: (page: Page) => Promise<void>): Promise<void> {
    const returning = this.#wipe(context, closePage).catch(() => undefined);
    this.#returning.add(returning);
    void returning.then(() => this.#returning.delete(returning));
    return returning;
  }

  async #wipe(context: BrowserContext, closePage: (page: Page) => Promise<void>): Promise<void> {
    const pooled = this.#pooled.get(context);
    if (!pooled) {
      await context.close().catch(() => undefined);
      return;
    }
    try {
      for (const page of context.pages()) if (page !== pooled.keeper) await closePage(page);
      if (context.pages().length !== 1) throw new Error('a page of the flow would not close');
      await context.clearCookies();
      for (const origin of pooled.origins) {
        await pooled.cdp.send('Storage.clearDataForOrigin', { origin, storageTypes: 'all' });
      }
      pooled.origins.clear();
      await pooled.cdp.send('Network.clearBrowserCache');
    } catch {
      await context.close().catch(() => undefined);
      return;
    }
    if (this.#idle.length < MAX_IDLE) this.#idle.push(context);
    else await context.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.all(this.#returning);
    for (const context of this.#idle.splice(0)) await context.close().catch(() => undefined);
  }
}
