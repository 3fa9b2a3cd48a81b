// A `tools/call` as a client of the target's era makes it: after the probe finds which form the endpoint
// understands, a 2026-07-28 endpoint gets one self-contained request (Mcp-Name mirrors the tool name); a 2025 one
// gets the handshake first (`initialize`, its session id if it mints one, `notifications/initialized`) and then the
// call at the negotiated MCP-Protocol-Version, as 2025 Streamable HTTP prescribes.
// @see https://modelcontextprotocol.io/specification/2025-11-25/basic/lifecycle
import type { CheckSession } from '../session/check-session.ts';
import { jsonRpcMessages, mcpRequest, probeMcp, send, type McpProbe } from './mcp-probe.ts';

export interface ToolCall extends McpProbe {
  /** The JSON-RPC result of the call, when it got one. */
  result?: Record<string, unknown>;
}

/** Calls `tool` with `token`; the verdict is that of the call itself (or of the opening request if that failed). */
export async function callTool(
  session: CheckSession,
  token: string,
  tool: string,
  args: Record<string, unknown> = {},
): Promise<ToolCall> {
  const opening = await probeMcp(session, token);
  if (opening.verdict !== 'accepted') return opening;
  const call = { method: 'tools/call', params: { name: tool, arguments: args } };
  const attempts = [...opening.attempts];
  const probe =
    opening.form === 'modern'
      ? await send(session, token, session.settings.mcp, 'modern', call, attempts)
      : await legacyCall(session, token, opening, call, attempts);
  const result = resultOf(probe);
  return { ...probe, ...(result ? { result } : {}) };
}

async function legacyCall(
  session: CheckSession,
  token: string,
  opening: McpProbe,
  call: { method: string; params: Record<string, unknown> },
  attempts: string[],
): Promise<McpProbe> {
  const sessionId = opening.response.headers.get('mcp-session-id');
  const negotiated = resultOf(opening)?.protocolVersion;
  const headers: Record<string, string> = {
    ...(sessionId ? { 'mcp-session-id': sessionId } : {}),
    ...(typeof negotiated === 'string' ? { 'mcp-protocol-version': negotiated } : {}),
  };
  const notification = { method: 'notifications/initialized', headers };
  const initialized = mcpRequest('legacy', session.settings.revision, notification, null);
  await session.http.request({
    method: 'POST',
    url: session.settings.mcp,
    headers: { ...initialized.headers, authorization: `Bearer ${token}` },
    json: initialized.json,
  });
  return send(session, token, session.settings.mcp, 'legacy', { ...call, headers }, attempts);
}

function resultOf(probe: McpProbe): Record<string, unknown> | undefined {
  for (const message of jsonRpcMessages(probe.response)) {
    const result = (message as { result?: unknown }).result;
    if (typeof result === 'object' && result !== null) return result as Record<string, unknown>;
  }
  return undefined;
}
