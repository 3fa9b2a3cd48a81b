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
 * Sec-Fetch-Site is the browser's own verdict and cannot be set by page scripts, so when present it decides: only
 * `same-origin` (or `none`, a user-typed navigation) passes. Older browsers send only Origin, which must then be ours.
 * Origin alone is not enough: under `Referrer-Policy: no-referrer` Chromium sends `Origin: null` on same-origin form
 * posts. (A non-browser caller cannot ride the user's browser session, so the absence of both is tolerated; the
 * CSRF token still applies.)
 * @see https://www.w3.org/TR/fetch-metadata/#sec-fetch-site-header
 * @see https://fetch.spec.whatwg.org/#origin-header
 */
export function sameOriginRequest(request: Request, ownOrigin: string): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site !== null) return site === 'same-origin' || site === 'none';
  const origin = request.headers.get('origin');
  return origin === null || origin === ownOrigin;
}
