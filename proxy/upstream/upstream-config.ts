// What each provider needs from `UpstreamConfig`, checked once at start with messages that name the environment
// variable to set, and the scopes each provider asks for when none are configured.
import type { UpstreamConfig, UpstreamProviderName } from './types.ts';

/**
 * Default scopes: identity and, where the IdP issues refresh tokens by scope, `offline_access`. Google issues them
 * through `access_type=offline` instead and rejects `offline_access`; GitHub's `user:email` reads private emails.
 */
export function defaultScopes(provider: UpstreamProviderName): string[] {
  switch (provider) {
    case 'oidc':
      return ['openid', 'profile', 'email'];
    case 'google':
      return ['openid', 'email', 'profile'];
    case 'azure':
    case 'auth0':
      return ['openid', 'profile', 'email', 'offline_access'];
    case 'github':
      return ['read:user', 'user:email'];
    case 'oauth2':
      return [];
  }
}

/** Throws an Error naming the missing or invalid `UPSTREAM_*` variable. */
export function assertUpstreamConfig(config: UpstreamConfig): void {
  const { provider } = config;
  if (config.clientId === '') throw new Error('UPSTREAM_CLIENT_ID is required');
  if (config.clientSecret === '') throw new Error('UPSTREAM_CLIENT_SECRET is required');
  if (config.timeoutMs !== undefined && !(Number.isSafeInteger(config.timeoutMs) && config.timeoutMs > 0)) {
    throw new Error('UPSTREAM_TIMEOUT_MS must be a positive integer number of milliseconds');
  }
  const requires = (value: string | undefined, name: string) => {
    if (value === undefined || value === '') throw new Error(`${name} is required for provider ${provider}`);
  };
  switch (provider) {
    case 'oidc':
    case 'auth0':
      requires(config.issuer, 'UPSTREAM_ISSUER');
      break;
    case 'oauth2':
      requires(config.authorizationEndpoint, 'UPSTREAM_AUTHORIZATION_ENDPOINT');
      requires(config.tokenEndpoint, 'UPSTREAM_TOKEN_ENDPOINT');
      requires(config.userinfoEndpoint, 'UPSTREAM_USERINFO_ENDPOINT');
      break;
    case 'azure':
      requires(config.tenant, 'UPSTREAM_TENANT');
      break;
    case 'github':
    case 'google':
      break;
  }
}
