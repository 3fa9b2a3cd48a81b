// The demo MCP server at MCP 2026-07-28: single-exchange requests with the per-request `_meta` envelope and the
// mirrored Mcp-Method / Mcp-Name headers, server/discover, and the statuses and JSON-RPC codes of that revision.
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestProxy } from '../support/test-proxy.ts';
import { demoProxy, envelope, modern, MODERN, postMcp, sseMessages } from '../support/mcp-messages.ts';

let t: TestProxy;
let token: string;

beforeAll(async () => {
  const demo = await demoProxy();
  t = demo;
  token = await demo.tokenFor();
});

async function rpcError(response: Response): Promise<{ status: number; code: unknown; id: unknown }> {
  const body = (await response.json()) as { id: unknown; error?: { code: unknown } };
  return { status: response.status, code: body.error?.code, id: body.id };
}

describe('MCP 2026-07-28 requests to the demo server', () => {
  it('answers server/discover with the revisions it serves, its capabilities and its identity', async () => {
    const response = await postMcp(t, token, modern('server/discover'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('mcp-session-id')).toBeNull();
    const { result } = (await response.json()) as { result: Record<string, unknown> };
    expect(result).toMatchObject({
      resultType: 'complete',
      supportedVersions: expect.arrayContaining([MODERN, '2025-11-25', '2025-06-18', '2025-03-26']),
      capabilities: { tools: {} },
      cacheScope: 'public',
      _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'mcp-oauth-proxy-demo' } },
    });
    expect(result.ttlMs).toBeGreaterThanOrEqual(0);
  });

  it('lists its tools with resultType, ttlMs and cacheScope', async () => {
    const response = await postMcp(t, token, modern('tools/list', {}, { id: 'list-1' }));
    const body = (await response.json()) as { id: unknown; result: { tools: Array<{ name: string }> } };
    expect(body.id).toBe('list-1');
    expect(body.result).toMatchObject({ resultType: 'complete', cacheScope: 'public', ttlMs: expect.any(Number) });
    expect(body.result.tools.map((tool) => tool.name)).toEqual(['whoami', 'count_to', 'admin_audit']);
  });

  it('calls whoami, which reaches the IdP with the upstream token kept server-side', async () => {
    const response = await postMcp(t, token, modern('tools/call', { name: 'whoami', arguments: {} }));
    expect(response.status).toBe(200);
    const { result } = (await response.json()) as { result: Record<string, unknown> };
    expect(result).toMatchObject({
      resultType: 'complete',
      structuredContent: { upstream: { provider: 'github', sub: '1001' }, proxy: { scopes: ['mcp:tools'] } },
    });
    expect(result).not.toHaveProperty('isError');
  });

  it('accepts an Mcp-Name in the Base64 sentinel form', async () => {
    const message = modern('tools/call', { name: 'whoami' }, { headers: { 'mcp-name': '=?base64?d2hvYW1p?=' } });
    expect((await postMcp(t, token, message)).status).toBe(200);
  });

  it('streams count_to progress as SSE events before the response when the request has a progressToken', async () => {
    const message = modern('tools/call', { name: 'count_to', arguments: { steps: 3, interval_ms: 0 } });
    (message.body as { params: { _meta: Record<string, unknown> } }).params._meta.progressToken = 'p-1';
    const response = await postMcp(t, token, message);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    const messages = await sseMessages(response);
    expect(messages.map((m) => m.method ?? 'response')).toEqual([
      'notifications/progress',
      'notifications/progress',
      'notifications/progress',
      'response',
    ]);
    expect(messages[0]).toMatchObject({ params: { progressToken: 'p-1', progress: 1, total: 3 } });
    expect(messages[3]).toMatchObject({
      id: 1,
      result: { resultType: 'complete', structuredContent: { counted_to: 3 } },
    });
  });

  it('answers count_to with one JSON response when no progress was asked for', async () => {
    const message = modern('tools/call', { name: 'count_to', arguments: { steps: 2, interval_ms: 0 } });
    const response = await postMcp(t, token, message);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toMatchObject({ result: { structuredContent: { counted_to: 2 } } });
  });

  it('reports bad arguments as a tool execution error and an unknown tool as -32602', async () => {
    const bad = await postMcp(t, token, modern('tools/call', { name: 'count_to', arguments: { steps: 0 } }));
    expect(await bad.json()).toMatchObject({ result: { isError: true, resultType: 'complete' } });
    const unknown = await postMcp(t, token, modern('tools/call', { name: 'nope', arguments: {} }));
    expect(await rpcError(unknown)).toEqual({ status: 200, code: -32602, id: 1 });
  });

  it('accepts a notification with 202 and no body', async () => {
    const message = modern('notifications/cancelled', {}, { headers: {} });
    delete (message.body as { id?: unknown }).id;
    const response = await postMcp(t, token, message);
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
  });

  it('refuses a notification whose Mcp-Method is not its method (400 -32020)', async () => {
    const notification = { jsonrpc: '2.0', method: 'notifications/cancelled', params: {} };
    const headers = { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/list' };
    expect((await rpcError(await postMcp(t, token, { body: notification, headers }))).code).toBe(-32020);
  });

  it('ignores an Mcp-Session-Id and mints none', async () => {
    const response = await postMcp(t, token, modern('tools/list', {}, { headers: { 'mcp-session-id': 'abc' } }));
    expect(response.status).toBe(200);
    expect(response.headers.get('mcp-session-id')).toBeNull();
  });
});

