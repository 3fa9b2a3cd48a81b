// Gateway mode (PROXY_MCP_UPSTREAM): authenticated /mcp traffic is forwarded to a backend MCP server. The client's
// bearer token is never forwarded (MCP "Token Passthrough" forbids it); the backend learns who the user is from
// identity headers that only the proxy can set. The body, the MCP request-metadata headers (`MCP-Protocol-Version`,
// `Mcp-Method`, `Mcp-Name`, `Mcp-Param-*`) and every status go through unchanged, for every revision; answers stream
// through unbuffered (SSE works, a backend's 405 to GET stays a 405). Before forwarding, the per-tool scope check runs
// on the tools the body calls.
import type { AuthInfo, McpHandler } from './auth-info.ts';
import { bodyTooLarge, errorAnswer } from './mcp/answers.ts';
import { BodyTooLarge, readBodyBytes } from './mcp/body.ts';
import { envelopeRevision } from './mcp/envelope.ts';
import { echoId, JSON_RPC_ERRORS } from './mcp/json-rpc.ts';
import { headerMismatch, standardHeaders, type HeaderReader } from './mcp/request-metadata.ts';
import { isModernRevision } from './mcp/revisions.ts';
import { calledTools } from './mcp/tool-calls.ts';
import { isNodeHttpAnswer, isSmallCompleteAnswer, MAX_FORWARDED_BODY_BYTES } from './node-http-fetch.ts';

export interface GatewayOptions {
  /** The backend MCP endpoint, e.g. `http://127.0.0.1:9000/mcp`. Reached only from the proxy. */
  backendUrl: string;
  /** How long the backend may take to start answering (its response headers), in milliseconds. Default 30000. 0 disables. */
  timeoutMs?: number;
  /** Injectable fetch (tests). Default: the global fetch. */
  fetch?: typeof fetch;
  /** Largest request body forwarded, in bytes; a larger one is refused with 413. Default 16 MiB. */
  maxBodyBytes?: number;
}

/** Headers the proxy sets for the backend; any client-sent header with this prefix is dropped first (no spoofing). */
export const IDENTITY_HEADER_PREFIX = 'x-mcp-';

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1), credentials that belong to the client↔proxy leg only, and Accept-Encoding
 * (the backend answers uncompressed, so the body the client gets always matches the headers it gets).
 */
export const DROPPED_REQUEST_HEADERS = new Set([
  'authorization',
  'cookie',
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'accept-encoding',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
]);
/**
 * Answer headers that stay with the backend↔proxy leg: hop-by-hop fields (RFC 9110 §7.6.1), the backend's cookies
 * (the client never talks to it), and Content-Encoding (the backend was not offered any, see Accept-Encoding above).
 */
export const DROPPED_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'set-cookie',
  'content-encoding',
]);
/**
 * What the web side drops besides: Content-Length, since the adapter frames the web Response's body anew (RFC 9110
 * §8.6). The Node side sends the backend's bytes as they came, so their declared length holds there.
 */
const WEB_DROPPED_RESPONSE_HEADERS = new Set([...DROPPED_RESPONSE_HEADERS, 'content-length']);

export function createGatewayHandler(options: GatewayOptions): McpHandler {
  const backendBase = backendBaseUrl(options.backendUrl);
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_FORWARDED_BODY_BYTES;

  return async (request: Request, auth: AuthInfo): Promise<Response> => {
    const target = backendTarget(backendBase, request.url);
    let body: Uint8Array | undefined;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      try {
        body = await readBodyBytes(request, maxBodyBytes);
      } catch (error) {
        if (error instanceof BodyTooLarge) return bodyTooLarge(maxBodyBytes);
        return errorAnswer(400, null, JSON_RPC_ERRORS.parseError, 'The request body could not be read');
      }
      if (request.method === 'POST') {
        const refusal = checkPost(request.headers, body, auth);
        if (refusal) return refusal;
      }
    }
    // The backend's time to answer is bounded; a streamed answer is not (a long SSE stream is legitimate). A client
    // that goes away cancels the backend request too.
    const abort = new AbortController();
    const onClientGone = () => abort.abort(new Error('the client went away'));
    request.signal.addEventListener('abort', onClientGone, { once: true });
    const timer = timeoutMs > 0 ? setTimeout(() => abort.abort(new Error('backend timeout')), timeoutMs) : undefined;
    let response: Response;
    let answer: ArrayBuffer | ReadableStream<Uint8Array> | null;
    try {
      response = await doFetch(target, {
        method: request.method,
        headers: backendRequestHeaders(request.headers, auth),
        body: body as BodyInit | undefined,
        redirect: 'manual',
        signal: abort.signal,
      });
      // The gateway's own client's answer goes out as it is, minus the hop's headers: no second Response, no body
      // read again through a web stream (see isNodeHttpAnswer).
      if (isNodeHttpAnswer(response)) {
        for (const name of WEB_DROPPED_RESPONSE_HEADERS) response.headers.delete(name);
        return response;
      }
      // A small answer of declared length leaves in one write; anything else streams.
      const { headers } = response;
      const small = isSmallCompleteAnswer(headers.get('content-length'), headers.get('content-type'));
      answer = small ? await response.arrayBuffer() : response.body;
    } catch {
      request.signal.removeEventListener('abort', onClientGone);
      return errorAnswer(502, null, JSON_RPC_ERRORS.internalError, 'The backend MCP server is unavailable');
    } finally {
      clearTimeout(timer);
    }
    const headers = new Headers();
    response.headers.forEach((value, key) => {
      if (!WEB_DROPPED_RESPONSE_HEADERS.has(key)) headers.set(key, value);
    });
    const bytes = answer instanceof ArrayBuffer ? new Uint8Array(answer) : answer;
    return new Response(bytes, { status: response.status, statusText: response.statusText, headers });
  };
}

