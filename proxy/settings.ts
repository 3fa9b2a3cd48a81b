// Resolves ProxyOptions into the settings every endpoint reads: the option table's rules and defaults applied once
// at startup (proxy/options/), the allowlist parsed, and every public URL derived from the one issuer string.
import type { Logger } from 'pino';
import { pino } from 'pino';
import { parseRedirectUriPattern, type RedirectUriPattern } from './checks/redirect-uri.ts';
import { systemClock, type Clock } from './clock.ts';
import { readFileSync } from 'node:fs';
import { OptionError, resolveTable, type ResolvedTable } from './options/option.ts';
import { parseAllowedCimdHost, PROXY_OPTIONS, type AllowedCimdHost } from './options/proxy-option-table.ts';
import type { HostResolver, ProxyOptions, SigningOptions } from './options/proxy-options.ts';
import { resolveScopePolicy, type ScopePolicy } from './options/scope-policy.ts';
import { MIN_SECRET_LENGTH } from './crypto/hmac.ts';
import type { Store } from './storage/store.ts';
import type { UpstreamProvider } from './upstream/types.ts';

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

type TableSettings = ResolvedTable<typeof PROXY_OPTIONS>;

export interface ProxySettings extends Omit<TableSettings, 'baseUrl' | 'cookieSecret' | 'allowedRedirectUris'> {
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
  /** The registration allowlist, parsed. */
  redirectUriAllowlist: RedirectUriPattern[];
  /** dangerouslyAllowCimdHosts, parsed: lower-case host → loopback address. */
  cimdAllowedHosts: Map<string, AllowedCimdHost>;
  /** The PEM text of cimdCaFile. */
  cimdCa: string | undefined;
  /** Name resolution for metadata document fetches (undefined: the system resolver). */
  hostResolver: HostResolver | undefined;
  /** Offered and default scopes, per-tool requirements and the scope hierarchy, resolved together. */
  scopes: ScopePolicy;
  logger: Logger;
  clock: Clock;
}

export function resolveSettings(options: ProxyOptions): ProxySettings {
  const table = resolveTable(PROXY_OPTIONS, options);
  const issuer = options.baseUrl;
  if (!options.upstream) throw new OptionError('upstream', 'upstream', 'is required (createUpstream(config))');
  if (!options.store) throw new OptionError('store', 'store', 'is required (e.g. new MemoryStore())');
  validateSigning(options.signing);
  const cookieSecret = table.cookieSecret ?? (options.signing.kind === 'secret' ? options.signing.secret : undefined);
  if (cookieSecret === undefined) {
    throw new OptionError('cookieSecret', 'cookieSecret', 'is required when signing.kind is "jwks"');
  }
  if (table.cimdCacheMinSeconds > table.cimdCacheMaxSeconds) {
    throw new OptionError('cimdCacheMinSeconds', 'cimdCacheMinSeconds', 'must not exceed cimdCacheMaxSeconds');
  }
  const issuerUrl = new URL(issuer);
  const basePath = issuerUrl.pathname === '/' ? '' : issuerUrl.pathname;
  const urls = endpointUrls(issuer, issuerUrl.origin, basePath, table.mcpPath);
  const paths = Object.fromEntries(
    Object.entries(urls).map(([k, v]) => [k, new URL(v).pathname]),
  ) as unknown as ProxyEndpoints;
  return {
    ...table,
    issuer,
    resource: `${issuer}${table.mcpPath}`,
    urls,
    paths: {
      ...paths,
      mcp: `${basePath}${table.mcpPath}`,
      protectedResourceMetadataRoot: '/.well-known/oauth-protected-resource',
    },
    upstream: options.upstream,
    store: options.store,
    signing: options.signing,
    cookieSecret,
    secureCookies: issuerUrl.protocol === 'https:',
    redirectUriAllowlist: table.allowedRedirectUris.map(parseRedirectUriPattern),
    cimdAllowedHosts: new Map(table.dangerouslyAllowCimdHosts.map(parseAllowedCimdHost).map((h) => [h.host, h])),
    cimdCa: readCaFile(table.cimdCaFile),
    hostResolver: options.hostResolver,
    scopes: resolveScopePolicy(table),
    logger: options.logger ?? pino({ name: 'mcp-oauth-proxy' }),
    clock: options.clock ?? systemClock,
  };
}

function readCaFile(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new OptionError('cimdCaFile', 'cimdCaFile', `cannot be read: ${(error as Error).message}`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new OptionError('cimdCaFile', 'cimdCaFile', 'must hold PEM certificates (-----BEGIN CERTIFICATE-----)');
  }
  return pem;
}

function validateSigning(signing: SigningOptions | undefined): void {
  const fail = (problem: string): never => {
    throw new OptionError('signing', 'signing', problem);
  };
  if (!signing) fail('is required: { kind: "secret", secret } or { kind: "jwks", keys }');
  else if (signing.kind === 'secret') {
    if (typeof signing.secret !== 'string' || signing.secret.length < MIN_SECRET_LENGTH) {
      fail(`.secret must be at least ${MIN_SECRET_LENGTH} characters`);
    }
  } else if (signing.kind === 'jwks') {
    if (!Array.isArray(signing.keys) || signing.keys.length === 0) fail('.keys must hold at least one private JWK');
  } else {
    fail('.kind must be "secret" or "jwks"');
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
