// The MCP probe: one request to the protected MCP endpoint, shaped for the MCP revision under test, and a verdict
// that keeps two questions apart. "Was the token refused?" is answered by 401/403 (MCP authorization "Error
// Handling": 401 "Authorization required or token invalid", 403 "Invalid scopes or insufficient permissions").
// "Was the request understood?" fails with any other 4xx carrying a JSON-RPC protocol error; the probe then retries
// once in the other era's form (2025: the `initialize` handshake; 2026-07-28: a single-exchange `server/discover`
// with the `_meta` envelope and mirrored headers), and when neither form is understood the verdict says so, so that
// a check reports "not testable" with the diagnosis instead of reading a protocol error as a token failure.
// @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#error-handling
// @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#backward-compatibility
import { NotTestable } from '../model/outcome.ts';
import type { Revision } from '../model/vocabulary.ts';
import type { CheckSession } from '../session/check-session.ts';
import type { HttpResponse } from '../transport/http.ts';
import { parseBearerChallenge } from './bearer-challenge.ts';

export type McpForm = 'modern' | 'legacy';

/** `accepted`: 2xx; `refused`: 401/403 or an OAuth-shaped token error; `not-understood`: no form was understood. */
export type ProbeVerdict = 'accepted' | 'refused' | 'not-understood' | 'server-error';

export interface McpProbe {
  verdict: ProbeVerdict;
  /** The answer the verdict is about (the last one sent). */
  response: HttpResponse;
  status: number;
  /** The form of that last request. */
  form: McpForm;
  /** The Bearer challenge of a refusal, when there is one. */
  challenge?: Record<string, string>;
  /** Each request sent, e.g. `modern server/discover → 400 -32020`. */
  attempts: string[];
  /** One sentence for a check's message. */
  diagnosis: string;
}

const CLIENT_INFO = { name: 'oauth-proxy-conformance', version: '0.1.0' };
const MODERN_REVISION = '2026-07-28';
const LATEST_LEGACY = '2025-11-25';

/** The form a revision's clients send first: 2026-07-28 clients single exchanges, 2025 clients the handshake. */
export function firstForm(revision: Revision): McpForm {
  return revision === MODERN_REVISION ? 'modern' : 'legacy';
}

export interface McpCall {
  method: string;
  params?: Record<string, unknown>;
  /** Extra headers (a session id, a negotiated MCP-Protocol-Version). */
  headers?: Record<string, string>;
}

/** The HTTP request of one JSON-RPC request (`id` null: a notification) in a form, for the revision under test. */
export function mcpRequest(
  form: McpForm,
  revision: Revision,
  call: McpCall,
  id: number | string | null = 1,
): { headers: Record<string, string>; json: unknown } {
  const idField = id === null ? {} : { id };
  const base = { accept: 'application/json, text/event-stream', ...call.headers };
  if (form === 'legacy') {
    const version = revision === MODERN_REVISION ? LATEST_LEGACY : revision;
    return {
      headers: { 'mcp-protocol-version': version, ...base },
      json: { jsonrpc: '2.0', ...idField, method: call.method, ...(call.params ? { params: call.params } : {}) },
    };
  }
  const name = call.params?.name ?? call.params?.uri;
  return {
    headers: {
      ...base,
      'mcp-protocol-version': MODERN_REVISION,
      'mcp-method': call.method,
      ...(typeof name === 'string' ? { 'mcp-name': headerSafe(name) } : {}),
    },
    json: {
      jsonrpc: '2.0',
      ...idField,
      method: call.method,
      params: {
        ...call.params,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': MODERN_REVISION,
          'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
          'io.modelcontextprotocol/clientCapabilities': {},
        },
      },
    },
  };
}