/**
 * What the proxy must know about a POST before forwarding it: that it is JSON it can read (a body the proxy cannot
 * parse could be read differently by the backend, so it is refused rather than waved through), that a 2026-07-28
 * message agrees with its mirrored headers (the proxy reads the body, so "Servers that process the request body
 * MUST reject requests where the values specified in the headers do not match"; the tool name of `Mcp-Name` is then
 * the body's), and that the token may call every tool it names (a 2025-03-26 batch may name several).
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#server-validation
 */
/** One decoder for every body: checkPost runs on every forwarded POST. */
const UTF8 = new TextDecoder();

export function checkPost(headers: HeaderReader, bytes: Uint8Array, auth: AuthInfo): Response | undefined {
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(bytes));
  } catch {
    return errorAnswer(400, null, JSON_RPC_ERRORS.parseError, 'Parse error: the body is not JSON');
  }
  const message = !Array.isArray(value) && typeof value === 'object' && value !== null ? value : undefined;
  const params = (message as { params?: unknown } | undefined)?.params;
  const method = (message as { method?: unknown } | undefined)?.method;
  const revision =
    typeof params === 'object' && params !== null ? envelopeRevision(params as Record<string, unknown>) : undefined;
  if (revision !== undefined && isModernRevision(revision) && typeof method === 'string') {
    const problem = headerMismatch(standardHeaders(headers), revision, method, params as Record<string, unknown>);
    if (problem !== undefined) {
      return errorAnswer(400, echoId(value), JSON_RPC_ERRORS.headerMismatch, `Header mismatch: ${problem}`);
    }
  }
  const calls = calledTools(value);
  if (calls.malformed) {
    return errorAnswer(400, echoId(value), JSON_RPC_ERRORS.invalidParams, 'tools/call needs a string params.name');
  }
  return calls.tools.length > 0 ? auth.checkToolCall(calls.tools) : undefined;
}

/** The backend URL without its query: each request's own query replaces it. */
export function backendBaseUrl(backendUrl: string): string {
  const backend = new URL(backendUrl);
  return `${backend.origin}${backend.pathname}`;
}

/** Where a request goes: the backend's URL with the request's query, if it has one. */
export function backendTarget(backendBase: string, requestUrl: string): string {
  const query = requestUrl.indexOf('?');
  return query < 0 || query === requestUrl.length - 1 ? backendBase : backendBase + requestUrl.slice(query);
}

/** A request's header fields, visited in order (a web Headers, a Map, the Node route's RequestHeaders). */
export interface HeaderFields {
  forEach(visit: (value: string, name: string) => void): void;
}

/**
 * The backend request's headers, as a plain record without a prototype (any fetch and node:http take one): the
 * client's, minus the dropped ones and any identity header, plus the identity headers.
 * @param incoming lower-case names, repeated ones joined (a web Headers, or the Node route's RequestHeaders)
 */
export function backendRequestHeaders(incoming: HeaderFields, auth: AuthInfo): Record<string, string> {
  const list = backendRequestHeaderList(incoming, auth);
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (let i = 0; i < list.length; i += 2) headers[list[i]!] = list[i + 1]!;
  return headers;
}

/**
 * The same headers as a flat list, name then value (`rawHeaders`' shape), which node:http writes as they are: a
 * record costs it a validated `setHeader` and a map entry for every header before it writes any.
 */
export function backendRequestHeaderList(incoming: HeaderFields, auth: AuthInfo): string[] {
  const headers: string[] = [];
  incoming.forEach((value, key) => {
    if (!DROPPED_REQUEST_HEADERS.has(key) && !key.startsWith(IDENTITY_HEADER_PREFIX)) headers.push(key, value);
  });
  headers.push('x-mcp-user-sub', auth.sub, 'x-mcp-client-id', auth.clientId, 'x-mcp-scopes', auth.scopes.join(' '));
  // Header values must be ByteStrings; names and e-mails from an IdP may not be. Percent-encode to stay lossless.
  if (auth.user.login) headers.push('x-mcp-user-login', encodeURIComponent(auth.user.login));
  if (auth.user.email) headers.push('x-mcp-user-email', encodeURIComponent(auth.user.email));
  if (auth.user.name) headers.push('x-mcp-user-name', encodeURIComponent(auth.user.name));
  return headers;
}
