// CSRF protection of the consent form: the token is an HMAC over the pending authorization id (which only the page
// knows), and a browser's cross-site POST is refused by its Origin / Sec-Fetch-Site headers.
import { hmac, verifyHmac } from '../crypto/hmac.ts';

/** The token embedded in the consent form for one pending authorization. */
export function csrfToken(key: Buffer, pendingId: string): string {
  return hmac(key, `consent:${pendingId}`);
}

/**
 * Checks the token in constant time. MCP SBP "Consent UI Requirements": "Implement CSRF protection".
 */
export function csrfTokenValid(key: Buffer, pendingId: string, token: string | undefined): boolean {
  return token !== undefined && verifyHmac(key, `consent:${pendingId}`, token);
}

/**
 * A browser always sends Origin on a cross-origin POST and modern ones send Sec-Fetch-Site; when present they must
 * say same-origin. (A non-browser caller cannot ride the user's upstream session, so their absence is tolerated.)
 * @see https://fetch.spec.whatwg.org/#origin-header
 */
export function sameOriginRequest(request: Request, ownOrigin: string): boolean {
  const origin = request.headers.get('origin');
  if (origin !== null && origin !== ownOrigin) return false;
  const site = request.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin' && site !== 'none') return false;
  return true;
}
