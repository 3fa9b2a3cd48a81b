// JSON responses of the OAuth endpoints: tokens, errors and registrations are never cached.
import type { OAuthError } from '../errors.ts';

/**
 * "The authorization server MUST include the HTTP Cache-Control response header field with a value of no-store in
 * any response containing tokens, credentials, or other sensitive information."
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...NO_STORE, ...headers },
  });
}

/** The RFC 6749 §5.2 error body with the error's status and headers. */
export function oauthErrorResponse(error: OAuthError): Response {
  return jsonResponse(error.toJSON(), error.status, error.headers);
}
