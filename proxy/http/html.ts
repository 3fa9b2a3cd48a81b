// Security headers for every HTML page the proxy renders (consent and error pages): no framing, no scripts, no
// caching. No `form-action`: Chromium applies it to the redirects that follow a form post, and the consent form's
// answer is by design a redirect to the upstream IdP or to the client; with no scripts allowed it would add little.
import { randomBytes } from 'node:crypto';

/**
 * Anti-framing and a strict CSP. Clickjacking: "Authorization servers MUST prevent clickjacking attacks".
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.16
 * @returns the headers and the nonce the page's one inline `<style>` must carry.
 */
export function htmlSecurityHeaders(): { headers: Record<string, string>; nonce: string } {
  const nonce = randomBytes(16).toString('base64');
  return {
    nonce,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy': [
        "default-src 'none'",
        `style-src 'nonce-${nonce}'`,
        "frame-ancestors 'none'",
        "base-uri 'none'",
      ].join('; '),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    },
  };
}
