// GitHub's token endpoint answers form-urlencoded unless the client sends `Accept: application/json`, and reports
// errors with HTTP 200 and an `error` field in the body.
import type { Context } from 'hono';

export type GithubTokenError =
  | 'incorrect_client_credentials'
  | 'redirect_uri_mismatch'
  | 'bad_verification_code'
  | 'bad_refresh_token'
  | 'unsupported_grant_type';

const DOCS = 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors';

const DESCRIPTIONS: Record<GithubTokenError, [string, string]> = {
  incorrect_client_credentials: [
    'The client_id and/or client_secret passed are incorrect.',
    'incorrect-client-credentials',
  ],
  redirect_uri_mismatch: [
    'The redirect_uri MUST match the registered callback URL for this application.',
    'redirect-uri-mismatch2',
  ],
  bad_verification_code: ['The code passed is incorrect or expired.', 'bad-verification-code'],
  bad_refresh_token: ['The refresh token passed is incorrect or expired.', 'bad-refresh-token'],
  unsupported_grant_type: ['The grant type is not supported.', 'unsupported-grant-type'],
};

function wantsJson(c: Context): boolean {
  return (c.req.header('accept') ?? '').toLowerCase().includes('application/json');
}

/** A token-endpoint answer in the format the client asked for. */
export function tokenAnswer(c: Context, fields: Record<string, string | number>): Response {
  c.header('cache-control', 'no-store');
  if (wantsJson(c)) return c.json(fields, 200);
  const body = new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)])).toString();
  return c.body(body, 200, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' });
}

/**
 * GitHub answers token errors with 200 and the error in the body.
 * @see https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors
 */
export function tokenError(c: Context, error: GithubTokenError): Response {
  const [description, anchor] = DESCRIPTIONS[error];
  return tokenAnswer(c, { error, error_description: description, error_uri: `${DOCS}/#${anchor}` });
}

/** GitHub's REST API error bodies. */
export function apiError(c: Context, status: 401 | 404 | 422, message: string): Response {
  return c.json({ message, documentation_url: 'https://docs.github.com/rest', status: String(status) }, status);
}
