// The consent page as a user meets it, in real Chromium: a hostile client name stays inert text, Approve continues to
// the IdP, Deny returns access_denied to the client, the page cannot be framed, and a remembered approval for one
// client never approves another.
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../../../conformance/lib/browser/chromium.ts';
import { newPkce } from '../../../testkit/pkce.ts';
import { startCallbackListener, type CallbackListener } from '../../../testkit/callback-listener.ts';
import { listenOnLoopback } from '../../../testkit/loopback-server.ts';
import { startStack, type Stack } from '../../../testkit/stack.ts';

const HOSTILE_NAME = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>Evil "Corp" & Co`;

describe('the consent page in Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  let callback: CallbackListener;

  beforeAll(async () => {
    stack = await startStack('github', { PROXY_CONSENT: 'remember', PROXY_SERVER_NAME: 'Acme Docs MCP' });
    callback = await startCallbackListener();
    browser = await chromium.launch(chromiumLaunchOptions());
    mkdirSync('test-results/proxy', { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await stack?.close();
  });

  async function register(clientName: string): Promise<string> {
    const response = await fetch(`${stack.proxy.url}/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        redirect_uris: [callback.url],
        token_endpoint_auth_method: 'none',
        client_name: clientName,
      }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { client_id: string }).client_id;
  }

  function authorizeUrl(clientId: string, state: string): string {
    const url = new URL(`${stack.proxy.url}/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: callback.url,
      code_challenge: newPkce().challenge,
      code_challenge_method: 'S256',
      state,
    }).toString();
    return url.href;
  }

  it('shows a hostile client name as inert text, with the redirect host, and runs no script', async () => {
    const clientId = await register(HOSTILE_NAME);
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const response = await page.goto(authorizeUrl(clientId, 'xss'));
    expect(response?.headers()['x-frame-options']).toBe('DENY');
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain(HOSTILE_NAME);
    expect(await page.getByText(new URL(callback.url).host, { exact: true }).isVisible()).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('img, script:not([nonce])').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.screenshot({ path: 'test-results/proxy/consent-hostile-name.png', fullPage: true });
    await context.close();
  });

  it('says which MCP server asks, and marks the client name as chosen by the client itself', async () => {
    const clientId = await register('Friendly Client');
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(authorizeUrl(clientId, 'who'));
    const heading = (await page.getByRole('heading', { level: 1 }).textContent())?.replace(/\s+/g, ' ');
    const issuerHost = new URL(stack.proxy.issuer).host;
    expect(heading).toContain('Friendly Client');
    expect(heading).toContain(`Acme Docs MCP at ${issuerHost}`);
    await expect(page.getByText('was chosen by the application itself').count()).resolves.toBe(1);
    // Keyboard order: Deny comes first, Approve second, both reachable with Tab.
    const names = await page.getByRole('button').allTextContents();
    expect(names.map((n) => n.trim())).toEqual(['Deny', 'Approve']);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: 'test-results/proxy/consent-dark.png', fullPage: true });
    await context.close();
  });

  it('explains a refused request in plain words, then the code and the request id to quote, and never redirects', async () => {
    const clientId = await register('Mismatched Client');
    const url = new URL(authorizeUrl(clientId, 'bad'));
    url.searchParams.set('redirect_uri', 'http://127.0.0.1:1/elsewhere');
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(url.href);
    expect(response?.status()).toBe(400);
    expect(page.url()).toBe(url.href);
    const requestId = response?.headers()['x-request-id'];
    const text = ((await page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ');
    expect(text).toContain('The application asked to send you back to an address it has not registered');
    expect(text.indexOf('not registered')).toBeLessThan(text.indexOf('invalid_request'));
    expect(text).toContain('invalid_request');
    expect(text).toContain(`Request id ${requestId}`);
    expect(callback.hits.some((hit) => hit.searchParams.get('state') === 'bad')).toBe(false);
    await page.screenshot({ path: 'test-results/proxy/error-page.png', fullPage: true });
    await context.close();
  });

  it('sends Deny back to the client as access_denied with its state and the issuer', async () => {
    const clientId = await register('Deny test client');
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(authorizeUrl(clientId, 'deny-state/ü'));
    const redirected = callback.next();
    await page.getByRole('button', { name: 'Deny' }).click();
    const hit = await redirected;
    expect(hit.searchParams.get('error')).toBe('access_denied');
    expect(hit.searchParams.get('state')).toBe('deny-state/ü');
    expect(hit.searchParams.get('iss')).toBe(stack.proxy.issuer);
    expect(stack.idp.requests().filter((r) => r.path === '/login/oauth/authorize')).toHaveLength(0);
    await context.close();
  });

  it('continues to the IdP on Approve, and remembers the approval for that client only', async () => {
    const first = await register('Remembered client');
    const other = await register('Another client');
    const context: BrowserContext = await browser.newContext();
    const page = await context.newPage();

    await page.goto(authorizeUrl(first, 's1'));
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect(page.getByRole('button', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    const redirected = callback.next();
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect((await redirected).searchParams.get('code')).toBeTruthy();
    const cookies = await context.cookies(stack.proxy.url);
    expect(cookies.some((c) => c.httpOnly && c.sameSite === 'Lax' && c.name.startsWith('mcp-consent-'))).toBe(true);

    // Same client again: the signed cookie skips the page and goes straight to the IdP, where the user is signed in
    // already (the mock IdP then sends the browser straight back with a code, as GitHub does).
    const hops: string[] = [];
    page.on('request', (r) => {
      if (r.isNavigationRequest()) hops.push(new URL(r.url()).pathname);
    });
    const again = callback.next();
    await page.goto(authorizeUrl(first, 's2'));
    expect((await again).searchParams.get('code')).toBeTruthy();
    expect(hops.slice(0, 2)).toEqual(['/authorize', '/login/oauth/authorize']);
    page.removeAllListeners('request');

    // Another client in the same browser is still asked (MCP "Confused Deputy": consent per client).
    await page.goto(authorizeUrl(other, 's3'));
    expect(new URL(page.url()).pathname).toBe('/authorize');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('Another client');
    await context.close();
  });

  it('cannot be framed by another site, while a page without anti-framing headers can', async () => {
    const clientId = await register('Framed client');
    const framer = await listenOnLoopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        `<!doctype html><iframe name="consent" src="${authorizeUrl(clientId, 'frame')}"></iframe>` +
          `<iframe name="control" src="${callback.url}?control=1"></iframe>`,
      );
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      // The load event of the framing page waits for both frames to finish (or fail) loading.
      await page.goto(`http://localhost:${framer.port}/`, { waitUntil: 'load' });
      const control = page.frame({ name: 'control' });
      expect(await control?.getByText('You can close this window').count()).toBe(1);
      const consent = page.frame({ name: 'consent' });
      expect(consent).not.toBeNull();
      expect(await consent!.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    } finally {
      await context.close();
      await framer.close();
    }
  });
});
