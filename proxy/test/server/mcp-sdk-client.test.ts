// The official MCP TypeScript SDK client, unmodified, against the standalone proxy: discovery from the 401, dynamic
// registration, PKCE, the consent page in Chromium, the upstream login, the token exchange, and tools over
// Streamable HTTP. If this passes, real MCP clients can use the proxy.
import { mkdirSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../../../conformance/lib/browser/chromium.ts';
import { startCallbackListener, type CallbackListener } from '../../../testkit/callback-listener.ts';
import { MemoryOAuthProvider } from '../../../testkit/memory-oauth-provider.ts';
import { startStack, type Stack } from '../../../testkit/stack.ts';

/** A browser-backed OAuthClientProvider: the authorization URL is opened in Chromium, as a desktop client would. */
class BrowserClientProvider
  extends MemoryOAuthProvider<OAuthClientInformationMixed, OAuthTokens>
  implements OAuthClientProvider
{
  constructor(redirectUri: string) {
    super({ redirectUri, clientName: 'MCP SDK test client' });
  }
}

describe.each(['github', 'oidc'] as const)('the official MCP SDK client through the proxy (%s upstream)', (flavor) => {
  let stack: Stack;
  let browser: Browser;
  let callback: CallbackListener;

  beforeAll(async () => {
    stack = await startStack(flavor);
    callback = await startCallbackListener();
    browser = await chromium.launch(chromiumLaunchOptions());
  });
  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await stack?.close();
  });

  it('discovers, registers, gets consent in the browser, and calls whoami with the upstream identity', async () => {
    const mcpUrl = new URL(stack.proxy.resource);
    const provider = new BrowserClientProvider(callback.url);

    // 1–4: the first connect hits 401, discovers PRM and AS metadata, registers, and asks for a browser redirect.
    const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    await expect(new Client({ name: 'sdk-test', version: '1.0.0' }).connect(first)).rejects.toThrow(UnauthorizedError);
    expect(provider.client?.client_id).toBeTruthy();
    expect(provider.authorizationUrl?.origin).toBe(new URL(stack.proxy.url).origin);

    // 5–10: consent in Chromium, then the mock IdP's login page, then back to the client's loopback redirect.
    const page = await browser.newPage();
    const redirected = callback.next();
    await page.goto(provider.authorizationUrl!.href);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toContain('MCP SDK test client');
    mkdirSync('test-results/proxy', { recursive: true });
    await page.screenshot({ path: `test-results/proxy/consent-${flavor}.png`, fullPage: true });
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('button', { name: 'Sign in' }).click();
    const hit = await redirected;
    await page.close();
    const code = hit.searchParams.get('code');
    expect(code).toBeTruthy();
    expect(hit.searchParams.get('iss')).toBe(stack.proxy.issuer);

    // 11: the SDK exchanges the code (with its PKCE verifier and resource) for the proxy's tokens.
    await first.finishAuth(code!);
    expect(provider.saved?.access_token).toBeTruthy();
    expect(provider.saved?.refresh_token).toBeTruthy();
    const upstreamTokens = stack.idp.issuedTokens().map((t) => t.value);
    expect(upstreamTokens).not.toContain(provider.saved?.access_token);

    // 12: an authenticated MCP session: list tools, call whoami, which reaches the IdP with the stored upstream token.
    const client = new Client({ name: 'sdk-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('whoami');
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    const who = result.structuredContent as { upstream: { sub: string; email?: string }; proxy: { client_id: string } };
    expect(who.upstream.email).toBe('alice@example.com');
    expect(who.proxy.client_id).toBe(provider.client?.client_id);
    await client.close();
  });
});
