// Who the user is: the proxy asks the upstream's userinfo (or user API) endpoint with the upstream access token and
// maps the answer to `UpstreamUser`. The userinfo answer, not an unvalidated id_token, is the source of identity.
import { upstreamFetch, type UpstreamHttpOptions } from './http.ts';
import { UpstreamError, type UpstreamUser } from './types.ts';

/**
 * GET the userinfo endpoint with the access token as a Bearer credential (RFC 6750 §2.1) and return the JSON object.
 * - 401 → `invalid_grant`: the upstream no longer accepts the token
 * - 403 → `misconfigured`: the token lacks the scope the proxy requested for this call
 * - 429 → `unavailable`; any other non-2xx → `bad_response`
 * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfo
 */
export async function fetchUserInfo(
  url: string,
  accessToken: string,
  http: UpstreamHttpOptions,
  headers: Record<string, string> = { accept: 'application/json' },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await upstreamFetch(
    url,
    { method: 'GET', headers: { ...headers, authorization: `Bearer ${accessToken}` } },
    http,
  );
  const what = `upstream userinfo request to ${new URL(url).pathname}`;
  if (response.status === 401) throw new UpstreamError('invalid_grant', `${what} was refused with HTTP 401`);
  if (response.status === 403) throw new UpstreamError('misconfigured', `${what} was refused with HTTP 403`);
  if (response.status === 429) throw new UpstreamError('unavailable', `${what} was rate limited (HTTP 429)`);
  if (response.status < 200 || response.status >= 300) {
    throw new UpstreamError('bad_response', `${what} answered HTTP ${response.status}`);
  }
  return { status: response.status, body: response.body };
}

/**
 * Maps OIDC standard claims (OIDC Core §5.1), or a plain OAuth 2 user object with a numeric or string `id`.
 * An email the IdP marks `email_verified: false` is dropped: an unverified address must not identify anyone.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims
 */
export function standardUser(raw: Record<string, unknown>): UpstreamUser {
  const sub = identifier(raw.sub) ?? identifier(raw.id);
  if (sub === undefined) throw new UpstreamError('bad_response', 'upstream userinfo answer has neither sub nor id');
  const user: UpstreamUser = { sub, raw };
  const name = text(raw.name);
  if (name !== undefined) user.name = name;
  const email = text(raw.email);
  if (email !== undefined && raw.email_verified !== false && raw.email_verified !== 'false') user.email = email;
  const login = text(raw.preferred_username) ?? text(raw.login);
  if (login !== undefined) user.login = login;
  return user;
}

/** A non-empty string, or a safe integer rendered as one (GitHub's numeric ids). */
export function identifier(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
