// Browser contexts for flows that only need "a browser that has never met the target": after such a flow its
// context is wiped and kept for the next one instead of being closed. A new context costs Chromium a renderer
// process and its start-up; so does a new page, whose tab gets a renderer of its own before it navigates anywhere
// (about 0.2 s of CPU and 0.15 s of a 0.85 s flow on two cores, measured). So a pooled context keeps one page, the
// keeper, and the flow runs in it: the flow's tab is reset to what a new page would be, not replaced.
//
// What a wiped context has in common with a new one, and how: no cookies (clearCookies), no storage of any origin it
// sent a request to (Storage.clearDataForOrigin, "all": local and session storage, IndexedDB, Cache Storage, service
// workers, cookies of that origin), an empty HTTP cache (Network.clearBrowserCache), no page but the keeper. What the
// keeper has in common with a new page: it shows about:blank with a history of that one entry
// (Page.resetNavigationHistory: a flow's first navigation then makes history.length 2, as in a new page), an empty
// window.name (it survives same-site navigations), no route and no listener of the flow or its check.
// Flows given a context of their own (a check that holds one across flows, sets routes or reads its cookies) and
// checks that make their own contexts never touch the pool.
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { safeOrigin } from '../transport/url.ts';

interface Pooled {
  keeper: Page;
  /** Whether a flow holds the keeper (a second flow in the same context gets a page of its own). */
  keeperInUse: boolean;
  cdp: CDPSession;
  /** Origins the context sent a request to since it was last wiped. */
  origins: Set<string>;
}

/** At most this many wiped contexts wait for a flow (one flow runs at a time per worker, two with the lifetime stage). */
const MAX_IDLE = 2;
/** How long resetting the keeper may take before the context is given up (a page that will not leave). */
const RESET_TIMEOUT_MS = 5000;
/**
 * Page events whose listeners the keeper loses when it is reset: every event of Playwright's Page but `close`, which
 * outlives a flow by design (a listener on it ends with the page).
 */
const PAGE_EVENTS = [
  'console',
  'crash',
  'dialog',
  'domcontentloaded',
  'download',
  'filechooser',
  'frameattached',
  'framedetached',
  'framenavigated',
  'load',
  'pageerror',
  'popup',
  'request',
  'requestfailed',
  'requestfinished',
  'response',
  'websocket',
  'worker',
] as const;

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
      const pooled: Pooled = { ...(await newKeeper(context)), keeperInUse: false, origins: new Set() };
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
   * The page a flow of `context` runs in: the keeper of a pooled context when no other flow holds it, else a new page
   * (a context of a check's own, or a second flow in a pooled one). The keeper is not closed after the flow: giving
   * the context back resets it.
   */
  async page(context: BrowserContext): Promise<Page> {
    const pooled = this.#pooled.get(context);
    if (!pooled || pooled.keeperInUse || pooled.keeper.isClosed()) return context.newPage();
    pooled.keeperInUse = true;
    return pooled.keeper;
  }

  /** Whether `page` is a pooled context's keeper: the flow leaves it open for the reset. */
  isKeeper(page: Page): boolean {
    return this.#pooled.get(page.context())?.keeper === page;
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
      if (pooled.keeper.isClosed() && context.pages().length === 0) {
        // A check closed the page it was handed (a stopped flow's page): the context gets a new one.
        Object.assign(pooled, await newKeeper(context));
      } else {
        if (context.pages().length !== 1) throw new Error('a page of the flow would not close');
        await resetKeeper(pooled);
      }
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
    pooled.keeperInUse = false;
    if (this.#idle.length < MAX_IDLE) this.#idle.push(context);
    else await context.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    await Promise.all(this.#returning);
    for (const context of this.#idle.splice(0)) await context.close().catch(() => undefined);
  }
}

/** A context's kept page and the DevTools session on it that wipes the context. */
async function newKeeper(context: BrowserContext): Promise<Pick<Pooled, 'keeper' | 'cdp'>> {
  const keeper = await context.newPage();
  return { keeper, cdp: await context.newCDPSession(keeper) };
}

/**
 * Makes the keeper what a new page is: no listener or route of the flow, about:blank (the flow's document unloads
 * before the storage is cleared, so it cannot write anything back), an empty window.name, one history entry.
 */
async function resetKeeper({ keeper, cdp }: Pooled): Promise<void> {
  for (const event of PAGE_EVENTS) keeper.removeAllListeners(event);
  await keeper.unrouteAll({ behavior: 'ignoreErrors' });
  await keeper.goto('about:blank', { timeout: RESET_TIMEOUT_MS });
  await keeper.evaluate(() => {
    window.name = '';
  });
  await cdp.send('Page.resetNavigationHistory');
}
