// A 2026-07-28 client through the proxy with a proxy-issued token: the official TS SDK v2 client
// (@modelcontextprotocol/client), unmodified, pinned to 2026-07-28 against the demo server, and negotiating against
// @modelcontextprotocol/server-everything (a 2025-only server) behind the gateway. Both paths carry a streamed
// (SSE) answer with progress notifications.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEverythingServer, type EverythingServer } from '../../../testkit/everything-server.ts';
import { runHttpFlow } from '../../../testkit/http-flow.ts';
import { startStack, type Stack } from '../../../testkit/stack.ts';

/** A client holding a fixed bearer token (a minimal AuthProvider: the token is read before every request). */
function bearerTransport(url: string, token: string): StreamableHTTPClientTransport {
  return new StreamableHTTPClientTransport(new URL(url), { authProvider: { token: async () => token } });
}

interface Progress {
  progress: number;
  total?: number;
}

describe('the TS SDK v2 client at MCP 2026-07-28 against the demo server', () => {
  let stack: Stack;
  let token: string;
  beforeAll(async () => {
    stack = await startStack('github');
    token = (await runHttpFlow(stack.proxy.url, { flavor: 'github' })).tokens.access_token;
  });
  afterAll(() => stack?.close());

  it('works in the modern era: lists tools, calls whoami, streams count_to progress', async () => {
    const client = new Client(
      { name: 'sdk-v2-test', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    await client.connect(bearerTransport(stack.proxy.resource, token));
    expect(client.getProtocolEra()).toBe('modern');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['whoami', 'count_to', 'admin_audit']);

    const who = await client.callTool({ name: 'whoami', arguments: {} });
    expect(who.structuredContent).toMatchObject({ upstream: { email: 'alice@example.com' }, proxy: { sub: '1001' } });

    const progress: Progress[] = [];
    const counted = await client.callTool(
      { name: 'count_to', arguments: { steps: 3, interval_ms: 10 } },
      { onprogress: (p: Progress) => progress.push(p) },
    );
    expect(counted.structuredContent).toEqual({ counted_to: 3 });
    expect(progress.map((p) => [p.progress, p.total])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    await client.close();
  });

  it('negotiates the modern era on its own ("auto") and gets the same answers', async () => {
    const client = new Client({ name: 'sdk-v2-test', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(bearerTransport(stack.proxy.resource, token));
    expect(client.getProtocolEra()).toBe('modern');
    expect((await client.callTool({ name: 'whoami', arguments: {} })).isError).toBeFalsy();
    await client.close();
  });

  it('gets InsufficientScopeError for admin_audit with a basic token and no OAuth provider to step up with', async () => {
    const client = new Client(
      { name: 'sdk-v2-test', version: '1.0.0' },
      { versionNegotiation: { mode: { pin: '2026-07-28' } } },
    );
    await client.connect(bearerTransport(stack.proxy.resource, token));
    await expect(client.callTool({ name: 'admin_audit', arguments: {} })).rejects.toMatchObject({
      name: 'InsufficientScopeError',
      requiredScope: 'mcp:admin',
    });
    await client.close();
  });
});

describe('the TS SDK v2 client through the gateway to server-everything (a 2025-only server)', () => {
  let everything: EverythingServer;
  let stack: Stack;
  let token: string;
  beforeAll(async () => {
    everything = await startEverythingServer();
    stack = await startStack('github', { PROXY_MCP_UPSTREAM: everything.url });
    token = (await runHttpFlow(stack.proxy.url, { flavor: 'github' })).tokens.access_token;
  });
  afterAll(async () => {
    await stack?.close();
    await everything?.close();
  });

  it('falls back to the 2025 handshake through the proxy and streams the backend progress', async () => {
    const client = new Client({ name: 'sdk-v2-test', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await client.connect(bearerTransport(stack.proxy.resource, token));
    expect(client.getProtocolEra()).toBe('legacy');
    const echo = await client.callTool({ name: 'echo', arguments: { message: 'through the proxy' } });
    expect(JSON.stringify(echo.content)).toContain('through the proxy');
    const progress: Progress[] = [];
    const result = await client.callTool(
      { name: 'trigger-long-running-operation', arguments: { duration: 1, steps: 2 } },
      { onprogress: (p: Progress) => progress.push(p) },
    );
    expect(result.isError).toBeFalsy();
    expect(progress.map((p) => [p.progress, p.total])).toEqual([
      [1, 2],
      [2, 2],
    ]);
    await client.close();
  });

  it('keeps the scope check in front of the backend: a basic token cannot call admin_audit there either', async () => {
    const response = await fetch(stack.proxy.resource, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'admin_audit' } }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('scope="mcp:admin"');
  });
});
