// Builds the configured upstream provider once at start. Async because OIDC-based providers load their discovery
// document here, so a wrong issuer stops the proxy before it accepts its first request.
import { createAuth0Provider } from './auth0.ts';
import { createAzureProvider } from './azure.ts';
import { createGitHubProvider } from './github.ts';
import { createGoogleProvider } from './google.ts';
import type { UpstreamHttpOptions } from './http.ts';
import { createOAuth2Provider } from './oauth2.ts';
import { createOidcProvider } from './oidc.ts';
import type { UpstreamConfig, UpstreamProvider } from './types.ts';
import { assertUpstreamConfig } from './upstream-config.ts';

export { upstreamConfigFromEnv } from './config-from-env.ts';

export interface CreateUpstreamOptions {
  /** The fetch used for every upstream call (tests inject one); defaults to the global fetch. */
  fetch?: typeof fetch;
}

/**
 * Dispatches on `config.provider`. Throws an Error naming the missing `UPSTREAM_*` setting, or an `UpstreamError`
 * when discovery fails (unreachable: `unavailable`; wrong issuer: `misconfigured`).
 */
export async function createUpstream(
  config: UpstreamConfig,
  options: CreateUpstreamOptions = {},
): Promise<UpstreamProvider> {
  assertUpstreamConfig(config);
  const http: UpstreamHttpOptions = {
    ...(options.fetch !== undefined ? { fetch: options.fetch } : {}),
    ...(config.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
  };
  const { clientId, clientSecret, scopes } = config;
  const authMethod =
    config.tokenEndpointAuthMethod !== undefined ? { tokenEndpointAuthMethod: config.tokenEndpointAuthMethod } : {};
  const endpoint = <K extends string>(key: K, value: string | undefined) =>
    (value !== undefined ? { [key]: value } : {}) as Partial<Record<K, string>>;

  switch (config.provider) {
    case 'oauth2':
      return createOAuth2Provider({
        name: 'oauth2',
        clientId,
        clientSecret,
        scopes,
        ...authMethod,
        endpoints: {
          authorization: config.authorizationEndpoint!,
          token: config.tokenEndpoint!,
          userinfo: config.userinfoEndpoint!,
          ...endpoint('revocation', config.revocationEndpoint),
        },
        http,
      });
    case 'oidc':
      return createOidcProvider({
        name: 'oidc',
        issuer: config.issuer!,
        clientId,
        clientSecret,
        scopes,
        ...authMethod,
        endpointOverrides: {
          ...endpoint('authorization', config.authorizationEndpoint),
          ...endpoint('token', config.tokenEndpoint),
          ...endpoint('userinfo', config.userinfoEndpoint),
          ...endpoint('revocation', config.revocationEndpoint),
        },
        http,
      });
    case 'github':
      return createGitHubProvider({
        clientId,
        clientSecret,
        scopes,
        ...endpoint('authorizationEndpoint', config.authorizationEndpoint),
        ...endpoint('tokenEndpoint', config.tokenEndpoint),
        ...endpoint('userinfoEndpoint', config.userinfoEndpoint),
        http,
      });
    case 'google':
      return createGoogleProvider({
        clientId,
        clientSecret,
        scopes,
        ...authMethod,
        ...endpoint('revocationEndpoint', config.revocationEndpoint),
        http,
      });
    case 'azure':
      return createAzureProvider({
        clientId,
        clientSecret,
        scopes,
        tenant: config.tenant!,
        ...authMethod,
        ...endpoint('authorizationEndpoint', config.authorizationEndpoint),
        ...endpoint('tokenEndpoint', config.tokenEndpoint),
        ...endpoint('userinfoEndpoint', config.userinfoEndpoint),
        http,
      });
    case 'auth0':
      return createAuth0Provider({
        clientId,
        clientSecret,
        scopes,
        issuer: config.issuer!,
        ...endpoint('audience', config.audience),
        ...authMethod,
        ...endpoint('userinfoEndpoint', config.userinfoEndpoint),
        ...endpoint('revocationEndpoint', config.revocationEndpoint),
        http,
      });
  }
}
