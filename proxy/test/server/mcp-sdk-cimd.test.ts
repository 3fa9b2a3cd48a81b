// The official MCP TypeScript SDK (v1) client, unmodified, identifying itself with a Client ID Metadata Document:
// the SDK only sends its document URL as client_id; the proxy fetches the document over real HTTPS from a loopback
// host with its own test CA (reached through the dangerous test host map), the user approves in Chromium, and the
// client calls a tool and refreshes. With documents turned off, the same client falls back to dynamic registration.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { auth, UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../../../conformance/lib/browser/chromium.ts';
import { MetadataDocumentServer } from '../../../conformance/lib/target/metadata-document-server.ts';
import { startCallbackListener, type CallbackListener } from '../../../testkit/callback-listener.ts';
import { MemoryOAuthProvider } from '../../../testkit/memory-oauth-provider.ts';
import { startStack, type Stack } from '../../../testkit/stack.ts';

const HOST = 'sdk-client.test';

/** A browser-backed provider that names its metadata document (clientMetadataUrl), as a CIMD-capable client does. */
class DocumentClientProvider
  extends MemoryOAuthProvider<OAuthClientInformationMixed, OAuthTokens>
  implements OAuthClientProvider
{
  constructor(redirectUri: string, clientMetadataUrl: string) {
    super({ redirectUri, clientName: 'MCP SDK document client', clientMetadataUrl });
  }
}

describe('the MCP SDK client with a Client ID Metadata Document', () => {
  let docs: MetadataDocumentServer;
  let browser: Browser;
  let callback: CallbackListener;
  let documentUrl: string;

  beforeAll(async () => {
    docs = await MetadataDocumentServer.start({ host: HOST });
    callback = await startCallbackListener();
    browser = await chromium.launch(chromiumLaunchOptions());
    documentUrl = docs.url('/mcp/client-metadata.json');
    docs.publish('/mcp/client-metadata.json', {
      headers: { 'cache-control': 'max-age=300' },
      json: {
        client_id: documentUrl,
        client_name: 'MCP SDK document client',
        client_uri: `https://${HOST}`,
        redirect_uris: [callback.url],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
    });
  });
  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await docs?.close();
  });

  async function stackWith(env: Record<string, string>): Promise<Stack> {
    return startStack('github', {
      PROXY_DANGEROUSLY_ALLOW_CIMD_HOSTS: `${HOST}=127.0.0.1:${docs.port}`,
      PROXY_CIMD_CA_FILE: docs.info.caFile,
      ...env,
    });
  }

  /** Connect (401 → authorization URL), approve in Chromium, sign in upstream, finish with the code. */
  async function authorizeInBrowser(mcpUrl: URL, provider: DocumentClientProvider): Promise<void> {
    const transport = new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider });
    await expect(new Client({ name: 'sdk-cimd', version: '1.0.0' }).connect(transport)).rejects.toThrow(
      UnauthorizedError,
    );
    const page = await browser.newPage();
    const redirected = callback.next();
    await page.goto(provider.authorizationUrl!.href);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('button', { name: 'Sign in' }).click();
    const hit = await redirected;
    await page.close();
    await transport.finishAuth(hit.searchParams.get('code')!);
  }

  async function whoami(mcpUrl: URL, provider: DocumentClientProvider): Promise<{ proxy: { client_id: string } }> {
    const client = new Client({ name: 'sdk-cimd', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl, { authProvider: provider }));
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    await client.close();
    return result.structuredContent as { proxy: { client_id: string } };
  }

  it('uses its document URL as client_id, calls a tool and refreshes, without registering', async () => {
    const stack = await stackWith({});
    try {
      const mcpUrl = new URL(stack.proxy.resource);
      const provider = new DocumentClientProvider(callback.url, documentUrl);
      const fetchesBefore = docs.hits.length;
      await authorizeInBrowser(mcpUrl, provider);
      expect(provider.client?.client_id).toBe(documentUrl);
      expect(provider.authorizationUrl?.searchParams.get('client_id')).toBe(documentUrl);
      expect(docs.hits.length).toBeGreaterThan(fetchesBefore);
      expect(provider.saved?.refresh_token).toBeTruthy();
      expect((await whoami(mcpUrl, provider)).proxy.client_id).toBe(documentUrl);

      const before = provider.saved!;
      await expect(auth(provider, { serverUrl: mcpUrl })).resolves.toBe('AUTHORIZED');
      expect(provider.saved?.access_token).not.toBe(before.access_token);
      expect(provider.saved?.refresh_token).not.toBe(before.refresh_token);
      expect((await whoami(mcpUrl, provider)).proxy.client_id).toBe(documentUrl);
    } finally {
      await stack.close();
    }
  });

  it('falls back to dynamic registration when the proxy does not accept documents', async () => {
    const stack = await stackWith({ PROXY_CIMD: 'false' });
    try {
      const mcpUrl = new URL(stack.proxy.resource);
      const metadata = await (await fetch(`${stack.proxy.issuer}/.well-known/oauth-authorization-server`)).json();
      expect(metadata).not.toHaveProperty('client_id_metadata_document_supported');
      const provider = new DocumentClientProvider(callback.url, documentUrl);
      const fetchesBefore = docs.hits.length;
      await authorizeInBrowser(mcpUrl, provider);
      expect(provider.client?.client_id).toBeTruthy();
      expect(provider.client?.client_id).not.toBe(documentUrl);
      expect((await whoami(mcpUrl, provider)).proxy.client_id).toBe(provider.client?.client_id);
      expect(docs.hits.length).toBe(fetchesBefore);
    } finally {
      await stack.close();
    }
  });
});
