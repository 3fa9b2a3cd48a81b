// What each provider needs from `UpstreamConfig`, checked once at start with messages that name the environment
// variable to set, and the scopes each provider asks for when none are configured.
import { OptionValueProblem, type Kind } from '../options/kinds.ts';
import { OptionError } from '../options/option.ts';
import { UPSTREAM_OPTIONS } from '../options/upstream-option-table.ts';
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

/**
 * Checks a config against the upstream option table (every set value by its rule) and the provider's needs. Throws
 * an OptionError naming the variable and flag to fix.
 */
export function assertUpstreamConfig(config: UpstreamConfig): void {
  const named = (key: keyof typeof UPSTREAM_OPTIONS) =>
    `${UPSTREAM_OPTIONS[key].env} (--${UPSTREAM_OPTIONS[key].flag})`;
  for (const key of Object.keys(UPSTREAM_OPTIONS) as (keyof typeof UPSTREAM_OPTIONS)[]) {
    const value = config[key];
    if (value === undefined) continue;
    try {
      (UPSTREAM_OPTIONS[key].kind as Kind<unknown>).check(value);
    } catch (error) {
      if (error instanceof OptionValueProblem) throw new OptionError(key, named(key), error.message);
      throw error;
    }
  }
  const { provider } = config;
  const requires = (key: keyof typeof UPSTREAM_OPTIONS) => {
    if (config[key] === undefined) throw new OptionError(key, named(key), `is required for provider ${provider}`);
  };
  switch (provider) {
    case 'oidc':
    case 'auth0':
      requires('issuer');
      break;
    case 'oauth2':
      requires('authorizationEndpoint');
      requires('tokenEndpoint');
      requires('userinfoEndpoint');
      break;
    case 'azure':
      requires('tenant');
      break;
    case 'github':
    case 'google':
      break;
  }
}
