// The upstream settings as an operator writes them (UPSTREAM_* variables, flags, config file; the table is
// proxy/options/upstream-option-table.ts) turned into an UpstreamConfig, so that a misconfigured proxy fails at
// start with a message naming the variable to fix.
import { OptionError } from '../options/option.ts';
import { readTable } from '../options/read-options.ts';
import { UPSTREAM_OPTIONS, type UpstreamTableOptions } from '../options/upstream-option-table.ts';
import { assertUpstreamConfig, defaultScopes } from './upstream-config.ts';
import type { UpstreamConfig, UpstreamProviderName } from './types.ts';

/** Reads `UPSTREAM_*` variables (empty counts as unset) into a checked UpstreamConfig. */
export function upstreamConfigFromEnv(env: Readonly<Record<string, string | undefined>>): UpstreamConfig {
  return upstreamConfig(readTable(UPSTREAM_OPTIONS, { env }));
}

/**
 * The provider defaults to `oidc` when an issuer is set and to `oauth2` when endpoints are; scopes default per
 * provider. Then the provider's own requirements are checked (assertUpstreamConfig).
 */
export function upstreamConfig(values: UpstreamTableOptions): UpstreamConfig {
  const { provider: _provider, clientId, clientSecret, scopes, ...rest } = values;
  const provider = inferProvider(values);
  const config: UpstreamConfig = {
    provider,
    clientId: required(clientId, 'clientId'),
    clientSecret: required(clientSecret, 'clientSecret'),
    scopes: scopes !== undefined && scopes.length > 0 ? scopes : defaultScopes(provider),
    ...rest,
  };
  assertUpstreamConfig(config);
  return config;
}

function inferProvider(values: UpstreamTableOptions): UpstreamProviderName {
  if (values.provider !== undefined) return values.provider;
  if (values.issuer !== undefined) return 'oidc';
  if (values.authorizationEndpoint ?? values.tokenEndpoint ?? values.userinfoEndpoint) return 'oauth2';
  throw new OptionError(
    'provider',
    'UPSTREAM_PROVIDER (--upstream-provider)',
    'is required unless UPSTREAM_ISSUER (provider oidc) or the UPSTREAM_*_ENDPOINT variables (provider oauth2) are set',
  );
}

function required(value: string | undefined, key: 'clientId' | 'clientSecret'): string {
  const spec = UPSTREAM_OPTIONS[key];
  if (value === undefined) throw new OptionError(key, `${spec.env} (--${spec.flag})`, 'is required');
  return value;
}
