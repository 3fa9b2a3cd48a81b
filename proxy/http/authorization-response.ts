// Redirects back to the client's redirect URI: success with a code, or an error, always with the client's state
// byte-exact and the issuer (RFC 9207), never with a 307 that would re-send a POST body.
import type { OAuthError } from '../errors.ts';

/** Where an authorization response goes: the redirect URI in force and the client's state, if it sent one. */
export interface ResponseDestination {
  redirectUri: string;
  state?: string | undefined;
}

/** What the responses need of the request's context (structural, so this module stays below the context). */
interface Responder {
  settings: { issuer: string };
  outcome: { error?: string };
}

/**
 * The redirect URI with response parameters appended to its query. The registered query is kept byte-exact
 * (RFC 6749 §3.1.2: it "MUST be retained when adding additional query parameters").
 * @see https://www.rfc-editor.org/rfc/rfc9207#section-2
 */
export function authorizationResponseUrl(
  issuer: string,
  to: ResponseDestination,
  params: Record<string, string>,
): string {
  const query = new URLSearchParams(params);
  if (to.state !== undefined) query.set('state', to.state);
  query.set('iss', issuer);
  const separator = to.redirectUri.includes('?') ? '&' : '?';
  return `${to.redirectUri}${separator}${query.toString()}`;
}

/** A success response: the code, state and iss (RFC 6749 §4.1.2). */
export function codeRedirect(ctx: Responder, to: ResponseDestination, code: string): Response {
  return redirect(authorizationResponseUrl(ctx.settings.issuer, to, { code }), 302);
}

/**
 * An error response (RFC 6749 §4.1.2.1): error, error_description, state, iss; recorded for the access log.
 * @param status 302 after a GET, 303 after a POST (never 307, OAuth 2.1 §7.12 / AUTHZ-06).
 */
export function errorRedirect(ctx: Responder, to: ResponseDestination, error: OAuthError, status: 302 | 303): Response {
  ctx.outcome.error = error.error;
  const params: Record<string, string> = { error: error.error };
  if (error.errorDescription !== undefined) params.error_description = error.errorDescription;
  return redirect(authorizationResponseUrl(ctx.settings.issuer, to, params), status);
}

export function redirect(location: string, status: 302 | 303): Response {
  return new Response(null, { status, headers: { Location: location, 'Cache-Control': 'no-store' } });
}
