// The proxy's scalar options: the one table that the library (createOAuthProxy), the CLI (flags, PROXY_* variables,
// config files), --help and the README option tables all come from. Objects (upstream, store, signing keys, logger,
// MCP handler) are in ProxyOptions (proxy-options.ts); they have no text form.
import { parseRedirectUriPattern } from '../checks/redirect-uri.ts';
import { SCOPE_TOKEN } from '../checks/scope.ts';
import { parseScopeImplication } from '../checks/scope-hierarchy.ts';
import { parseToolScope } from '../checks/tool-scopes.ts';
import { isLoopbackHost } from '../http/loopback.ts';
import { boolean, integer, list, oneOf, refuse, seconds, secret, text } from './kinds.ts';
import { option, type TableValues } from './option.ts';

const DAY = 86_400;
const YEAR = 365 * DAY;

/**
 * The issuer is an https URL without query or fragment (RFC 8414 §2); http only on loopback for development. A
 * trailing slash is refused rather than stripped, so the configured string is exactly the one clients compare
 * byte for byte (RFC 8414 §3.3, RFC 9207 §2.4).
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 */
function issuerRule(value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    refuse(`must be an absolute URL such as https://mcp.example.com, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    refuse(`must use https (http only for localhost, 127.0.0.1 or [::1]), got ${JSON.stringify(value)}`);
  }
  if (url.search !== '' || url.hash !== '' || value.includes('?') || value.includes('#')) {
    refuse(`must not have a query or fragment (RFC 8414 §2), got ${JSON.stringify(value)}`);
  }
  if (url.username !== '' || url.password !== '') refuse('must not contain userinfo');
  if (value.endsWith('/')) {
    const trimmed = value.replace(/\/+$/, '');
    refuse(`must not end with "/" (the issuer is compared byte for byte): use ${JSON.stringify(trimmed)}`);
  }
  const canonical = url.pathname === '/' ? url.origin : `${url.origin}${url.pathname}`;
  if (canonical !== value) {
    refuse(`must be in canonical form ${JSON.stringify(canonical)}, got ${JSON.stringify(value)}`);
  }
}

function mcpPathRule(value: string): void {
  if (!/^\/[^?#\s]*$/.test(value) || value === '/') {
    refuse(`must be a path such as "/mcp" (not "/"), got ${JSON.stringify(value)}`);
  }
}

function scopeRule(value: string): void {
  if (!SCOPE_TOKEN.test(value)) refuse(`holds an invalid scope token ${JSON.stringify(value)} (RFC 6749 §3.3)`);
}

function toolScopeRule(value: string): void {
  try {
    parseToolScope(value);
  } catch (error) {
    refuse(`holds a bad entry: ${(error as Error).message}`);
  }
}

function scopeImplicationRule(value: string): void {
  try {
    parseScopeImplication(value);
  } catch (error) {
    refuse(`holds a bad entry: ${(error as Error).message}`);
  }
}

function redirectPatternRule(value: string): void {
  try {
    parseRedirectUriPattern(value);
  } catch (error) {
    refuse(`holds a bad pattern: ${(error as Error).message}`);
  }
}

/** One entry of the dangerous CIMD host map, parsed: `host=address:port`. */
export interface AllowedCimdHost {
  host: string;
  address: string;
  port: number;
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * `cimd.test=127.0.0.1:8443` or `cimd.test=[::1]:8443` (port 443 when left out). Only loopback addresses: the map exists
 * so that tests can serve documents on this machine, never to reach another one.
 */
export function parseAllowedCimdHost(value: string): AllowedCimdHost {
  const match = /^([^=\s]+)=(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(?::(\d{1,5}))?$/.exec(value);
  if (!match) {
    return refuse(`holds ${JSON.stringify(value)}: write host=127.0.0.1:PORT (or host=[::1]:PORT), a loopback address`);
  }
  const [, host = '', address = '', port = '443'] = match;
  if (!HOST_NAME.test(host.toLowerCase()) || /^[\d.]+$/.test(host)) {
    refuse(`holds ${JSON.stringify(host)}, which is not a DNS host name`);
  }
  if (address.split('.').some((octet) => Number(octet) > 255) || Number(port) < 1 || Number(port) > 65535) {
    refuse(`holds ${JSON.stringify(value)}: not a valid address and port`);
  }
  return { host: host.toLowerCase(), address: address.replace(/^\[|\]$/g, ''), port: Number(port) };
}

export const PROXY_OPTIONS = {
  baseUrl: option({
    kind: text('URL', issuerRule),
    env: 'PROXY_BASE_URL',
    flag: 'base-url',
    doc: 'Public base URL of the proxy. It is the issuer, byte-identical in every metadata document and in `iss`: https except on loopback, no trailing slash.',
    defaultDoc: 'the listening address (`http://127.0.0.1:PORT`), for development only',
    required: true,
    example: 'https://mcp.example.com',
    essential: true,
  }),
  mcpPath: option({
    kind: text('PATH', mcpPathRule),
    env: 'PROXY_MCP_PATH',
    flag: 'mcp-path',
    doc: 'Path of the protected MCP endpoint; the resource identifier is the base URL plus this path.',
    default: '/mcp',
    example: '/v1/mcp',
  }),
  serverName: option({
    kind: text('NAME'),
    env: 'PROXY_SERVER_NAME',
    flag: 'server-name',
    doc: 'Name of this MCP server as users read it on the consent page, next to the issuer host.',
    defaultDoc: 'none: the consent page names the issuer host only',
    example: 'Acme MCP',
    essential: true,
  }),
  cookieSecret: option({
    kind: secret,
    env: 'PROXY_COOKIE_SECRET',
    flag: 'cookie-secret',
    doc: 'HMAC secret (at least 32 characters) of the consent cookies and the consent form CSRF tokens. Required with a JWKS signing key.',
    defaultDoc: 'derived from the HS256 signing secret',
    example: 'cookie-secret-cookie-secret-cookie-secret',
  }),
  allowedRedirectUris: option({
    kind: list('PATTERNS', redirectPatternRule),
    env: 'PROXY_ALLOWED_REDIRECT_URIS',
    flag: 'allowed-redirect-uris',
    doc: 'Registration-time allowlist of redirect URI patterns, comma-separated: `*` in a host is one DNS label, in a port any port, at the end of a path any suffix. Empty: any https URI or loopback http URI. /authorize always matches exactly.',
    default: [],
    example: 'https://*.example.com/*,http://localhost:*',
    essential: true,
  }),
  consent: option({
    kind: oneOf(['always', 'remember', 'off'] as const),
    env: 'PROXY_CONSENT',
    flag: 'consent',
    doc: '`always`: ask on every authorization; `remember`: a signed cookie remembers approval per client, redirect URI and scopes; `off`: never ask (dangerous: confused deputy).',
    default: 'always',
    dangerous: true,
    warning: (value) =>
      value === 'off'
        ? 'consent is OFF: any registered client can obtain tokens for a signed-in user without asking (confused deputy)'
        : undefined,
    example: 'remember',
    essential: true,
  }),
  consentTtlSeconds: option({
    kind: seconds(1, YEAR),
    env: 'PROXY_CONSENT_TTL',
    flag: 'consent-ttl',
    doc: 'Lifetime of a `remember` consent cookie, in seconds.',
    default: 30 * DAY,
    example: '3600',
  }),
  scopesSupported: option({
    kind: list('SCOPES', scopeRule),
    env: 'PROXY_SCOPES',
    flag: 'scopes',
    doc: 'Scopes offered to MCP clients (space- or comma-separated), advertised in both metadata documents. Requested scopes outside this list are ignored, never granted. Empty: the proxy defines no scopes, grants none and advertises none.',
    default: ['mcp:tools', 'mcp:admin'],
    example: 'mcp:tools mcp:admin files:read',
    essential: true,
  }),
  defaultScopes: option({
    kind: list('SCOPES', scopeRule),
    env: 'PROXY_DEFAULT_SCOPES',
    flag: 'default-scopes',
    doc: "Scopes granted when a client asks for none (or only for scopes not offered), and named in the 401 challenge's `scope` as what basic access needs. Each must be offered (PROXY_SCOPES).",
    defaultDoc:
      '`mcp:tools` while PROXY_SCOPES offers mcp:tools and mcp:admin (as by default); otherwise every offered scope',
    example: 'mcp:tools',
  }),
  toolScopes: option({
    kind: list('TOOL=SCOPE', toolScopeRule),
    env: 'PROXY_TOOL_SCOPES',
    flag: 'tool-scopes',
    doc: 'Scopes a `tools/call` needs, per tool name (`*`: every tool not listed; a tool listed twice needs both scopes). A token without them gets 403 `insufficient_scope` naming every scope the call needs (MCP step-up). Applies to the demo server and the gateway. Each scope must be offered.',
    defaultDoc:
      '`*=mcp:tools,admin_audit=mcp:admin` with the default PROXY_SCOPES; otherwise none (no per-tool checks)',
    example: 'whoami=mcp:tools,admin_audit=mcp:admin',
  }),
  scopeImplies: option({
    kind: list('BROADER>NARROWER', scopeImplicationRule),
    env: 'PROXY_SCOPE_IMPLIES',
    flag: 'scope-implies',
    doc: 'Scope hierarchy, as `broader>narrower` pairs (transitive; no cycles): a token with the broader scope satisfies a tool that needs the narrower one. Each scope must be offered.',
    defaultDoc:
      '`mcp:admin>mcp:tools` while PROXY_SCOPES offers mcp:tools and mcp:admin (as by default); otherwise none',
    example: 'mcp:admin>mcp:tools',
  }),
  accessTokenTtlSeconds: option({
    kind: seconds(1, DAY),
    env: 'PROXY_ACCESS_TOKEN_TTL',
    flag: 'access-token-ttl',
    doc: 'Access token lifetime in seconds. Below 300 only for tests: many clients refresh a fixed margin (often 60 s) before expiry, so short tokens make them refresh on almost every request.',
    default: 3600,
    warning: (value) =>
      value < 300
        ? `${value} s is below 300 s: clients that refresh a fixed margin (often 60 s) before expiry will refresh on almost every request; use it only for tests`
        : undefined,
    example: '900',
  }),
  refreshTokenTtlSeconds: option({
    kind: seconds(60, YEAR),
    env: 'PROXY_REFRESH_TOKEN_TTL',
    flag: 'refresh-token-ttl',
    doc: 'Refresh token lifetime in seconds; each rotation issues a new token with a fresh lifetime.',
    default: 30 * DAY,
    example: '86400',
  }),
  authorizationCodeTtlSeconds: option({
    kind: seconds(1, 600),
    env: 'PROXY_CODE_TTL',
    flag: 'code-ttl',
    doc: 'Authorization code lifetime in seconds (RFC 6749 §4.1.2 recommends at most 10 minutes).',
    default: 300,
    example: '60',
  }),
  transactionTtlSeconds: option({
    kind: seconds(1, 3600),
    env: 'PROXY_TRANSACTION_TTL',
    flag: 'transaction-ttl',
    doc: 'How long a pending authorization (the consent page, then the sign-in upstream) may take, in seconds.',
    default: 600,
    example: '300',
  }),
  unusedClientTtlSeconds: option({
    kind: seconds(60, YEAR),
    env: 'PROXY_UNUSED_CLIENT_TTL',
    flag: 'unused-client-ttl',
    doc: 'A registered client that never completes an authorization is deleted after this many seconds.',
    default: DAY,
    example: '3600',
  }),
  clientTtlSeconds: option({
    kind: seconds(60, 10 * YEAR),
    env: 'PROXY_CLIENT_TTL',
    flag: 'client-ttl',
    doc: 'Lifetime of a client that has completed an authorization, in seconds, renewed at each token grant.',
    default: 90 * DAY,
    example: '604800',
  }),
  registrationRateLimitPerMinute: option({
    kind: integer(0, 1_000_000),
    env: 'PROXY_REGISTRATION_RATE_LIMIT',
    flag: 'registration-rate-limit',
    doc: 'Registrations allowed per client address per minute, counted per instance; 0 disables the limit.',
    default: 30,
    example: '100',
  }),
  grantCacheMs: option({
    kind: integer(0, 60_000, 'milliseconds'),
    env: 'PROXY_GRANT_CACHE_MS',
    flag: 'grant-cache-ms',
    doc: 'How long the bearer check of each instance may reuse a grant it has read, in milliseconds, instead of one store read (a Redis GET) and decryption per MCP request. A revocation through the same instance takes effect at once; through another instance sharing the store, within this time. 0: read the store on every request.',
    default: 1000,
    example: '0',
  }),
  refreshGraceSeconds: option({
    kind: seconds(0, 60),
    env: 'PROXY_REFRESH_GRACE',
    flag: 'refresh-grace',
    doc: 'A retried refresh within this many seconds of a rotation gets the same successor pair instead of revoking the grant; 0 (off): any reuse revokes (RFC 9700 §4.14.2).',
    default: 0,
    example: '5',
  }),
  dangerouslyPassUpstreamTokens: option({
    kind: boolean,
    env: 'PROXY_DANGEROUSLY_PASS_UPSTREAM_TOKENS',
    flag: 'dangerously-pass-upstream-tokens',
    doc: "Hand the upstream IdP's access token to MCP clients instead of the proxy's own JWT (token passthrough, forbidden by MCP; breaks audience binding). Only for legacy backends.",
    default: false,
    dangerous: true,
    warning: (value) =>
      value
        ? 'DANGEROUS: the upstream access token is handed to MCP clients (token passthrough); audience binding is lost'
        : undefined,
    example: 'false',
  }),
  clientIdMetadataDocuments: option({
    kind: boolean,
    env: 'PROXY_CIMD',
    flag: 'cimd',
    doc: 'Accept https URLs as client_id and fetch the client metadata document they name (MCP 2026-07-28 "Client ID Metadata Documents"); advertised as `client_id_metadata_document_supported`. false: only registered clients.',
    default: true,
    example: 'false',
  }),
  cimdFetchTimeoutMs: option({
    kind: integer(100, 60_000),
    env: 'PROXY_CIMD_TIMEOUT_MS',
    flag: 'cimd-timeout-ms',
    doc: 'Time limit of one client metadata document (or jwks_uri) fetch, from name lookup to the last byte, in milliseconds; a document that takes longer is refused (invalid_client).',
    default: 5000,
    example: '2000',
  }),
  cimdMaxDocumentBytes: option({
    kind: integer(512, 1_048_576),
    env: 'PROXY_CIMD_MAX_BYTES',
    flag: 'cimd-max-bytes',
    doc: 'Largest client metadata document (or jwks_uri answer) accepted, in bytes; the draft recommends 5 kilobytes.',
    default: 5120,
    example: '10240',
  }),
  cimdCacheMinSeconds: option({
    kind: seconds(0, DAY),
    env: 'PROXY_CIMD_CACHE_MIN',
    flag: 'cimd-cache-min',
    doc: 'Shortest time a fetched document is reused, in seconds, even when its `Cache-Control`/`Expires` allow less (`no-store` is always honoured: never stored). 0: exactly what the headers say.',
    default: 60,
    example: '0',
  }),
  cimdCacheMaxSeconds: option({
    kind: seconds(1, 7 * DAY),
    env: 'PROXY_CIMD_CACHE_MAX',
    flag: 'cimd-cache-max',
    doc: 'Longest time a fetched document is reused, in seconds, whatever its caching headers allow; bounds how late a changed document (redirect URIs, keys) takes effect.',
    default: 3600,
    example: '86400',
  }),
  dangerouslyAllowCimdHosts: option({
    kind: list('HOST=ADDRESS', (value) => void parseAllowedCimdHost(value)),
    env: 'PROXY_DANGEROUSLY_ALLOW_CIMD_HOSTS',
    flag: 'dangerously-allow-cimd-hosts',
    doc: 'For tests only: comma-separated `host=127.0.0.1:PORT` entries. A client_id (or jwks_uri) on a listed host is fetched from that loopback address (TLS still checks the host name, trusting PROXY_CIMD_CA_FILE) without the address vetting that otherwise refuses loopback, private and link-local targets. Every other host keeps the rules.',
    default: [],
    dangerous: true,
    warning: (value) =>
      value.length > 0
        ? `DANGEROUS: client metadata documents on ${value.map((v) => v.split('=')[0]).join(', ')} are fetched from loopback without SSRF vetting; for tests only`
        : undefined,
    example: 'cimd.test=127.0.0.1:8443',
  }),
  cimdCaFile: option({
    kind: text('FILE'),
    env: 'PROXY_CIMD_CA_FILE',
    flag: 'cimd-ca-file',
    doc: 'PEM file of extra CA certificates trusted when fetching from the hosts of PROXY_DANGEROUSLY_ALLOW_CIMD_HOSTS (a test CA); other hosts use the system trust store only.',
    defaultDoc: 'unset: the system trust store',
    example: 'fixtures/example-ca.pem',
  }),
  trustProxyHeaders: option({
    kind: boolean,
    env: 'PROXY_TRUST_PROXY',
    flag: 'trust-proxy',
    doc: 'Take the client address (for the registration rate limit) from `X-Forwarded-For`; only behind a reverse proxy that sets it.',
    default: false,
    example: 'true',
  }),
};

/** The scalar library options, every one optional here (createOAuthProxy requires `baseUrl`). */
export type ProxyTableOptions = TableValues<typeof PROXY_OPTIONS>;
