// The demo MCP server at the 2025 revisions (2025-03-26, 2025-06-18, 2025-11-25): the initialize handshake answered
// per request without a session, bare requests at the negotiated MCP-Protocol-Version, 2025-03-26 batches.
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestProxy } from '../support/test-proxy.ts';
import { demoProxy, legacy, postMcp, sseMessages } from '../support/mcp-messages.ts';

let t: TestProxy;
let token: string;

beforeAll(async () => {
  const demo = await demoProxy();
  t = demo;
  token = await demo.tokenFor();
});

const REVISIONS = ['2025-03-26', '2025-06-18', '2025-11-25'] as const;

describe('2025 requests to the demo server', () => {
  it.each(REVISIONS)('answers initialize for %s with that revision, its capabilities and no session', async (rev) => {
    const response = await postMcp(
      t,
      token,
      legacy('initialize', { protocolVersion: rev, capabilities: {}, clientInfo: { name: 'c', version: '1' } }, rev),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('mcp-session-id')).toBeNull();
    expect(await response.json()).toMatchObject({
      jsonrpc: '2.0',
      id: 1,
      result: { protocolVersion: rev, capabilities: { tools: {} }, serverInfo: { name: 'mcp-oauth-proxy-demo' } },
    });
  });

  it('offers its latest 2025 revision to a client asking for one it does not serve', async () => {
    const response = await postMcp(t, token, legacy('initialize', { protocolVersion: '2024-11-05' }, undefined));
    expect(await response.json()).toMatchObject({ result: { protocolVersion: '2025-11-25' } });
  });

  it.each(REVISIONS)('lists tools at %s without a prior initialize (stateless), without resultType', async (rev) => {
    const response = await postMcp(t, token, legacy('tools/list', {}, rev));
    const body = (await response.json()) as { result: { tools: Array<{ name: string }> } };
    expect(body.result.tools.map((tool) => tool.name)).toEqual(['whoami', 'count_to', 'admin_audit']);
    expect(body.result).not.toHaveProperty('resultType');
  });

  it('accepts notifications/initialized and a posted response with 202 and no body', async () => {
    const notification = { body: { jsonrpc: '2.0', method: 'notifications/initialized' }, headers: {} };
    const accepted = await postMcp(t, token, notification);
    expect(accepted.status).toBe(202);
    expect(await accepted.text()).toBe('');
    const response = await postMcp(t, token, { body: { jsonrpc: '2.0', id: 3, result: {} } });
    expect(response.status).toBe(202);
  });

  it('answers ping, and an unknown method with -32601', async () => {
    expect(await (await postMcp(t, token, legacy('ping', undefined, '2025-06-18'))).json()).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: {},
    });
    const unknown = await postMcp(t, token, legacy('foo/bar', {}, '2025-06-18'));
    expect(await unknown.json()).toMatchObject({ id: 1, error: { code: -32601 } });
  });

  it('calls whoami with the grant the token stands for', async () => {
    const response = await postMcp(t, token, legacy('tools/call', { name: 'whoami', arguments: {} }, '2025-11-25'));
    expect(await response.json()).toMatchObject({
      result: { structuredContent: { upstream: { sub: '1001' }, proxy: { scopes: ['mcp:tools'] } } },
    });
  });

  it('streams count_to progress over SSE for a request with a progressToken', async () => {
    const message = legacy(
      'tools/call',
      { name: 'count_to', arguments: { steps: 2, interval_ms: 0 }, _meta: { progressToken: 9 } },
      '2025-06-18',
    );
    const response = await postMcp(t, token, message);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const messages = await sseMessages(response);
    expect(messages.map((m) => m.method ?? m.id)).toEqual(['notifications/progress', 'notifications/progress', 1]);
    expect(messages[2]).toMatchObject({ result: { structuredContent: { counted_to: 2 } } });
    expect(messages[2]?.result).not.toHaveProperty('resultType');
  });

  it('answers with JSON only to a client that accepts only JSON, even with a progressToken', async () => {
    const message = legacy(
      'tools/call',
      { name: 'count_to', arguments: { steps: 1, interval_ms: 0 }, _meta: { progressToken: 9 } },
      '2025-06-18',
    );
    const response = await postMcp(t, token, message, { accept: 'application/json' });
    expect(response.headers.get('content-type')).toBe('application/json');
  });

  it('answers an unsupported MCP-Protocol-Version with 400 and the revisions it serves', async () => {
    const response = await postMcp(t, token, legacy('tools/list', {}, '1999-01-01'));
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: -32022, data: { supported: expect.arrayContaining([...REVISIONS, '2026-07-28']) } },
    });
  });
});

describe('2025-03-26 batches', () => {
  const batch = [
    { jsonrpc: '2.0', id: 1, method: 'ping' },
    { jsonrpc: '2.0', method: 'notifications/initialized' },
    { jsonrpc: '2.0', id: 'b', method: 'tools/list' },
  ];

  it('answers a batch (no MCP-Protocol-Version: 2025-03-26) with one response per request', async () => {
    const response = await postMcp(t, token, { body: batch });
    const answers = (await response.json()) as Array<{ id: unknown }>;
    expect(answers.map((a) => a.id)).toEqual([1, 'b']);
  });

  it('refuses a batch at 2025-06-18, which removed batching, and a batch holding initialize', async () => {
    const later = await postMcp(t, token, { body: batch, headers: { 'mcp-protocol-version': '2025-06-18' } });
    expect(later.status).toBe(400);
    const withInit = await postMcp(t, token, { body: [{ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} }] });
    expect(withInit.status).toBe(400);
    expect(await withInit.json()).toMatchObject({ error: { code: -32600 } });
  });
});
