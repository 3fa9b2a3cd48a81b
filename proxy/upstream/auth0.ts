// Auth0: OpenID Connect by discovery from the tenant's issuer `https://{domain}/`, with the API `audience` in the
// authorization request and refresh-token revocation at `/oauth/revoke`.
import type { UpstreamHttpOptions } from './http.ts';
import { createOidcProvider } from './oidc.ts';
import type { TokenEndpointAuthMethod, UpstreamProvider } from './types.ts';

export interface Auth0ProviderSettings {
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** `https://{domain}/`; a bare origin without the trailing slash is completed, since Auth0's issuer has it. */
  issuer: string;
  /** API identifier: without it Auth0 issues an opaque access token usable only at /userinfo. */
  audience?: string;
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  userinfoEndpoint?: string;
  revocationEndpoint?: string;
  http: UpstreamHttpOptions;
}

/**
 * - Default client authentication is client_secret_post, Auth0's default for regular web applications.
 * - Auth0 revokes refresh tokens only (its access tokens are self-contained), so revoke skips grants without one.
 * @see https://auth0.com/docs/get-started/applications/application-settings#credentials
 * @see https://auth0.com/docs/api/authentication#revoke-refresh-token
 * @see https://auth0.com/docs/secure/tokens/access-tokens/get-access-tokens#control-access-token-audience
 */
export function createAuth0Provider(settings: Auth0ProviderSettings): Promise<UpstreamProvider> {
  const issuer = auth0Issuer(settings.issuer);
  return createOidcProvider({
    name: 'auth0',
    issuer,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    scopes: settings.scopes,
    tokenEndpointAuthMethod: settings.tokenEndpointAuthMethod ?? 'client_secret_post',
    authorizationParams: settings.audience !== undefined ? { audience: settings.audience } : {},
    revocableTokens: 'refresh_only',
    endpointOverrides: {
      ...(settings.userinfoEndpoint !== undefined ? { userinfo: settings.userinfoEndpoint } : {}),
      ...(settings.revocationEndpoint !== undefined ? { revocation: settings.revocationEndpoint } : {}),
    },
    endpointDefaults: { revocation: new URL('oauth/revoke', issuer).href },
    http: settings.http,
  });
}

/** `https://tenant.auth0.com` → `https://tenant.auth0.com/`; issuers with a path are kept as configured. */
export function auth0Issuer(configured: string): string {
  const url = new URL(configured);
  return url.pathname === '/' && !configured.endsWith('/') ? `${configured}/` : configured;
}
