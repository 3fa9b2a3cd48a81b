// CORS at the metadata, JWKS, registration, token and revocation endpoints, so that browser-based MCP clients can
// discover and register and get tokens: any origin, no credentials (these endpoints take no cookies). Never at the
// authorization endpoint, consent or callback: those are browser navigations, not cross-origin calls.
// Headers are added to the handler's response in place, error answers included; a generic middleware that prepares
// a response first and merges it with the handler's costs more than the small answers of these endpoints.
// @see https://www.rfc-editor.org/rfc/rfc9700#section-2.6
// @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1-13#section-3.1

const ALLOWED_METHODS = 'GET, POST, OPTIONS';
const ALLOWED_HEADERS = 'Authorization, Content-Type, MCP-Protocol-Version';

/** The answer to a CORS preflight of one of these endpoints. */
export function apiCorsPreflight(): Response {
  return new Response(null, {
    status: 204,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': ALLOWED_METHODS,
      'access-control-allow-headers': ALLOWED_HEADERS,
      'access-control-max-age': '600',
    },
  });
}

/** Adds the CORS header of an actual (non-preflight) response; the headers are changed in place. */
export function addApiCorsHeaders(headers: Headers): void {
  headers.set('access-control-allow-origin', '*');
}
