// GitHub OAuth Apps (and GitHub Apps' user tokens): not OIDC, no discovery, no DCR. Credentials go in the token
// request body, errors come back inside HTTP 200, the user comes from the REST API and revocation is a DELETE.
import { basicAuthorization } from './client-authentication.ts';
import { upstreamFetch, type UpstreamHttpOptions } from './http.ts';
import { buildAuthorizationUrl } from './oauth2.ts';
import { parseTokenResponse } from './token-response.ts';
import { UpstreamError, type UpstreamProvider, type UpstreamTokens, type UpstreamUser } from './types.ts';
import { fetchUserInfo, identifier, text } from './user-info.ts';

export const GITHUB_AUTHORIZATION_ENDPOINT = 'https://github.com/login/oauth/authorize';
export const GITHUB_TOKEN_ENDPOINT = 'https://github.com/login/oauth/access_token';
export const GITHUB_USERINFO_ENDPOINT = 'https://api.github.com/user';

export interface GitHubProviderSettings {
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** Overrides of the github.com endpoints (GitHub Enterprise Server, the mock IdP). */
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  userinfoEndpoint?: string;
  http: UpstreamHttpOptions;
}

/**
 * GitHub's REST API rejects requests without a User-Agent, and asks for its media type and a pinned API version.
 * @see https://docs.github.com/en/rest/using-the-rest-api/getting-started-with-the-rest-api#user-agent
 */
const API_HEADERS = {
  accept: 'application/vnd.github+json',
  'user-agent': 'mcp-oauth-proxy',
  'x-github-api-version': '2022-11-28',
} as const;

export function createGitHubProvider(settings: GitHubProviderSettings): UpstreamProvider {
  const authorization = settings.authorizationEndpoint ?? GITHUB_AUTHORIZATION_ENDPOINT;
  const token = settings.tokenEndpoint ?? GITHUB_TOKEN_ENDPOINT;
  const userinfo = settings.userinfoEndpoint ?? GITHUB_USERINFO_ENDPOINT;
  const { http } = settings;

  /**
   * Client id and secret in the body, as GitHub documents; `Accept: application/json` asks for JSON, though the
   * parser also takes GitHub's default form answer. Errors arrive as `error=…` inside an HTTP 200.
   * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#2-users-are-redirected-back-to-your-site-by-github
   */
  async function tokenRequest(fields: Record<string, string>, what: string): Promise<UpstreamTokens> {
    const body = new URLSearchParams({
      ...fields,
      client_id: settings.clientId,
      client_secret: settings.clientSecret,
    });
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      'user-agent': API_HEADERS['user-agent'],
    };
    return parseTokenResponse(await upstreamFetch(token, { method: 'POST', headers, body }, http), what);
  }

  return {
    name: 'github',

    authorizationUrl: (params) => buildAuthorizationUrl(authorization, settings.clientId, settings.scopes, params),

    exchangeCode: ({ code, codeVerifier, redirectUri }) =>
      tokenRequest(
        { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier },
        'upstream code exchange',
      ),

    /**
     * Only tokens issued in "expiring user tokens" mode carry a refresh token (`ghr_…`); callers refresh only when
     * `UpstreamTokens.refreshToken` is set. GitHub rotates the refresh token on every use.
     * @see https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens
     */
    refresh: (refreshToken) =>
      tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken }, 'upstream refresh'),

    /**
     * Deletes this grant's access token, with the app's Basic credentials. Not the app authorization
     * (`/applications/{client_id}/grant`): that deletes every token of the user for the app, and every MCP client of
     * that user signs in through the proxy's one app, so one client's revocation would end the others' upstream
     * sessions and fail the user's sign-ins in flight (RFC 7009 §2.1 lets revocation reach the same grant, no
     * further). GitHub has no call that revokes a refresh token alone; the grant's one is dropped with the grant.
     * 404 means the token is already gone, which is what revocation wants (cf. RFC 7009 §2.2).
     * @see https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-token
     * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
     */
    async revoke(tokens: UpstreamTokens): Promise<void> {
      const url = `${githubApiBase(userinfo)}/applications/${encodeURIComponent(settings.clientId)}/token`;
      const response = await upstreamFetch(
        url,
        {
          method: 'DELETE',
          headers: { ...API_HEADERS, 'content-type': 'application/json', authorization: basicAuthorization(settings) },
          body: JSON.stringify({ access_token: tokens.accessToken }),
        },
        http,
      );
      if ((response.status >= 200 && response.status < 300) || response.status === 404) return;
      const kind = response.status === 401 || response.status === 403 ? 'misconfigured' : 'bad_response';
      throw new UpstreamError(kind, `upstream revocation (GitHub token deletion) answered HTTP ${response.status}`);
    },

    async userInfo(accessToken: string): Promise<UpstreamUser> {
      const { body } = await fetchUserInfo(userinfo, accessToken, http, API_HEADERS);
      const sub = identifier(body.id);
      if (sub === undefined) throw new UpstreamError('bad_response', 'GitHub user answer has no numeric id');
      const user: UpstreamUser = { sub, raw: body };
      const login = text(body.login);
      if (login !== undefined) user.login = login;
      const name = text(body.name);
      if (name !== undefined) user.name = name;
      const email = text(body.email) ?? (await primaryVerifiedEmail(userinfo, accessToken, http));
      if (email !== undefined) user.email = email;
      return user;
    },
  };
}

/**
 * The REST API base: the userinfo URL without its trailing `/user` (https://api.github.com for github.com,
 * https://HOST/api/v3 for GitHub Enterprise Server).
 */
export function githubApiBase(userinfoEndpoint: string): string {
  const url = new URL(userinfoEndpoint);
  const path = url.pathname.replace(/\/+$/, '').replace(/\/user$/, '');
  return `${url.origin}${path}`;
}

/**
 * `/user` shows `email: null` when the user keeps it private; `/user/emails` (scope `user:email`) lists them all.
 * Only the primary, verified address is used. Without the scope (403/404) the user simply has no email.
 * @see https://docs.github.com/en/rest/users/emails#list-email-addresses-for-the-authenticated-user
 */
async function primaryVerifiedEmail(
  userinfo: string,
  accessToken: string,
  http: UpstreamHttpOptions,
): Promise<string | undefined> {
  const url = new URL(userinfo);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/emails`;
  const response = await upstreamFetch(
    url,
    { method: 'GET', headers: { ...API_HEADERS, authorization: `Bearer ${accessToken}` } },
    http,
  );
  if (response.status !== 200 || !Array.isArray(response.json)) return undefined;
  for (const entry of response.json as unknown[]) {
    if (entry === null || typeof entry !== 'object') continue;
    const { email, primary, verified } = entry as Record<string, unknown>;
    if (primary === true && verified === true && typeof email === 'string' && email !== '') return email;
  }
  return undefined;
}
