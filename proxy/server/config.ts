// The server's configuration: flags > environment variables > config file > defaults, validated into one object with
// messages that name the flag or variable at fault. proxy/server/cli.ts turns it into ProxyOptions.
import { readFileSync } from 'node:fs';
import type { ConsentMode } from '../options.ts';

export interface ServerConfig {
  /** PROXY_BASE_URL. Unset: `http://<host>:<port>` once listening (development only). */
  baseUrl?: string;
  /** PORT. Default 8080; 0 picks a free port. */
  port: number;
  /** HOST. Default 127.0.0.1 (loopback). Use 0.0.0.0 behind a TLS-terminating load balancer. */
  host: string;
  mcpPath: string;
  consent: ConsentMode;
  /** PROXY_STORAGE: `memory` (default), `file:PATH` or `redis://…`. */
  storage: string;
  /** PROXY_SIGNING_KEY: HS256 secret (≥ 32 chars). Unset and no JWKS file: a random dev key (warned). */
  signingKey?: string;
  /** PROXY_JWKS_FILE: private JWKS (ES256/EdDSA), first key signs. */
  jwksFile?: string;
  /** PROXY_ENCRYPTION_KEY: secret for encrypting upstream tokens at rest. Default: derived from the signing key. */
  encryptionKey?: string;
  /** PROXY_COOKIE_SECRET: consent cookie / CSRF HMAC secret. Default: derived from the signing key. */
  cookieSecret?: string;
  allowedRedirectUris: string[];
  scopes: string[];
  /** PROXY_MCP_UPSTREAM: backend MCP server to forward to; unset serves the built-in demo endpoint. */
  mcpUpstream?: string;
  accessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  refreshGraceSeconds?: number;
  registrationRateLimitPerMinute?: number;
  trustProxyHeaders: boolean;
  logLevel: string;
  /** UPSTREAM_* variables, passed to upstreamConfigFromEnv. */
  upstreamEnv: Record<string, string | undefined>;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** One setting: its flag, its env variable, and its key in the JSON config file. */
interface Setting {
  flag: string;
  env: string;
  help: string;
}

export const SETTINGS = {
  baseUrl: { flag: 'base-url', env: 'PROXY_BASE_URL', help: 'public base URL = issuer (https, or loopback http)' },
  port: { flag: 'port', env: 'PORT', help: 'port to listen on (default 8080, 0 = any free port)' },
  host: { flag: 'host', env: 'HOST', help: 'address to bind (default 127.0.0.1)' },
  mcpPath: { flag: 'mcp-path', env: 'PROXY_MCP_PATH', help: 'path of the protected MCP endpoint (default /mcp)' },
  consent: { flag: 'consent', env: 'PROXY_CONSENT', help: 'always (default) | remember | off (dangerous)' },
  storage: { flag: 'storage', env: 'PROXY_STORAGE', help: 'memory (default) | file:PATH | redis://host:port' },
  signingKey: { flag: 'signing-key', env: 'PROXY_SIGNING_KEY', help: 'HS256 secret for access tokens (>= 32 chars)' },
  jwksFile: { flag: 'jwks-file', env: 'PROXY_JWKS_FILE', help: 'private JWKS file (ES256/EdDSA); publishes jwks_uri' },
  encryptionKey: {
    flag: 'encryption-key',
    env: 'PROXY_ENCRYPTION_KEY',
    help: 'secret encrypting upstream tokens at rest',
  },
  cookieSecret: { flag: 'cookie-secret', env: 'PROXY_COOKIE_SECRET', help: 'HMAC secret for consent cookies and CSRF' },
  allowedRedirectUris: {
    flag: 'allowed-redirect-uris',
    env: 'PROXY_ALLOWED_REDIRECT_URIS',
    help: 'comma-separated registration allowlist, e.g. "https://*.example.com/*,http://localhost:*"',
  },
  scopes: { flag: 'scopes', env: 'PROXY_SCOPES', help: 'scopes offered to MCP clients (space or comma separated)' },
  mcpUpstream: { flag: 'mcp-upstream', env: 'PROXY_MCP_UPSTREAM', help: 'backend MCP server URL to forward /mcp to' },
  accessTokenTtlSeconds: { flag: 'access-token-ttl', env: 'PROXY_ACCESS_TOKEN_TTL', help: 'seconds (default 3600)' },
  refreshTokenTtlSeconds: {
    flag: 'refresh-token-ttl',
    env: 'PROXY_REFRESH_TOKEN_TTL',
    help: 'seconds (default 30 days)',
  },
  refreshGraceSeconds: {
    flag: 'refresh-grace',
    env: 'PROXY_REFRESH_GRACE',
    help: 'refresh retry grace, seconds (default 0)',
  },
  registrationRateLimitPerMinute: {
    flag: 'registration-rate-limit',
    env: 'PROXY_REGISTRATION_RATE_LIMIT',
    help: 'registrations per address per minute (default 30, 0 = off)',
  },
  trustProxyHeaders: { flag: 'trust-proxy', env: 'PROXY_TRUST_PROXY', help: 'trust X-Forwarded-For (true|false)' },
  logLevel: { flag: 'log-level', env: 'LOG_LEVEL', help: 'trace|debug|info|warn|error (default info)' },
} satisfies Record<string, Setting>;

type SettingKey = keyof typeof SETTINGS;

export const UPSTREAM_ENV_NAMES = [
  'UPSTREAM_PROVIDER',
  'UPSTREAM_ISSUER',
  'UPSTREAM_AUTHORIZATION_ENDPOINT',
  'UPSTREAM_TOKEN_ENDPOINT',
  'UPSTREAM_USERINFO_ENDPOINT',
  'UPSTREAM_REVOCATION_ENDPOINT',
  'UPSTREAM_CLIENT_ID',
  'UPSTREAM_CLIENT_SECRET',
  'UPSTREAM_SCOPES',
  'UPSTREAM_TENANT',
  'UPSTREAM_AUDIENCE',
  'UPSTREAM_TIMEOUT_MS',
] as const;

/**
 * Resolves the configuration. `flags` are `--name value` pairs already parsed; `--config FILE` names a JSON file whose
 * keys are either the env names (`PROXY_CONSENT`, `UPSTREAM_ISSUER` …) or the camelCase keys above.
 */
export function loadServerConfig(flags: Record<string, string>, env: Record<string, string | undefined>): ServerConfig {
  const file = flags.config ?? env.PROXY_CONFIG_FILE;
  const fromFile = file ? readConfigFile(file) : {};
  const raw = (key: SettingKey): { value: string | undefined; source: string } => {
    const s: Setting = SETTINGS[key];
    if (flags[s.flag] !== undefined) return { value: flags[s.flag], source: `--${s.flag}` };
    if (env[s.env] !== undefined && env[s.env] !== '') return { value: env[s.env], source: s.env };
    const v = fromFile[s.env] ?? fromFile[key];
    return { value: v, source: `${s.env} in ${file ?? 'config file'}` };
  };
  const str = (key: SettingKey): string | undefined => raw(key).value;
  const int = (key: SettingKey, min: number, max: number): number | undefined => {
    const { value, source } = raw(key);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ConfigError(`${source} must be a whole number from ${min} to ${max}, got "${value}"`);
    }
    return n;
  };
  const list = (key: SettingKey): string[] =>
    (str(key) ?? '')
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);

  const consent = str('consent') ?? 'always';
  if (consent !== 'always' && consent !== 'remember' && consent !== 'off') {
    throw new ConfigError(`${raw('consent').source} must be always, remember or off, got "${consent}"`);
  }
  const baseUrl = str('baseUrl');
  if (baseUrl !== undefined) assertBaseUrl(baseUrl, raw('baseUrl').source);
  const mcpPath = str('mcpPath') ?? '/mcp';
  if (!mcpPath.startsWith('/') || mcpPath.includes('?') || mcpPath.includes('#')) {
    throw new ConfigError(`${raw('mcpPath').source} must be a path starting with "/", got "${mcpPath}"`);
  }
  const signingKey = str('signingKey');
  if (signingKey !== undefined && signingKey.length < 32) {
    throw new ConfigError(`${raw('signingKey').source} must be at least 32 characters`);
  }
  for (const key of ['encryptionKey', 'cookieSecret'] as const) {
    const value = str(key);
    if (value !== undefined && value.length < 32)
      throw new ConfigError(`${raw(key).source} must be at least 32 characters`);
  }
  const mcpUpstream = str('mcpUpstream');
  if (mcpUpstream !== undefined && !URL.canParse(mcpUpstream)) {
    throw new ConfigError(`${raw('mcpUpstream').source} must be an absolute URL, got "${mcpUpstream}"`);
  }
  const trust = str('trustProxyHeaders') ?? 'false';
  if (trust !== 'true' && trust !== 'false') {
    throw new ConfigError(`${raw('trustProxyHeaders').source} must be true or false`);
  }

  const upstreamEnv: Record<string, string | undefined> = {};
  for (const name of UPSTREAM_ENV_NAMES) {
    const flag = `--${name.toLowerCase().replaceAll('_', '-')}`;
    upstreamEnv[name] = flags[flag.slice(2)] ?? (env[name] || undefined) ?? fromFile[name];
  }

  return {
    ...(baseUrl !== undefined ? { baseUrl: baseUrl.replace(/\/+$/, '') } : {}),
    port: int('port', 0, 65535) ?? 8080,
    host: str('host') ?? '127.0.0.1',
    mcpPath,
    consent,
    storage: str('storage') ?? 'memory',
    ...(signingKey !== undefined ? { signingKey } : {}),
    ...optional('jwksFile', str('jwksFile')),
    ...optional('encryptionKey', str('encryptionKey')),
    ...optional('cookieSecret', str('cookieSecret')),
    allowedRedirectUris: list('allowedRedirectUris'),
    scopes: list('scopes'),
    ...optional('mcpUpstream', mcpUpstream),
    ...optional('accessTokenTtlSeconds', int('accessTokenTtlSeconds', 60, 86_400)),
    ...optional('refreshTokenTtlSeconds', int('refreshTokenTtlSeconds', 60, 31_536_000)),
    ...optional('refreshGraceSeconds', int('refreshGraceSeconds', 0, 60)),
    ...optional('registrationRateLimitPerMinute', int('registrationRateLimitPerMinute', 0, 1_000_000)),
    trustProxyHeaders: trust === 'true',
    logLevel: str('logLevel') ?? 'info',
    upstreamEnv,
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** The issuer must be https (RFC 8414 §2), loopback http allowed for development; no query or fragment. */
function assertBaseUrl(value: string, source: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${source} must be an absolute URL, got "${value}"`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ConfigError(`${source} must use https (http only on loopback), got "${value}"`);
  }
  if (url.search || url.hash || value.includes('#')) {
    throw new ConfigError(`${source} must not have a query or fragment (RFC 8414 §2), got "${value}"`);
  }
}

function readConfigFile(path: string): Record<string, string | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${path} must hold a JSON object`);
  }
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(parsed)) {
    out[key] = Array.isArray(value) ? value.join(',') : value === null ? undefined : String(value);
  }
  return out;
}
