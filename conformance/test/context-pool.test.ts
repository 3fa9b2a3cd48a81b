// The context pool against real Chromium: a context handed out again after a flow must be as blank as a new one
// (no cookie, no storage, no cached answer, no page of the flow), its page as blank as a new page (the flow runs in
// the context's kept page), and a context a check closed is never handed out.
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOnLoopback, type LoopbackServer } from '../../testkit/loopback-server.ts';
import { chromiumLaunchOptions } from '../lib/browser/chromium.ts';
import { ContextPool } from '../lib/session/context-pool.ts';

describe('the browser context pool', () => {
  let browser: Browser;
  let site: LoopbackServer;
  let cachedFetches = 0;

  beforeAll(async () => {
    site = await listenOnLoopback((req, res) => {
      if (req.url === '/cached.js') {
        cachedFetches += 1;
        res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'public, max-age=3600' });
        res.end('window.cachedLoaded = true;');
        return;
      }
      // A page that leaves every kind of state a consent page could: a cookie, local storage, a cached script.
      res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': 'consent=remembered; Path=/; HttpOnly' });
      res.end(
        '<!doctype html><title>state</title><script src="/cached.js"></script>' +
          '<script>localStorage.setItem("remembered", "yes")</script>',
      );
    });
    browser = await chromium.launch(chromiumLaunchOptions());
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  async function visit(context: BrowserContext): Promise<string | null> {
    const page = await context.newPage();
    await page.goto(`${site.url}/state`);
    const stored = await page.evaluate(() => localStorage.getItem('remembered'));
    return stored;
  }

  it('hands a used context out again wiped: no cookie, no storage, no cached answer, only its blank page', async () => {
    const pool = new ContextPool(async () => browser);
    const context = await pool.take();
    expect(await visit(context)).toBe('yes');
    expect(await context.cookies()).toHaveLength(1);
    const fetchesBefore = cachedFetches;
    await visit(context); // same context, flow still running: the script comes from the cache
    expect(cachedFetches).toBe(fetchesBefore);

    await pool.give(context, (page) => page.close());
    const again = await pool.take();
    expect(again).toBe(context);
    expect(again.pages()).toHaveLength(1);
    expect(await again.cookies()).toEqual([]);
    const page = await again.newPage();
    await page.goto(`${site.url}/state`);
    expect(cachedFetches).toBe(fetchesBefore + 1);
    await pool.give(again, (p) => p.close());
    await pool.close();
  });

  it('reads local storage as a new context would after a wipe', async () => {
    const pool = new ContextPool(async () => browser);
    const context = await pool.take();
    await visit(context);
    await pool.give(context, (page) => page.close());
    const again = await pool.take();
    const page = await again.newPage();
    await page.route(`${site.url}/empty`, (route) => route.fulfill({ contentType: 'text/html', body: '<p>x</p>' }));
    await page.goto(`${site.url}/empty`);
    expect(await page.evaluate(() => localStorage.getItem('remembered'))).toBeNull();
    await pool.close();
  });

  it('never hands out a context that was closed, and closes what it cannot keep', async () => {
    const pool = new ContextPool(async () => browser);
    const closedByCheck = await pool.take();
    await closedByCheck.close();
    await pool.give(closedByCheck, (page) => page.close());
    const fresh = await pool.take();
    expect(fresh).not.toBe(closedByCheck);

    const [a, b, c] = [fresh, await pool.take(), await pool.take()];
    let closed = 0;
    for (const context of [a, b, c]) context.on('close', () => (closed += 1));
    for (const context of [a, b, c]) await pool.give(context, (page) => page.close());
    expect(closed).toBe(1); // two are kept, the third is closed
    await pool.close();
    expect(closed).toBe(3);
  });

  it('runs the next flow in the same page, reset to what a new page is', async () => {
    const pool = new ContextPool(async () => browser);
    const context = await pool.take();
    // What a new page looks like after its first navigation, in a context of its own.
    const reference = await browser.newContext();
    const newPage = await reference.newPage();
    await newPage.goto(`${site.url}/state`);
    const blank = await newPage.evaluate(() => ({ history: history.length, name: window.name }));
    await reference.close();

    const page = await pool.page(context);
    expect(pool.isKeeper(page)).toBe(true);
    expect(await pool.page(context)).not.toBe(page); // a second flow in the context gets a page of its own
    let heard = 0;
    page.on('response', () => (heard += 1));
    await page.route(`${site.url}/routed`, (route) => route.fulfill({ contentType: 'text/html', body: '<p>r</p>' }));
    await page.goto(`${site.url}/state`);
    await page.evaluate(() => {
      sessionStorage.setItem('remembered', 'yes');
      window.name = 'remembered';
    });
    await page.goto(`${site.url}/state?again`);
    expect(await page.evaluate(() => history.length)).toBe(blank.history + 1);

    await pool.give(context, (p) => p.close());
    const again = await pool.take();
    const reused = await pool.page(again);
    expect(reused).toBe(page);
    expect(reused.url()).toBe('about:blank');
    heard = 0;
    await reused.goto(`${site.url}/state`);
    expect(await reused.evaluate(() => ({ history: history.length, name: window.name }))).toEqual(blank);
    expect(await reused.evaluate(() => sessionStorage.getItem('remembered'))).toBeNull();
    expect(heard).toBe(0); // the earlier flow's listener is gone
    const routed = await reused.goto(`${site.url}/routed`);
    expect(await routed?.text()).not.toBe('<p>r</p>'); // and so is its route
    await pool.give(again, (p) => p.close());
    await pool.close();
  });

  it('keeps the context when a check closed the page it was handed, with a new page', async () => {
    const pool = new ContextPool(async () => browser);
    const context = await pool.take();
    const page = await pool.page(context);
    await page.goto(`${site.url}/state`);
    await page.close();
    await pool.give(context, (p) => p.close());
    expect(await pool.take()).toBe(context);
    expect(context.pages()).toHaveLength(1);
    const next = await pool.page(context);
    expect(next).not.toBe(page);
    expect(pool.isKeeper(next)).toBe(true);
    expect(await context.cookies()).toEqual([]);
    await pool.give(context, (p) => p.close());
    await pool.close();
  });
});
