// GET /user and GET /user/emails: the REST calls a proxy makes to learn who signed in. Tokens are accepted as
// `Authorization: Bearer X` or `token X`; anything else is 401 "Bad credentials".
// @see https://docs.github.com/en/rest/users/users#get-the-authenticated-user
import type { Context, Hono } from 'hono';
import { findUser } from '../fixtures.ts';
import { apiError } from './respond.ts';
import type { GithubStore, TokenRecord } from './store.ts';

export const GITHUB_USER_PATH = '/user';
export const GITHUB_EMAILS_PATH = '/user/emails';

function authenticate(c: Context, store: GithubStore): TokenRecord | undefined {
  const match = /^(?:bearer|token)\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
  return match ? store.findAccessToken(match[1]!) : undefined;
}

/** GitHub lists the token's scopes comma-and-space separated. */
function scopeHeaders(c: Context, token: TokenRecord, accepted: string): void {
  c.header('x-oauth-scopes', token.scope.split(',').filter(Boolean).join(', '));
  c.header('x-accepted-oauth-scopes', accepted);
}

export function mountUserApi(app: Hono, store: GithubStore, baseUrl: string): void {
  app.get(GITHUB_USER_PATH, (c) => {
    const token = authenticate(c, store);
    const user = token && findUser(token.userId);
    if (!token || !user) return apiError(c, 401, 'Bad credentials');
    scopeHeaders(c, token, '');
    return c.json({
      login: user.login,
      id: user.github_id,
      node_id: `U_mock${user.github_id}`,
      avatar_url: `${baseUrl}/avatars/${user.login}`,
      html_url: `${baseUrl}/${user.login}`,
      type: 'User',
      site_admin: false,
      name: user.name,
      email: user.email,
      created_at: '2020-01-01T00:00:00Z',
      updated_at: '2020-01-01T00:00:00Z',
    });
  });

  /** Needs the `user:email` (or `user`) scope; GitHub answers 404 otherwise. */
  app.get(GITHUB_EMAILS_PATH, (c) => {
    const token = authenticate(c, store);
    const user = token && findUser(token.userId);
    if (!token || !user) return apiError(c, 401, 'Bad credentials');
    const scopes = token.scope.split(',');
    if (!scopes.includes('user:email') && !scopes.includes('user')) return apiError(c, 404, 'Not Found');
    scopeHeaders(c, token, 'user, user:email');
    return c.json([{ email: user.email, primary: true, verified: user.email_verified, visibility: 'public' }]);
  });
}
