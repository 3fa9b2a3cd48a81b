// Reads the upstream settings from `UPSTREAM_*` environment variables and checks them, so that a misconfigured
// proxy fails at start with a message naming the variable to fix.
import { assertUpstreamConfig, defaultScopes } from './upstream-config.ts';
import type { TokenEndpointAuthMethod, UpstreamConfig, UpstreamProviderName } from './types.ts';

const PROVIDERS: readonly UpstreamProviderName[] = ['oidc', 'oauth2', 'github', 'google', 'azure', 'auth0'];
const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post'];

/**
 * `UPSTREAM_PROVIDER` defaults to 'oidc' when `UPSTREAM_ISSUER` is set and to 'oauth2' when endpoints are.
 * `UPSTREAM_SCOPES` is space- or comma-separated and defaults per provider. Empty variables count as unset.
 * `UPSTREAM_TOKEN_ENDPOINT_AUTH_METHOD` is `client_secret_basic` or `client_secret_post`.
 */
export function upstreamConfigFromEnv(env: Record<string, string | undefined>): UpstreamConfig {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const provider = readProvider(read);
  const config: UpstreamConfig = {
    provider,
    clientId: required(read, 'UPSTREAM_CLIENT_ID'),
    clientSecret: required(read, 'UPSTREAM_CLIENT_SECRET'),
    scopes: parseScopes(read('UPSTREAM_SCOPES')) ?? defaultScopes(provider),
  };
  const urls = {
    issuer: 'UPSTREAM_ISSUER',
    authorizationEndpoint: 'UPSTREAM_AUTHORIZATION_ENDPOINT',
    tokenEndpoint: 'UPSTREAM_TOKEN_ENDPOINT',
    userinfoEndpoint: 'UPSTREAM_USERINFO_ENDPOINT',
    revocationEndpoint: 'UPSTREAM_REVOCATION_ENDPOINT',
  } as const;
  for (const [key, name] of Object.entries(urls) as [keyof typeof urls, string][]) {
    const value = read(name);
    if (value !== undefined) config[key] = absoluteUrl(value, name);
  }
  const tenant = read('UPSTREAM_TENANT');
  if (tenant !== undefined) config.tenant = tenant;
  const audience = read('UPSTREAM_AUDIENCE');
  if (audience !== undefined) config.audience = audience;
  const timeout = read('UPSTREAM_TIMEOUT_MS');
  if (timeout !== undefined) config.timeoutMs = positiveInteger(timeout, 'UPSTREAM_TIMEOUT_MS');
  const authMethod = read('UPSTREAM_TOKEN_ENDPOINT_AUTH_METHOD');
  if (authMethod !== undefined) {
    if (!(AUTH_METHODS as readonly string[]).includes(authMethod)) {
      throw new Error(
        `UPSTREAM_TOKEN_ENDPOINT_AUTH_METHOD must be one of ${AUTH_METHODS.join(', ')} (got ${JSON.stringify(authMethod)})`,
      );
    }
    config.tokenEndpointAuthMethod = authMethod as TokenEndpointAuthMethod;
  }
  assertUpstreamConfig(config);
  return config;
}

function readProvider(read: (name: string) => string | undefined): UpstreamProviderName {
  const value = read('UPSTREAM_PROVIDER');
  if (value !== undefined) {
    if (!(PROVIDERS as readonly string[]).includes(value)) {
      throw new Error(`UPSTREAM_PROVIDER must be one of ${PROVIDERS.join(', ')} (got ${JSON.stringify(value)})`);
    }
    return value as UpstreamProviderName;
  }
  if (read('UPSTREAM_ISSUER') !== undefined) return 'oidc';
  const endpoints = ['UPSTREAM_AUTHORIZATION_ENDPOINT', 'UPSTREAM_TOKEN_ENDPOINT', 'UPSTREAM_USERINFO_ENDPOINT'];
  if (endpoints.some((name) => read(name) !== undefined)) return 'oauth2';
  throw new Error(
    'UPSTREAM_PROVIDER is required unless UPSTREAM_ISSUER (provider oidc) or the UPSTREAM_*_ENDPOINT variables ' +
      '(provider oauth2) are set',
  );
}

function required(read: (name: string) => string | undefined, name: string): string {
  const value = read(name);
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
}

/** Space- or comma-separated, duplicates dropped; undefined when no scope is listed. */
export function parseScopes(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const scopes = [...new Set(value.split(/[\s,]+/).filter((scope) => scope !== ''))];
  return scopes.length > 0 ? scopes : undefined;
}

function absoluteUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} must be an absolute http(s) URL (got ${JSON.stringify(value)})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`${name} must be an absolute http(s) URL (got ${JSON.stringify(value)})`);
  }
  return value;
}

function positiveInteger(value: string, name: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number <= 0) {
    throw new Error(`${name} must be a positive integer number of milliseconds (got ${JSON.stringify(value)})`);
  }
  return number;
}