describe('MCP 2026-07-28 errors of the demo server', () => {
  it('answers an unknown method, and the removed ping, with 404 and -32601', async () => {
    for (const method of ['foo/bar', 'ping', 'resources/list']) {
      expect(await rpcError(await postMcp(t, token, modern(method)))).toEqual({ status: 404, code: -32601, id: 1 });
    }
  });

  it('answers an unsupported revision with 400 -32022 listing the supported ones', async () => {
    const message = modern(
      'tools/list',
      {},
      { meta: envelope('1900-01-01'), headers: { 'mcp-protocol-version': '1900-01-01' } },
    );
    const response = await postMcp(t, token, message);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      id: 1,
      error: { code: -32022, data: { supported: expect.arrayContaining([MODERN]), requested: '1900-01-01' } },
    });
  });

  it.each([
    ['MCP-Protocol-Version missing', { 'mcp-protocol-version': undefined }],
    ['MCP-Protocol-Version not the _meta one', { 'mcp-protocol-version': '2025-11-25' }],
    ['Mcp-Method missing', { 'mcp-method': undefined }],
    ['Mcp-Method not the body method', { 'mcp-method': 'tools/list' }],
    ['Mcp-Name missing', { 'mcp-name': undefined }],
    ['Mcp-Name not the body name', { 'mcp-name': 'admin_audit' }],
    ['Mcp-Name a malformed Base64 value', { 'mcp-name': '=?base64?***?=' }],
    ['Mcp-Name the body name in Base64 of another name', { 'mcp-name': '=?base64?YWRtaW5fYXVkaXQ=?=' }],
  ])('answers a tools/call with %s with 400 -32020 (HeaderMismatch)', async (_name, headers) => {
    const message = modern('tools/call', { name: 'whoami', arguments: {} }, { headers });
    const sent = { ...message, headers: Object.fromEntries(Object.entries(message.headers)) };
    for (const [k, v] of Object.entries(headers)) if (v === undefined) delete sent.headers[k];
    expect(await rpcError(await postMcp(t, token, sent))).toEqual({ status: 400, code: -32020, id: 1 });
  });

  it.each([
    ['no _meta', undefined],
    ['no clientCapabilities', { 'io.modelcontextprotocol/protocolVersion': MODERN }],
    ['clientCapabilities not an object', { ...envelope(), 'io.modelcontextprotocol/clientCapabilities': 'all' }],
  ])('answers a request with %s with 400 -32602', async (_name, meta) => {
    const message = modern('tools/list');
    const body = message.body as { params: Record<string, unknown> };
    if (meta === undefined) delete body.params._meta;
    else body.params._meta = meta;
    expect(await rpcError(await postMcp(t, token, message))).toEqual({ status: 400, code: -32602, id: 1 });
  });

  it('refuses an initialize sent with a 2026-07-28 header (400 -32020), and a batch (400 -32600)', async () => {
    const init = {
      body: { jsonrpc: '2.0', id: 7, method: 'initialize', params: {} },
      headers: { 'mcp-protocol-version': MODERN },
    };
    expect(await rpcError(await postMcp(t, token, init))).toEqual({ status: 400, code: -32020, id: 7 });
    const batch = { body: [modern('tools/list').body], headers: { 'mcp-protocol-version': MODERN } };
    expect((await rpcError(await postMcp(t, token, batch))).code).toBe(-32600);
  });
});
