// The MCP requests the benchmarks send: JSON-RPC over Streamable HTTP, as a stateless client would post them.
import type { LoadTarget } from './load.ts';

export const MCP_PROTOCOL_VERSION = '2025-06-18';

export function mcpHeaders(accessToken?: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': MCP_PROTOCOL_VERSION,
    ...(accessToken !== undefined ? { authorization: `Bearer ${accessToken}` } : {}),
  };
}

export const TOOLS_LIST_BODY = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });

export const INITIALIZE_BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: {
    protocolVersion: MCP_PROTOCOL_VERSION,
    capabilities: {},
    clientInfo: { name: 'bench', version: '1.0.0' },
  },
});

export function toolsListTarget(url: string, accessToken?: string): LoadTarget {
  return { url, method: 'POST', headers: mcpHeaders(accessToken), body: TOOLS_LIST_BODY };
}

/** Sends the target's request once and returns the answer, failing unless it is a 200 JSON-RPC result. */
export async function probe(target: LoadTarget): Promise<{ body: string; contentType: string }> {
  const response = await fetch(target.url, {
    method: target.method,
    headers: target.headers,
    ...(target.body !== undefined ? { body: target.body } : {}),
  });
  const body = await response.text();
  if (response.status !== 200 || !body.includes('"result"')) {
    throw new Error(`${target.url} answered ${response.status}: ${body.slice(0, 300)}`);
  }
  return { body, contentType: response.headers.get('content-type') ?? 'application/json' };
}
