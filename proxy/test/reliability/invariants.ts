// What every answer of the proxy must look like, whatever it was sent: no 5xx, OAuth-shaped JSON errors, error pages
// with anti-framing headers, redirects only to URIs a registered client owns, and RFC 9728 challenges at the MCP
// endpoint. Each assertion throws with the request and the answer, so a failing fuzz case explains itself.
import { expect } from 'vitest';

/** Error codes of RFC 6749 §4.1.2.1 / §5.2, RFC 6750 §3.1, RFC 7009 §2.2.1, RFC 7591 §3.2.2 and RFC 8707 §2. */
export const RFC_ERROR_CODES = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'unsupported_response_type',
  'invalid_scope',
  'access_denied',
  'server_error',
  'temporarily_unavailable',
  'invalid_redirect_uri',
  'invalid_client_metadata',
  'unsupported_token_type',
  'invalid_target',
  'invalid_token',
  'insufficient_scope',
]);

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** What was sent, for failure messages. */
  sent: string;
}

/** Reads a response once so that several invariants can look at it. */
export async function answer(response: Response, sent: string): Promise<Answer> {
  return { status: response.status, headers: response.headers, text: await response.text(), sent };
}

function describe(a: Answer): string {
  const body = a.text.length > 300 ? `${a.text.slice(0, 300)}…` : a.text;
  const sent = a.sent.length > 300 ? `${a.sent.slice(0, 300)}…` : a.sent;
  return `sent ${sent}\nanswered ${a.status} ${JSON.stringify(Object.fromEntries(a.headers))}\n${body}`;
}

export function assertNoServerError(a: Answer): void {
  expect(a.status, describe(a)).toBeLessThan(500);
}

/** A JSON error body: `error` from the RFC set, `error_description` a string when present, nothing else unexpected. */
export function assertOAuthErrorBody(a: Answer): { error: string } {
  expect(a.headers.get('content-type') ?? '', describe(a)).toMatch(/^application\/json/);
  let body: unknown;
  try {
    body = JSON.parse(a.text);
  } catch {
    throw new Error(`error body is not JSON\n${describe(a)}`);
  }
  expect(typeof body === 'object' && body !== null && !Array.isArray(body), describe(a)).toBe(true);
  const record = body as Record<string, unknown>;
  expect(RFC_ERROR_CODES.has(String(record.error)), `error code ${String(record.error)}\n${describe(a)}`).toBe(true);
  if ('error_description' in record) expect(typeof record.error_description, describe(a)).toBe('string');
  if ('error_uri' in record) expect(typeof record.error_uri, describe(a)).toBe('string');
  return record as { error: string };
}

/**
 * The JSON API endpoints (/register, /token, /revoke): a success status, or an RFC-shaped error with
 * `Cache-Control: no-store` (RFC 6749 §5.1).
 */
export function assertJsonApiAnswer(a: Answer, successStatuses: readonly number[]): void {
  assertNoServerError(a);
  if (successStatuses.includes(a.status)) return;
  if (a.status === 204 && a.sent.startsWith('OPTIONS')) return;
  if (a.status === 404 && a.sent.startsWith('HEAD')) return;
  expect(a.status, describe(a)).toBeGreaterThanOrEqual(400);
  assertOAuthErrorBody(a);
  expect(a.headers.get('cache-control') ?? '', describe(a)).toContain('no-store');
}

/**
 * The HTML error page: 400/403 (413 for a form body over the size limit, RFC 9110 §15.5.14), framing forbidden,
 * never cached.
 */
export function assertErrorPage(a: Answer): void {
  expect([400, 403, 413], describe(a)).toContain(a.status);
  assertHtmlSecurityHeaders(a);
}

export function assertHtmlSecurityHeaders(a: Answer): void {
  expect(a.headers.get('content-type') ?? '', describe(a)).toMatch(/^text\/html/);
  expect(a.headers.get('x-frame-options'), describe(a)).toBe('DENY');
  expect(a.headers.get('content-security-policy') ?? '', describe(a)).toContain("frame-ancestors 'none'");
  expect(a.headers.get('cache-control') ?? '', describe(a)).toContain('no-store');
}

/**
 * The browser-facing endpoints (/authorize, /consent, /auth/callback): the error page, a page the caller asked
 * for (the consent page), or a redirect whose target is one of `allowedTargets` (a registered redirect URI of a
 * known client, or the upstream IdP after an approved consent), never anywhere else.
 */
export function assertPageOrSafeRedirect(
  a: Answer,
  allowedTargets: readonly string[],
  options: { pageStatuses?: readonly number[] } = {},
): void {
  assertNoServerError(a);
  if (a.status === 302 || a.status === 303) {
    const location = a.headers.get('location') ?? '';
    expect(location, describe(a)).not.toMatch(/[\r\n\0]/);
    const target = withoutLoopbackPort(location.split('?')[0] ?? '');
    expect(allowedTargets.map(withoutLoopbackPort), `redirect to ${location}\n${describe(a)}`).toContain(target);
    return;
  }
  if ((options.pageStatuses ?? []).includes(a.status)) {
    assertHtmlSecurityHeaders(a);
    return;
  }
  assertErrorPage(a);
}

/** Loopback redirect URIs match on any port (RFC 8252 §7.3), so targets compare without it. */
function withoutLoopbackPort(uri: string): string {
  return uri.replace(/^(http:\/\/(?:127\.0\.0\.1|\[::1\]|localhost))(?::\d+)?(?=\/|$)/, '$1');
}

/** The MCP endpoint without a valid token: 401 with a Bearer challenge pointing at the resource metadata. */
export function assertBearerChallenge(a: Answer, resourceMetadataUrl: string): void {
  expect(a.status, describe(a)).toBe(401);
  const challenge = a.headers.get('www-authenticate') ?? '';
  expect(challenge, describe(a)).toMatch(/^Bearer /);
  expect(challenge, describe(a)).toContain(`resource_metadata="${resourceMetadataUrl}"`);
  if (a.text !== '') assertOAuthErrorBody(a);
}