/** MCP "Value Encoding": a name that is not plain visible ASCII travels as `=?base64?…?=`. */
function headerSafe(value: string): string {
  if (/^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(value) && !/^=\?base64\?.*\?=$/.test(value)) return value;
  return `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/** The opening request of each form: what a client of that era sends first. */
function openingCall(form: McpForm, revision: Revision): McpCall {
  if (form === 'modern') return { method: 'server/discover' };
  return {
    method: 'initialize',
    params: {
      protocolVersion: revision === MODERN_REVISION ? LATEST_LEGACY : revision,
      capabilities: {},
      clientInfo: CLIENT_INFO,
    },
  };
}

/** How long a revocation may take to reach every server of the target (several instances, short caches). */
export const REVOCATION_PROPAGATION_MS = 3000;

/**
 * Probes a token that should no longer work, again and again until it is refused or REVOCATION_PROPAGATION_MS has
 * passed. RFC 7009 §2.2: "In practice, there could be a propagation delay, for example, in which some servers know
 * about the invalidation while others do not. Implementations should minimize that window". A token still accepted
 * after the window is judged as the check says.
 */
export async function probeMcpUntilRefused(session: CheckSession, token: string): Promise<McpProbe> {
  const deadline = Date.now() + REVOCATION_PROPAGATION_MS;
  for (;;) {
    const probe = await probeMcp(session, token);
    if (probe.verdict !== 'accepted' || Date.now() >= deadline) return probe;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The probe: the opening request of the revision's form with `token` (none: unauthenticated), and once more in the
 * other form when the first was not understood. `url` overrides the MCP endpoint (e.g. a token in the query).
 */
export async function probeMcp(
  session: CheckSession,
  token: string | undefined,
  url = session.settings.mcp,
): Promise<McpProbe> {
  const revision = session.settings.revision;
  const first = firstForm(revision);
  const attempts: string[] = [];
  let probe = await send(session, token, url, first, openingCall(first, revision), attempts);
  if (probe.verdict === 'not-understood') {
    const other: McpForm = first === 'modern' ? 'legacy' : 'modern';
    probe = await send(session, token, url, other, openingCall(other, revision), attempts);
  }
  return probe;
}

/** One JSON-RPC request in one form, judged. */
export async function send(
  session: CheckSession,
  token: string | undefined,
  url: string,
  form: McpForm,
  call: McpCall,
  attempts: string[] = [],
): Promise<McpProbe> {
  const request = mcpRequest(form, session.settings.revision, call);
  const response = await session.http.request({
    method: 'POST',
    url,
    headers: { ...request.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    json: request.json,
  });
  const code = jsonRpcErrorCode(response);
  attempts.push(`${form} ${call.method} → ${response.status}${code !== undefined ? ` ${code}` : ''}`);
  const verdict = judge(response);
  const challenge = parseBearerChallenge(response.headers.get('www-authenticate'));
  return {
    verdict,
    response,
    status: response.status,
    form,
    ...(challenge ? { challenge } : {}),
    attempts,
    diagnosis: diagnose(verdict, attempts, response),
  };
}

function judge(response: HttpResponse): ProbeVerdict {
  const { status } = response;
  if (status >= 200 && status < 300) return 'accepted';
  if (status === 401 || status === 403) return 'refused';
  if (status >= 500) return 'server-error';
  // A 4xx that speaks OAuth about the token (RFC 6750 error code, or a Bearer error challenge) is a refusal with the
  // wrong status, not a protocol problem: checks expecting 401 report that status.
  const body = response.json as { error?: unknown; jsonrpc?: unknown } | undefined;
  const challenge = parseBearerChallenge(response.headers.get('www-authenticate'));
  if (challenge?.error || (typeof body?.error === 'string' && body.jsonrpc === undefined)) return 'refused';
  return 'not-understood';
}

function diagnose(verdict: ProbeVerdict, attempts: string[], response: HttpResponse): string {
  const sent = attempts.join('; ');
  switch (verdict) {
    case 'accepted':
      return `the MCP endpoint accepted the request (${sent})`;
    case 'refused':
      return `the MCP endpoint refused the token (${sent})`;
    case 'server-error':
      return `the MCP endpoint failed (${sent}): ${response.text.slice(0, 160)}`;
    case 'not-understood':
      return `the MCP endpoint understood neither a 2025 initialize nor a 2026-07-28 request (${sent}): ${response.text.slice(0, 160)}`;
  }
}

/** The JSON-RPC error code of an answer (JSON, or the first error in an SSE stream), if it carries one. */
export function jsonRpcErrorCode(response: HttpResponse): number | undefined {
  for (const message of jsonRpcMessages(response)) {
    const error = (message as { error?: { code?: unknown } }).error;
    if (typeof error?.code === 'number') return error.code;
  }
  return undefined;
}

/** The JSON-RPC messages of an answer: its JSON body, or the `data:` of each SSE event. */
export function jsonRpcMessages(response: HttpResponse): unknown[] {
  const type = response.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('text/event-stream')) {
    if (response.json === undefined) return [];
    return Array.isArray(response.json) ? response.json : [response.json];
  }
  const messages: unknown[] = [];
  for (const event of response.text.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''))
      .join('\n');
    if (data === '') continue;
    try {
      messages.push(JSON.parse(data));
    } catch {
      // not JSON: an SSE comment or keep-alive payload, nothing to read
    }
  }
  return messages;
}

/** Throws NotTestable with the diagnosis unless some form of request was understood. */
export function requireUnderstood<P extends McpProbe>(probe: P): P {
  if (probe.verdict === 'not-understood') throw new NotTestable(probe.diagnosis);
  return probe;
}
