// Gateway mode (PROXY_MCP_UPSTREAM): authenticated /mcp traffic is forwarded to a backend MCP server. The client's
// bearer token is never forwarded (MCP "Token Passthrough" forbids it); the backend learns who the user is from
// identity headers that only the proxy can set. Responses stream through unbuffered (SSE works).
import type { AuthInfo, McpHandler } from './auth-info.ts';

export interface GatewayOptions {
  /** The backend MCP endpoint, e.g. `http://127.0.0.1:9000/mcp`. Reached only from the proxy. */
  backendUrl: string;
  /** Per-request timeout for the backend's response headers, in milliseconds. Default 30000. 0 disables. */
  timeoutMs?: number;
  /** Injectable fetch (tests). Default: the global fetch. */
  fetch?: typeof fetch;
}

/** Headers the proxy sets for the backend; any client-sent header with this prefix is dropped first (no spoofing). */
export const IDENTITY_HEADER_PREFIX = 'x-mcp-';

/** Hop-by-hop headers (RFC 9110 §7.6.1) plus credentials that belong to the client↔proxy leg only. */
const DROPPED_REQUEST_HEADERS = new Set([
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
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
]);
const DROPPED_RESPONSE_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'set-cookie',
  'content-length',
  'content-encoding',
]);

export function createGatewayHandler(options: GatewayOptions): McpHandler {
  const backend = new URL(options.backendUrl);
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;

  return async (request: Request, auth: AuthInfo): Promise<Response> => {
    const target = new URL(backend);
    target.search = new URL(request.url).search;
    const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && request.body !== null;
    let response: Response;
    try {
      response = await doFetch(target, {
        method: request.method,
        headers: backendRequestHeaders(request.headers, auth),
        body: hasBody ? request.body : undefined,
        // Streams the client's body through without buffering it (undici requires the flag for stream bodies).
        ...(hasBody ? { duplex: 'half' } : {}),
        redirect: 'manual',
        signal: timeoutMs > 0 ? AbortSignal.any([request.signal, AbortSignal.timeout(timeoutMs)]) : request.signal,
      } as RequestInit);
    } catch {
      return Response.json(
        { jsonrpc: '2.0', error: { code: -32603, message: 'The backend MCP server is unavailable' }, id: null },
        { status: 502 },
      );
    }
    const headers = new Headers();
    response.headers.forEach((value, key) => {
      if (!DROPPED_RESPONSE_HEADERS.has(key)) headers.set(key, value);
    });
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}

function backendRequestHeaders(incoming: Headers, auth: AuthInfo): Headers {
  const headers = new Headers();
  incoming.forEach((value, key) => {
    if (!DROPPED_REQUEST_HEADERS.has(key) && !key.startsWith(IDENTITY_HEADER_PREFIX)) headers.set(key, value);
  });
  headers.set('x-mcp-user-sub', auth.sub);
  headers.set('x-mcp-client-id', auth.clientId);
  headers.set('x-mcp-scopes', auth.scopes.join(' '));
  // Header values must be ByteStrings; names and e-mails from an IdP may not be. Percent-encode to stay lossless.
  if (auth.user.login) headers.set('x-mcp-user-login', encodeURIComponent(auth.user.login));
  if (auth.user.email) headers.set('x-mcp-user-email', encodeURIComponent(auth.user.email));
  if (auth.user.name) headers.set('x-mcp-user-name', encodeURIComponent(auth.user.name));
  return headers;
}
