// The upstream IdP adapters: one confidential OAuth client per configured provider.
export { createUpstream, type CreateUpstreamOptions } from './create-upstream.ts';
export { upstreamConfig, upstreamConfigFromEnv } from './config-from-env.ts';
export { assertUpstreamConfig, defaultScopes } from './upstream-config.ts';
export { upstreamFetch, DEFAULT_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES } from './http.ts';
export type { UpstreamHttpOptions, UpstreamResponse } from './http.ts';
export { parseTokenResponse, errorKindFor } from './token-response.ts';
export { basicAuthorization } from './client-authentication.ts';
export { createOAuth2Provider, buildAuthorizationUrl } from './oauth2.ts';
export type { OAuth2Endpoints, OAuth2ProviderSettings } from './oauth2.ts';
export { createOidcProvider, discoverOidc, discoveryUrl } from './oidc.ts';
export type { OidcMetadata, OidcProviderSettings } from './oidc.ts';
export { createGitHubProvider, githubApiBase } from './github.ts';
export { createGoogleProvider, GOOGLE_ISSUER } from './google.ts';
export { createAzureProvider } from './azure.ts';
export { createAuth0Provider } from './auth0.ts';
export { UpstreamError } from './types.ts';
export type {
  AuthorizationUrlParams,
  CodeExchangeParams,
  TokenEndpointAuthMethod,
  UpstreamConfig,
  UpstreamErrorKind,
  UpstreamProvider,
  UpstreamProviderName,
  UpstreamTokens,
  UpstreamUser,
} from './types.ts';
