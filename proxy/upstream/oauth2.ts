// A generic OAuth 2 upstream from explicit endpoints: authorization code with PKCE, refresh, RFC 7009 revocation
// and a userinfo call. The OIDC, Google, Azure and Auth0 adapters are this provider with settings.
import { addClientCredentials } from './client-authentication.ts';
import { upstreamFetch, type UpstreamHttpOptions } from './http.ts';
import { assertNoOAuthError, parseTokenResponse } from './token-response.ts';
import type {
  AuthorizationUrlParams,
  CodeExchangeParams,
  TokenEndpointAuthMethod,
  UpstreamProvider,
  UpstreamProviderName,
  UpstreamTokens,
  UpstreamUser,
} from './types.ts';
import { fetchUserInfo, standardUser } from './user-info.ts';

export interface OAuth2Endpoints {
  authorization: string;
  token: string;
  userinfo: string;
  /** RFC 7009 revocation endpoint; without it the provider has no `revoke`. */
  revocation?: string;
}

export interface OAuth2ProviderSettings {
  name: UpstreamProviderName;
  clientId: string;
  clientSecret: string;
  /** Requested scopes, space-joined on the wire; none → no `scope` parameter. */
  scopes: string[];
  endpoints: OAuth2Endpoints;
  /** Default `client_secret_basic`, which RFC 6749 §2.3.1 requires every server to support. */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  /** Extra authorization request parameters (Google's `access_type`, Auth0's `audience`). Cannot override ours. */
  authorizationParams?: Record<string, string>;
  /** Send `scope` with refresh requests too. Default false (RFC 6749 §6 makes it optional). */
  scopeOnRefresh?: boolean;
  /** Authenticate the client at the revocation endpoint (RFC 7009 §2.1). Default true. */
  authenticateRevocation?: boolean;
  /** Which token to revoke: the refresh token if any, else the access token (default); or refresh tokens only. */
  revocableTokens?: 'refresh_or_access' | 'refresh_only';
  http: UpstreamHttpOptions;
}

const FORM_HEADERS = {
  'content-type': 'application/x-www-form-urlencoded',
  accept: 'application/json',
} as const;

export function createOAuth2Provider(settings: OAuth2ProviderSettings): UpstreamProvider {
  const authMethod = settings.tokenEndpointAuthMethod ?? 'client_secret_basic';
  const credentials = { clientId: settings.clientId, clientSecret: settings.clientSecret };
  const { endpoints, http } = settings;

  async function tokenRequest(form: URLSearchParams, what: string): Promise<UpstreamTokens> {
    const headers: Record<string, string> = { ...FORM_HEADERS };
    addClientCredentials(authMethod, credentials, form, headers);
    const response = await upstreamFetch(endpoints.token, { method: 'POST', headers, body: form }, http);
    return parseTokenResponse(response, what);
  }

  const provider: UpstreamProvider = {
    name: settings.name,

    authorizationUrl(params: AuthorizationUrlParams): URL {
      return buildAuthorizationUrl(endpoints.authorization, settings.clientId, settings.scopes, params, {
        ...settings.authorizationParams,
      });
    },

    /** @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3 and RFC 7636 §4.5 for `code_verifier` */
    exchangeCode({ code, codeVerifier, redirectUri }: CodeExchangeParams): Promise<UpstreamTokens> {
      const form = new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: codeVerifier,
      });
      return tokenRequest(form, 'upstream code exchange');
    },

    /**
     * A refresh answer without a new refresh token means the old one stays valid (RFC 6749 §6; Google does this).
     * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
     */
    async refresh(refreshToken: string): Promise<UpstreamTokens> {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
      if (settings.scopeOnRefresh && settings.scopes.length > 0) form.set('scope', settings.scopes.join(' '));
      const tokens = await tokenRequest(form, 'upstream refresh');
      return { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
    },

    async userInfo(accessToken: string): Promise<UpstreamUser> {
      const { body } = await fetchUserInfo(endpoints.userinfo, accessToken, http);
      return standardUser(body);
    },
  };

  const revocationEndpoint = endpoints.revocation;
  if (revocationEndpoint !== undefined) {
    /**
     * Revoking the refresh token also invalidates the grant's access tokens where the server supports it.
     * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
     */
    provider.revoke = async (tokens: UpstreamTokens): Promise<void> => {
      const refreshOnly = settings.revocableTokens === 'refresh_only';
      if (refreshOnly && tokens.refreshToken === undefined) return;
      const form = new URLSearchParams(
        tokens.refreshToken !== undefined
          ? { token: tokens.refreshToken, token_type_hint: 'refresh_token' }
          : { token: tokens.accessToken, token_type_hint: 'access_token' },
      );
      const headers: Record<string, string> = { ...FORM_HEADERS };
      if (settings.authenticateRevocation ?? true) addClientCredentials(authMethod, credentials, form, headers);
      const response = await upstreamFetch(revocationEndpoint, { method: 'POST', headers, body: form }, http);
      assertNoOAuthError(response, 'upstream revocation');
    };
  }
  return provider;
}

/**
 * The authorization request with the proxy's own PKCE S256 challenge and fixed callback. Query parameters already in
 * the endpoint URL are kept (RFC 6749 §3.1); the protocol parameters always win over extras.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3
 */
export function buildAuthorizationUrl(
  endpoint: string,
  clientId: string,
  scopes: string[],
  params: AuthorizationUrlParams,
  extras: Record<string, string> = {},
): URL {
  const url = new URL(endpoint);
  for (const [key, value] of Object.entries(extras)) url.searchParams.set(key, value);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('redirect_uri', params.redirectUri);
  if (scopes.length > 0) url.searchParams.set('scope', scopes.join(' '));
  else url.searchParams.delete('scope');
  url.searchParams.set('state', params.state);
  url.searchParams.set('code_challenge', params.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url;
}
