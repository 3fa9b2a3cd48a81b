// MCP step-up authorization through the proxy, with a real client: the TS SDK v2 client (pinned to 2026-07-28) signs
// in with the scope the 401 challenge names, calls a tool that needs a narrower-than-basic scope, gets 403
// insufficient_scope, re-authorizes with the union of its scopes and the challenged one (the consent page in
// Chromium shows the new permission), and then succeeds as the same user and client, for the same resource.
// The TS SDK v1 client cannot be the reference here: on a 403 it refreshes instead of re-authorizing (a refresh
// cannot widen scope, RFC 6749 §6), and it drops previously granted scopes instead of taking the union.
import {
  Client,
  StreamableHTTPClientTransport,
  UnauthorizedError,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../../../conformance/lib/browser/chromium.ts';
import { startCallbackListener, type CallbackListener } from '../../../testkit/callback-listener.ts';
import { MemoryOAuthProvider } from '../../../testkit/memory-oauth-provider.ts';
import { startStack, type Stack } from '../../../testkit/stack.ts';

/** An interactive OAuthClientProvider: every authorization URL is recorded for the test to open in Chromium. */
class BrowserClientProvider
  extends MemoryOAuthProvider<StoredOAuthClientInformation, StoredOAuthTokens, OAuthDiscoveryState>
  implements OAuthClientProvider
{
  constructor(redirectUri: string) {
    super({ redirectUri, clientName: 'MCP SDK v2 step-up client' });
  }
}

describe('step-up authorization with the TS SDK v2 client', () => {
  let stack: Stack;
  let browser: Browser;
  let callback: CallbackListener;

  beforeAll(async () => {
    stack = await startStack('github');
    callback = await startCallbackListener();
    browser = await chromium.launch(chromiumLaunchOptions());
  });
  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await stack?.close();
  });

  /** Opens the authorization URL, approves on the consent page, signs in upstream; the callback's parameters. */
  async function authorizeInBrowser(url: URL): Promise<{ params: URLSearchParams; consentText: string }> {
    const page = await browser.newPage();
    const redirected = callback.next();
    await page.goto(url.href);
    const consentText = (await page.locator('ul.scopes').textContent()) ?? '';
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('button', { name: 'Sign in' }).click();
    const hit = await redirected;
    await page.close();
    return { params: hit.searchParams, consentText };
  }

  const modern = { versionNegotiation: { mode: { pin: '2026-07-28' } } } as const;

  it('re-authorizes with the union of scopes on 403 insufficient_scope and then calls the tool', async () => {
    const mcpUrl = new URL(stack.proxy.resource);
    const provider = new BrowserClientProvider(callback.url);

    // Sign-in: the 401 challenge names what basic access needs, and that is what the client asks for.
    const first = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    await expect(new Client({ name: 'step-up', version: '1.0.0' }, modern).connect(first)).rejects.toThrow(
      UnauthorizedError,
    );
    expect(provider.authorizationUrls[0]?.searchParams.get('scope')).toBe('mcp:tools');
    const signIn = await authorizeInBrowser(provider.authorizationUrls[0]!);
    expect(signIn.consentText).toContain('mcp:tools');
    expect(signIn.consentText).not.toContain('mcp:admin');
    await first.finishAuth(signIn.params);
    expect(provider.saved?.scope).toBe('mcp:tools');

    const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    const client = new Client({ name: 'step-up', version: '1.0.0' }, modern);
    await client.connect(transport);
    const before = (await client.callTool({ name: 'whoami', arguments: {} })).structuredContent as {
      upstream: { sub: string };
      proxy: { client_id: string };
    };

    // The tool needs mcp:admin: 403, and the client starts a new authorization for the union of scopes.
    await expect(client.callTool({ name: 'admin_audit', arguments: {} })).rejects.toThrow(UnauthorizedError);
    const stepUpUrl = provider.authorizationUrls[1];
    expect(stepUpUrl?.searchParams.get('scope')?.split(' ').sort()).toEqual(['mcp:admin', 'mcp:tools']);
    const stepUp = await authorizeInBrowser(stepUpUrl!);
    expect(stepUp.consentText).toContain('mcp:admin');
    expect(stepUp.consentText).toContain('admin_audit');
    await transport.finishAuth(stepUp.params);
    expect(provider.saved?.scope?.split(' ').sort()).toEqual(['mcp:admin', 'mcp:tools']);
    await client.close();

    // The wider token calls the tool; same user, same client, same resource.
    const after = new Client({ name: 'step-up', version: '1.0.0' }, modern);
    await after.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
    const audit = await after.callTool({ name: 'admin_audit', arguments: {} });
    expect(audit.isError).toBeFalsy();
    expect(audit.structuredContent).toMatchObject({
      client_id: before.proxy.client_id,
      sub: before.upstream.sub,
      scopes: expect.arrayContaining(['mcp:tools', 'mcp:admin']),
    });
    const who = (await after.callTool({ name: 'whoami', arguments: {} })).structuredContent as typeof before;
    expect(who.upstream.sub).toBe(before.upstream.sub);
    expect(who.proxy.client_id).toBe(before.proxy.client_id);
    const payload = JSON.parse(Buffer.from(provider.saved!.access_token.split('.')[1]!, 'base64url').toString()) as {
      aud: string;
    };
    expect(payload.aud).toBe(stack.proxy.resource);
    await after.close();
  });
});
