// CORS at the MCP endpoint. Browser-based MCP clients call it from their own origin with a bearer token, never with
// cookies, so any origin may (no credentials mode). That is also why every Origin is a valid one for the Streamable
// HTTP rule "Servers MUST validate the Origin header […] If the Origin header is present and invalid, servers MUST
// respond with HTTP 403": the DNS-rebinding attack it prevents needs a server that trusts the network position of
// its caller, and this endpoint trusts nothing but a bearer token that a rebinding page cannot read. Preflights allow
// the MCP request headers, including the per-tool `Mcp-Param-*` headers a client mirrors from `x-mcp-header`
// arguments; `WWW-Authenticate` is exposed so that a browser client can read the challenge. Headers are added to the
// handler's response in place: rebuilding the response (as a generic middleware does) costs more than a small answer.
// @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#security-endpoint
// @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#custom-headers-from-tool-parameters

const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'accept',
  'mcp-protocol-version',
  'mcp-method',
  'mcp-name',
  'mcp-session-id',
  'last-event-id',
];
const EXPOSED_HEADERS = 'WWW-Authenticate, Mcp-Session-Id, X-Request-Id';
const PARAM_HEADER = /^mcp-param-[a-z0-9-]+$/;

/** The answer to a CORS preflight of the MCP endpoint. */
export function corsPreflight(request: Request): Response {
  const requested = (request.headers.get('access-control-request-headers') ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => PARAM_HEADER.test(h));
  return new Response(null, {
    status: 204,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, POST, DELETE',
      'access-control-allow-headers': [...ALLOWED_HEADERS, ...new Set(requested)].join(', '),
      'access-control-expose-headers': EXPOSED_HEADERS,
      'access-control-max-age': '600',
      vary: 'Access-Control-Request-Headers',
    },
  });
}

/** The CORS headers of an actual (non-preflight) response. */
export const CORS_RESPONSE_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['access-control-allow-origin', '*'],
  ['access-control-expose-headers', EXPOSED_HEADERS],
];

/** Adds the CORS headers of an actual (non-preflight) response; the response is changed in place. */
export function addCorsHeaders(headers: Headers): void {
  for (const [name, value] of CORS_RESPONSE_HEADERS) headers.set(name, value);
}
