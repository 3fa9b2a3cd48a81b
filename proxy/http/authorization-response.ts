// Redirects back to the client's redirect URI: success with a code, or an error, always with the client's state
// byte-exact and the issuer (RFC 9207), never with a 307 that would re-send a POST body.
import type { OAuthError } from '../errors.ts';

export interface AuthorizationResponseTarget {
  redirectUri: string;
  state?: string;
  issuer: string;
}

/**
 * The redirect URI with response parameters appended to its query. The registered query is kept byte-exact
 * (RFC 6749 §3.1.2: it "MUST be retained when adding additional query parameters").
 * @see https://www.rfc-editor.org/rfc/rfc9207#section-2
 */
export function authorizationResponseUrl(target: AuthorizationResponseTarget, params: Record<string, string>): string {
  const query = new URLSearchParams(params);
  if (target.state !== undefined) query.set('state', target.state);
  query.set('iss', target.issuer);
  const separator = target.redirectUri.includes('?') ? '&' : '?';
  return `${target.redirectUri}${separator}${query.toString()}`;
}

/**
 * An error redirect (RFC 6749 §4.1.2.1): error, error_description, state, iss.
 * @param status 302 after a GET, 303 after a POST (never 307, OAuth 2.1 §7.12 / AUTHZ-06).
 */
export function errorRedirect(target: AuthorizationResponseTarget, error: OAuthError, status: 302 | 303): Response {
  const params: Record<string, string> = { error: error.error };
  if (error.errorDescription !== undefined) params.error_description = error.errorDescription;
  return redirect(authorizationResponseUrl(target, params), status);
}

export function redirect(location: string, status: 302 | 303): Response {
  return new Response(null, { status, headers: { Location: location, 'Cache-Control': 'no-store' } });
}
