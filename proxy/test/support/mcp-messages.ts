// MCP requests as clients of each revision post them: 2025 messages (an `initialize` handshake, then bare requests
// with the negotiated MCP-Protocol-Version) and 2026-07-28 single exchanges (the `_meta` envelope plus the mirrored
// Mcp-Method / Mcp-Name headers). Tests change one piece at a time to probe a rule.
import { createDemoMcpHandler } from '../../resource/demo-mcp-server.ts';
import { createFakeUpstream } from './fake-upstream.ts';
import { BASE, createTestProxy, exchangeCode, obtainCode, type TestProxy } from './test-proxy.ts';
import type { ProxyOptions } from '../../options/proxy-options.ts';

export const MODERN = '2026-07-28';
export const ACCEPT_BOTH = 'application/json, text/event-stream';

export function envelope(revision = MODERN): Record<string, unknown> {
  return {
    'io.modelcontextprotocol/protocolVersion': revision,
    'io.modelcontextprotocol/clientInfo': { name: 'test-client', version: '1.0.0' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };
}

/** A 2026-07-28 request body and its headers, consistent unless a test overrides a piece. */
export function modern(
  method: string,
  params: Record<string, unknown> = {},
  options: { id?: number | string; meta?: Record<string, unknown>; headers?: Record<string, string | undefined> } = {},
): { body: unknown; headers: Record<string, string | undefined> } {
  const name = typeof params.name === 'string' ? params.name : typeof params.uri === 'string' ? params.uri : undefined;
  return {
    body: { jsonrpc: '2.0', id: options.id ?? 1, method, params: { ...params, _meta: options.meta ?? envelope() } },
    headers: {
      'mcp-protocol-version': MODERN,
      'mcp-method': method,
      ...(name !== undefined ? { 'mcp-name': name } : {}),
      ...options.headers,
    },
  };
}

/** A 2025 request (no envelope) with the given MCP-Protocol-Version header (undefined: none). */
export function legacy(
  method: string,
  params: Record<string, unknown> | undefined,
  revision: string | undefined,
  id: number | string = 1,
): { body: unknown; headers: Record<string, string | undefined> } {
  return {
    body: { jsonrpc: '2.0', id, method, ...(params !== undefined ? { params } : {}) },
    headers: revision !== undefined ? { 'mcp-protocol-version': revision } : {},
  };
}

/** POSTs a body (an object is JSON-encoded) to the MCP endpoint with a bearer token. */
export function postMcp(
  t: TestProxy,
  token: string,
  message: { body: unknown; headers?: Record<string, string | undefined> },
  init: { method?: string; contentType?: string; accept?: string } = {},
): Promise<Response> {
  const headers = new Headers({
    authorization: `Bearer ${token}`,
    'content-type': init.contentType ?? 'application/json',
    accept: init.accept ?? ACCEPT_BOTH,
  });
  for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers.set(k, v);
  const method = init.method ?? 'POST';
  const body = typeof message.body === 'string' ? message.body : JSON.stringify(message.body);
  return t.proxy.fetch(
    new Request(`${BASE}/mcp`, { method, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { body }) }),
  );
}

/** A test proxy serving the demo MCP server, and an access token with the given scope (default: none asked). */
export async function demoProxy(
  overrides: Partial<ProxyOptions> = {},
): Promise<TestProxy & { tokenFor(scope?: string): Promise<string> }> {
  const upstream = createFakeUpstream();
  const withDemo = {
    ...(await createTestProxy({ mcpHandler: createDemoMcpHandler({ upstream }), ...overrides, upstream })),
    upstream,
  };
  return {
    ...withDemo,
    async tokenFor(scope?: string) {
      const flow = await obtainCode(withDemo, { authorize: { scope } });
      const response = await exchangeCode(withDemo, flow);
      if (response.status !== 200) throw new Error(`token answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { access_token: string }).access_token;
    },
  };
}

/** The JSON-RPC messages of an SSE answer, in order. */
export async function sseMessages(response: Response): Promise<Array<Record<string, unknown>>> {
  const text = await response.text();
  return text
    .split('\n\n')
    .map((event) =>
      event
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n'),
    )
    .filter((data) => data !== '')
    .map((data) => JSON.parse(data) as Record<string, unknown>);
}
