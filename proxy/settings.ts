// Resolves ProxyOptions into the settings every endpoint reads: defaults applied, every value validated once at
// startup with a clear message, and all public URLs derived from the one issuer string.
import type { Logger } from 'pino';
import { pino } from 'pino';
import type { ConsentMode, ProxyOptions, SigningOptions } from './options.ts';
import type { Store } from './storage/store.ts';
import type { UpstreamProvider } from './upstream/types.ts';
import { parseRedirectUriPattern, type RedirectUriPattern } from './checks/redirect-uri.ts';

const DAY = 86_400;

/** Every public URL and route path of the proxy. */
export interface ProxyEndpoints {
  authorization: string;
  token: string;
  registration: string;
  revocation: string;
  consent: string;
  callback: string;
  jwks: string;
  authorizationServerMetadata: string;
  protectedResourceMetadata: string;
}

export interface ProxySettings {
  /** The issuer identifier, byte-identical everywhere (RFC 8414 §3.3, RFC 9207 §2). */
  issuer: string;
  /** The MCP resource identifier (RFC 8707, RFC 9728 `resource`): issuer + mcpPath. */
  resource: string;
  /** Absolute URLs. */
  urls: ProxyEndpoints;
  /** Route paths for the Hono app (the pathname of each URL). */
  paths: ProxyEndpoints & { mcp: string; protectedResourceMetadataRoot: string };
  upstream: UpstreamProvider;
  store: Store;
  signing: SigningOptions;
  cookieSecret: string;
  /** https issuer: cookies get `Secure` and the `__Host-` prefix. */
  secureCookies: boolean;
  allowedRedirectUris: RedirectUriPattern[];
  consent: ConsentMode;
  consentTtlSeconds: number;
  scopesSupported: string[];
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  authorizationCodeTtlSeconds: number;
  transactionTtlSeconds: number;
  unusedClientTtlSeconds: number;
  clientTtlSeconds: number;
  registrationRateLimitPerMinute: number;
  refreshGraceSeconds: number;
  dangerouslyPassUpstreamTokens: boolean;
  trustProxyHeaders: boolean;
  logger: Logger;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
/** RFC 6749 §3.3 scope-token: printable ASCII except space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

export function resolveSettings(options: ProxyOptions): ProxySettings {
  const issuer = validateIssuer(options.baseUrl);
  const mcpPath = options.mcpPath ?? '/mcp';
  if (!/^\/[^?#\s]*$/.test(mcpPath) || mcpPath === '/') {
    throw new Error(`mcpPath must be a path such as "/mcp" (got ${JSON.stringify(mcpPath)})`);
  }
  if (!options.upstream) throw new Error('upstream is required (createUpstream(config))');
  if (!options.store) throw new Error('store is required (e.g. new MemoryStore())');
  validateSigning(options.signing);
  const cookieSecret = options.cookieSecret ?? (options.signing.kind === 'secret' ? options.signing.secret : '');
  if (cookieSecret.length < 32) {
    throw new Error('cookieSecret must be at least 32 characters (required when signing.kind is "jwks")');
  }
  const scopesSupported = [...new Set(options.scopesSupported ?? [])];
  for (const scope of scopesSupported) {
    if (!SCOPE_TOKEN.test(scope)) throw new Error(`scopesSupported: invalid scope token ${JSON.stringify(scope)}`);
  }
  const consent = options.consent ?? 'always';
  if (!['always', 'remember', 'off'].includes(consent)) {
    throw new Error(`consent must be "always", "remember" or "off" (got ${JSON.stringify(consent)})`);
  }
  const issuerUrl = new URL(issuer);
  const basePath = issuerUrl.pathname === '/' ? '' : issuerUrl.pathname;
  const urls = endpointUrls(issuer, issuerUrl.origin, basePath, mcpPath);
  const paths = Object.fromEntries(
    Object.entries(urls).map(([k, v]) => [k, new URL(v).pathname]),
  ) as unknown as ProxyEndpoints;
  return {
    issuer,
    resource: `${issuer}${mcpPath}`,
    urls,
    paths: {
      ...paths,
      mcp: `${basePath}${mcpPath}`,
      protectedResourceMetadataRoot: '/.well-known/oauth-protected-resource',
    },
    upstream: options.upstream,
    store: options.store,
    signing: options.signing,
    cookieSecret,
    secureCookies: issuerUrl.protocol === 'https:',
    allowedRedirectUris: (options.allowedRedirectUris ?? []).map(parseRedirectUriPattern),
    consent,
    consentTtlSeconds: seconds('consentTtlSeconds', options.consentTtlSeconds, 30 * DAY),
    scopesSupported,
    accessTokenTtlSeconds: seconds('accessTokenTtlSeconds', options.accessTokenTtlSeconds, 3600),
    refreshTokenTtlSeconds: seconds('refreshTokenTtlSeconds', options.refreshTokenTtlSeconds, 30 * DAY),
    authorizationCodeTtlSeconds: seconds('authorizationCodeTtlSeconds', options.authorizationCodeTtlSeconds, 300),
    transactionTtlSeconds: seconds('transactionTtlSeconds', options.transactionTtlSeconds, 600),
    unusedClientTtlSeconds: seconds('unusedClientTtlSeconds', options.unusedClientTtlSeconds, DAY),
    clientTtlSeconds: seconds('clientTtlSeconds', options.clientTtlSeconds, 90 * DAY),
    registrationRateLimitPerMinute: count('registrationRateLimitPerMinute', options.registrationRateLimitPerMinute, 30),
    refreshGraceSeconds: count('refreshGraceSeconds', options.refreshGraceSeconds, 0),
    dangerouslyPassUpstreamTokens: options.dangerouslyPassUpstreamTokens === true,
    trustProxyHeaders: options.trustProxyHeaders === true,
    logger: options.logger ?? pino({ name: 'mcp-oauth-proxy' }),
  };
}

/**
 * The issuer is an https URL without query or fragment (RFC 8414 §2); http only for loopback development. A trailing
 * slash is refused rather than stripped, so the configured string is exactly the one clients compare against.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
function validateIssuer(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`baseUrl must be an absolute URL such as https://mcp.example.com (got ${JSON.stringify(baseUrl)})`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new Error(`baseUrl must use https (http only for localhost/127.0.0.1/[::1]); got ${baseUrl}`);
  }
  if (url.search !== '' || url.hash !== '' || baseUrl.includes('?') || baseUrl.includes('#')) {
    throw new Error(`baseUrl must not have a query or fragment (RFC 8414 §2); got ${baseUrl}`);
  }
  if (url.username !== '' || url.password !== '') throw new Error('baseUrl must not contain userinfo');
  if (baseUrl.endsWith('/')) throw new Error(`baseUrl must not end with "/" (got ${baseUrl})`);
  const canonical = url.pathname === '/' ? url.origin : `${url.origin}${url.pathname}`;
  if (canonical !== baseUrl) {
    throw new Error(`baseUrl must be in canonical form ${JSON.stringify(canonical)} (got ${JSON.stringify(baseUrl)})`);
  }
  return baseUrl;
}

function validateSigning(signing: SigningOptions | undefined): void {
  if (!signing) throw new Error('signing is required: { kind: "secret", secret } or { kind: "jwks", keys }');
  if (signing.kind === 'secret') {
    if (typeof signing.secret !== 'string' || signing.secret.length < 32) {
      throw new Error('signing.secret must be at least 32 characters');
    }
  } else if (signing.kind === 'jwks') {
    if (!Array.isArray(signing.keys) || signing.keys.length === 0) {
      throw new Error('signing.keys must hold at least one private JWK');
    }
  } else {
    throw new Error('signing.kind must be "secret" or "jwks"');
  }
}

function endpointUrls(issuer: string, origin: string, basePath: string, mcpPath: string): ProxyEndpoints {
  return {
    authorization: `${issuer}/authorize`,
    token: `${issuer}/token`,
    registration: `${issuer}/register`,
    revocation: `${issuer}/revoke`,
    consent: `${issuer}/consent`,
    callback: `${issuer}/auth/callback`,
    jwks: `${issuer}/jwks.json`,
    // RFC 8414 §3.1 / RFC 9728 §3.1: the well-known segment goes between the host and the path.
    authorizationServerMetadata: `${origin}/.well-known/oauth-authorization-server${basePath}`,
    protectedResourceMetadata: `${origin}/.well-known/oauth-protected-resource${basePath}${mcpPath}`,
  };
}

function seconds(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer number of seconds`);
  return value;
}

function count(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer`);
  return value;
}
