// Turns an upstream token endpoint answer into `UpstreamTokens`, or into an `UpstreamError` whose kind the proxy
// maps for its own client. Error messages carry the IdP's error code and status, never a token value.
import type { UpstreamResponse } from './http.ts';
import { UpstreamError, type UpstreamErrorKind, type UpstreamTokens } from './types.ts';

/**
 * OAuth error codes (RFC 6749 §5.2, §4.1.2.1) and GitHub's own codes, by the kind the proxy acts on.
 * GitHub answers these inside an HTTP 200.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 * @see https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors
 */
const ERROR_KINDS: Record<string, UpstreamErrorKind> = {
  invalid_grant: 'invalid_grant',
  bad_verification_code: 'invalid_grant',
  bad_refresh_token: 'invalid_grant',
  invalid_client: 'misconfigured',
  incorrect_client_credentials: 'misconfigured',
  unauthorized_client: 'misconfigured',
  redirect_uri_mismatch: 'misconfigured',
  // The proxy builds these requests itself: a rejection means its configuration (scopes, grant types) is wrong.
  invalid_request: 'misconfigured',
  invalid_scope: 'misconfigured',
  unsupported_grant_type: 'misconfigured',
  unsupported_token_type: 'misconfigured',
  access_denied: 'access_denied',
  server_error: 'unavailable',
  temporarily_unavailable: 'unavailable',
};

/** The kind for an OAuth `error` code; unknown codes are `bad_response`. */
export function errorKindFor(code: string): UpstreamErrorKind {
  return Object.hasOwn(ERROR_KINDS, code) ? ERROR_KINDS[code]! : 'bad_response';
}

/**
 * Throws when the body carries an OAuth `error` (whatever the status) or the status is not 2xx.
 * `what` names the request in the message, e.g. "upstream token request".
 */
export function assertNoOAuthError(response: UpstreamResponse, what: string): void {
  const { error, error_description: description } = response.body;
  if (typeof error === 'string' && error !== '') {
    const detail = typeof description === 'string' ? `: ${description.slice(0, 200)}` : '';
    throw new UpstreamError(errorKindFor(error), `${what} failed with HTTP ${response.status} error=${error}${detail}`);
  }
  if (response.status < 200 || response.status >= 300) {
    throw new UpstreamError('bad_response', `${what} failed with HTTP ${response.status} and no OAuth error code`);
  }
}

/**
 * Parses a successful access token response (RFC 6749 §5.1). Form-encoded answers carry every value as a string,
 * so `expires_in` is accepted as a number or a numeric string. A missing `token_type` is read as Bearer, the only
 * type the proxy uses upstream.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function parseTokenResponse(
  response: UpstreamResponse,
  what = 'upstream token request',
  now: () => number = Date.now,
): UpstreamTokens {
  assertNoOAuthError(response, what);
  const body = response.body;
  const accessToken = body.access_token;
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new UpstreamError('bad_response', `${what} answered HTTP ${response.status} without an access_token`);
  }
  const tokens: UpstreamTokens = {
    accessToken,
    tokenType: typeof body.token_type === 'string' && body.token_type !== '' ? body.token_type : 'Bearer',
  };
  const expiresIn = readExpiresIn(body.expires_in, what);
  if (expiresIn !== undefined) tokens.expiresAt = Math.floor(now() / 1000) + expiresIn;
  if (typeof body.refresh_token === 'string' && body.refresh_token !== '') tokens.refreshToken = body.refresh_token;
  if (typeof body.scope === 'string') tokens.scope = body.scope;
  if (typeof body.id_token === 'string' && body.id_token !== '') tokens.idToken = body.id_token;
  return tokens;
}

function readExpiresIn(value: unknown, what: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const seconds = typeof value === 'string' ? Number(value) : value;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new UpstreamError('bad_response', `${what} answered an expires_in that is not a number of seconds`);
  }
  return Math.floor(seconds);
}
