// A generic OpenID Connect upstream: endpoints come from the issuer's discovery document, loaded once when the
// provider is created, then it behaves as the generic OAuth 2 provider. Google and Auth0 are presets of it.
import { upstreamFetch, type UpstreamHttpOptions } from './http.ts';
import { createOAuth2Provider, type OAuth2Endpoints, type OAuth2ProviderSettings } from './oauth2.ts';
import { UpstreamError, type TokenEndpointAuthMethod, type UpstreamProvider } from './types.ts';

/** The discovery fields the proxy uses (OIDC Discovery §3). */
export interface OidcMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint?: string;
  revocation_endpoint?: string;
  token_endpoint_auth_methods_supported?: string[];
  [key: string]: unknown;
}

export interface OidcProviderSettings extends Omit<OAuth2ProviderSettings, 'endpoints'> {
  issuer: string;
  /** Configured endpoints that win over discovered ones (e.g. a userinfo endpoint the document lacks). */
  endpointOverrides?: Partial<OAuth2Endpoints>;
  /** Endpoints used when neither configuration nor discovery has them (a preset's documented revocation URL). */
  endpointDefaults?: Partial<OAuth2Endpoints>;
}

/** The least time start-up discovery gets, in milliseconds (the upstream HTTP default). */
const DISCOVERY_TIMEOUT_MS = 10_000;

/** The discovery URL: any trailing `/` of the issuer is removed before the well-known suffix (OIDC Discovery §4). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/**
 * Loads and checks the discovery document. Its `issuer` must equal the configured issuer exactly, or an attacker
 * who controls the document could make the proxy talk to another issuer's endpoints.
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationValidation
 */
export async function discoverOidc(issuer: string, http: UpstreamHttpOptions): Promise<OidcMetadata> {
  const url = discoveryUrl(issuer);
  // Discovery runs once, at start-up, before anyone waits on it: it gets at least the default time limit even when
  // UPSTREAM_TIMEOUT_MS is set short for the requests users wait on.
  const timeoutMs = Math.max(http.timeoutMs ?? DISCOVERY_TIMEOUT_MS, DISCOVERY_TIMEOUT_MS);
  const response = await upstreamFetch(
    url,
    { method: 'GET', headers: { accept: 'application/json' } },
    { ...http, timeoutMs },
  );
  if (response.status !== 200) {
    throw new UpstreamError(
      'misconfigured',
      `OIDC discovery at ${url} answered HTTP ${response.status}; is the issuer ${JSON.stringify(issuer)} right?`,
    );
  }
  const doc = response.body;
  if (doc.issuer !== issuer) {
    throw new UpstreamError(
      'misconfigured',
      `OIDC discovery issuer mismatch: expected ${JSON.stringify(issuer)}, got ${JSON.stringify(doc.issuer)}`,
    );
  }
  const secure = new URL(issuer).protocol === 'https:';
  for (const field of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'revocation_endpoint']) {
    const value = doc[field];
    if (value === undefined && (field === 'userinfo_endpoint' || field === 'revocation_endpoint')) continue;
    assertEndpoint(value, field, secure);
  }
  return doc as OidcMetadata;
}

/** An absolute URL, and https when the issuer is: client secrets must not travel in clear text. */
function assertEndpoint(value: unknown, field: string, secure: boolean): void {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new UpstreamError('bad_response', `OIDC discovery ${field} is not an absolute http(s) URL`);
  }
  if (secure && url.protocol !== 'https:') {
    throw new UpstreamError('bad_response', `OIDC discovery ${field} is not https although the issuer is`);
  }
}

/**
 * Without a configured method: client_secret_basic, the default when the document omits the list (OIDC Discovery
 * §3), unless the IdP lists only client_secret_post.
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata
 */
export function chooseAuthMethod(
  configured: TokenEndpointAuthMethod | undefined,
  supported: string[] | undefined,
): TokenEndpointAuthMethod {
  if (configured !== undefined) return configured;
  if (
    Array.isArray(supported) &&
    !supported.includes('client_secret_basic') &&
    supported.includes('client_secret_post')
  )
    return 'client_secret_post';
  return 'client_secret_basic';
}

/** Discovers once, then returns the OAuth 2 provider on the discovered endpoints. */
export async function createOidcProvider(settings: OidcProviderSettings): Promise<UpstreamProvider> {
  const metadata = await discoverOidc(settings.issuer, settings.http);
  const overrides = settings.endpointOverrides ?? {};
  const defaults = settings.endpointDefaults ?? {};
  const userinfo = overrides.userinfo ?? metadata.userinfo_endpoint ?? defaults.userinfo;
  if (userinfo === undefined) {
    throw new UpstreamError(
      'misconfigured',
      `OIDC discovery for ${settings.issuer} has no userinfo_endpoint; set UPSTREAM_USERINFO_ENDPOINT`,
    );
  }
  const revocation = overrides.revocation ?? metadata.revocation_endpoint ?? defaults.revocation;
  const endpoints: OAuth2Endpoints = {
    authorization: overrides.authorization ?? metadata.authorization_endpoint,
    token: overrides.token ?? metadata.token_endpoint,
    userinfo,
    ...(revocation !== undefined ? { revocation } : {}),
  };
  return createOAuth2Provider({
    ...settings,
    endpoints,
    tokenEndpointAuthMethod: chooseAuthMethod(
      settings.tokenEndpointAuthMethod,
      metadata.token_endpoint_auth_methods_supported,
    ),
  });
}
