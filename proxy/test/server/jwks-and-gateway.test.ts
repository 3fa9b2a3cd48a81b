// Two deployment shapes over the real server: asymmetric signing with a published jwks_uri that another resource
// server can verify against, and gateway mode forwarding to a backend MCP server.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackendMcpServer, type BackendMcpServer } from '../../../bench/lib/backend-mcp-server.ts';
import { generateJwks } from '../../server/generate-jwks.ts';
import { runHttpFlow } from '../../../testkit/http-flow.ts';
import { startStack, type Stack } from '../../../testkit/stack.ts';

describe.each(['ES256', 'EdDSA'] as const)('asymmetric signing with %s', (alg) => {
  let stack: Stack;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'proxy-jwks-'));
    const file = join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify(await generateJwks(alg)));
    stack = await startStack('github', {
      PROXY_JWKS_FILE: file,
      PROXY_ENCRYPTION_KEY: 'jwks-test-encryption-key-0123456789abcdef',
      PROXY_COOKIE_SECRET: 'jwks-test-cookie-secret-0123456789abcdefgh',
    });
  });
  afterAll(() => stack?.close());

  it('publishes jwks_uri with public keys only, and its access tokens verify against it as RFC 9068 JWTs', async () => {
    const metadata = (await (await fetch(`${stack.proxy.url}/.well-known/oauth-authorization-server`)).json()) as {
      jwks_uri: string;
      issuer: string;
    };
    expect(metadata.jwks_uri).toBeTruthy();
    const jwks = (await (await fetch(metadata.jwks_uri)).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).not.toHaveProperty('d');

    const { tokens } = await runHttpFlow(stack.proxy.url, { flavor: 'github' });
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ alg, typ: 'at+jwt' });
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(metadata.jwks_uri)), {
      issuer: metadata.issuer,
      audience: stack.proxy.resource,
      typ: 'at+jwt',
    });
    expect(payload.sub).toBe('1001');
  });
});

describe('gateway mode (PROXY_MCP_UPSTREAM)', () => {
  let backend: BackendMcpServer;
  let stack: Stack;
  beforeAll(async () => {
    backend = await startBackendMcpServer();
    stack = await startStack('github', { PROXY_MCP_UPSTREAM: backend.url });
  });
  afterAll(async () => {
    await stack?.close();
    await backend?.close();
  });

  it("forwards an authorised MCP session to the backend, which sees the user's identity and not the token", async () => {
    const { tokens } = await runHttpFlow(stack.proxy.url, { flavor: 'github' });
    const client = new Client({ name: 'gateway-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(stack.proxy.resource), {
        requestInit: { headers: { Authorization: `Bearer ${tokens.access_token}` } },
      }),
    );
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['echo']);
    const result = await client.callTool({ name: 'echo', arguments: { text: 'hello' } });
    const [content] = result.content as Array<{ text: string }>;
    expect(JSON.parse(content!.text)).toEqual({ text: 'hello', user: '1001' });
    await client.close();
  });

  it('answers unauthenticated traffic with the 401 challenge, not the backend', async () => {
    const response = await fetch(stack.proxy.resource, { method: 'POST', body: '{}' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('resource_metadata=');
  });
});
