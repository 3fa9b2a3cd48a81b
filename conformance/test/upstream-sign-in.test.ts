// The kept upstream sign-in against real Chromium and the real GitHub-style mock IdP: once a flow has signed in at
// the IdP's page, a fresh context given the kept cookies goes through the IdP without a page; a cookie name the target
// also set is never kept; outside instrumented mode nothing is kept. And a check that judges the target's cookies is
// given the target's only, not the IdP's that share the loopback host's jar.
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.ts';
import { startCallbackCatcher, type CallbackCatcher } from '../../mock-idp/test/support.ts';
import { chromiumLaunchOptions } from '../lib/browser/chromium.ts';
import { recordNavigation } from '../lib/browser/flow.ts';
import type { Navigation } from '../lib/browser/navigation.ts';
import { UpstreamSignIn } from '../lib/session/upstream-sign-in.ts';

describe('the kept upstream sign-in', () => {
  let browser: Browser;
  let idp: MockIdp;
  let catcher: CallbackCatcher;

  beforeAll(async () => {
    catcher = await startCallbackCatcher();
    idp = await startMockIdp({ flavor: 'github', redirectUris: [catcher.url], strictRedirects: true });
    browser = await chromium.launch(chromiumLaunchOptions());
  });

  afterAll(async () => {
    await browser?.close();
    await idp?.close();
    await catcher?.close();
  });

  const authorizeUrl = (state: string) =>
    `${idp.endpoints.authorization}?${new URLSearchParams({ client_id: idp.client.clientId, scope: 'read:user', state })}`;

  /** Opens the IdP's authorization URL, signs in if its page asks, and returns the navigations up to the callback. */
  async function flow(context: BrowserContext, state: string): Promise<{ navigations: Navigation[]; page: boolean }> {
    const page = await context.newPage();
    const navigations: Navigation[] = [];
    const recorded: Promise<void>[] = [];
    page.on('response', (response) => {
      if (response.request().isNavigationRequest()) recorded.push(recordNavigation(response, navigations, 0));
    });
    await page.goto(authorizeUrl(state));
    const signIn = page.getByRole('button', { name: 'Sign in' });
    const shown = (await signIn.count()) > 0;
    if (shown) await signIn.click();
    await page.getByRole('heading', { name: 'Callback received' }).waitFor();
    await Promise.all(recorded);
    await page.close();
    expect(catcher.received.at(-1)?.get('state')).toBe(state);
    return { navigations, page: shown };
  }

  it('lets a fresh context through the IdP without its page once a flow has signed in there', async () => {
    const kept = new UpstreamSignIn(idp.url);
    const first = await browser.newContext();
    const signedIn = await flow(first, 'first');
    expect(signedIn.page).toBe(true);
    await kept.keepFrom(first, signedIn.navigations);
    await first.close();

    const fresh = await browser.newContext();
    await kept.addTo(fresh);
    expect((await fresh.cookies()).map((c) => c.name)).toEqual(['user_session']);
    expect((await flow(fresh, 'second')).page).toBe(false);
    await fresh.close();

    const without = await browser.newContext();
    expect((await flow(without, 'third')).page).toBe(true);
    await without.close();
  });

  it('never keeps a cookie whose name the target also set, nor anything outside instrumented mode', async () => {
    const context = await browser.newContext();
    const { navigations } = await flow(context, 'fourth');
    const fromTarget: Navigation = {
      method: 'GET',
      url: 'http://127.0.0.1:1/authorize',
      status: 200,
      setCookies: ['user_session=target-owned; Path=/; HttpOnly'],
      headers: {},
    };
    const kept = new UpstreamSignIn(idp.url);
    await kept.keepFrom(context, [fromTarget, ...navigations]);
    const notInstrumented = new UpstreamSignIn(undefined);
    await notInstrumented.keepFrom(context, navigations);
    await context.close();

    for (const sign of [kept, notInstrumented]) {
      const fresh = await browser.newContext();
      await sign.addTo(fresh);
      expect(await fresh.cookies()).toEqual([]);
      await fresh.close();
    }
  });

  it("gives a check the target's cookies without the IdP's, unless the target set the same name", async () => {
    const context = await browser.newContext();
    const { navigations } = await flow(context, 'fifth');
    const targetUrl = 'http://127.0.0.1:1/authorize';
    await context.addCookies([{ name: 'consent', value: 'target-owned', url: targetUrl, httpOnly: true }]);
    const jar = await context.cookies(targetUrl);
    expect(jar.map((c) => c.name).sort()).toEqual(['consent', 'user_session']);
    const sign = new UpstreamSignIn(idp.url);
    expect(sign.targetCookies(jar, navigations).map((c) => c.name)).toEqual(['consent']);
    // Known from the kept sign-in alone (a context given it before its flow, whose IdP set nothing new).
    await sign.keepFrom(context, navigations);
    expect(sign.targetCookies(jar).map((c) => c.name)).toEqual(['consent']);
    const fromTarget: Navigation = {
      method: 'GET',
      url: targetUrl,
      status: 200,
      setCookies: ['user_session=target-owned; Path=/; HttpOnly'],
      headers: {},
    };
    expect(new UpstreamSignIn(idp.url).targetCookies(jar, [fromTarget, ...navigations])).toHaveLength(2);
    expect(new UpstreamSignIn(undefined).targetCookies(jar, navigations)).toHaveLength(2);
    await context.close();
  });
});
