// The library-level options of the proxy. The server (proxy/server/config.ts) builds these from flags, env vars and
// a config file; embedders pass them to createOAuthProxy() directly. Every duration is in seconds.
import type { Logger } from 'pino';
import type { Store } from './storage/store.ts';
import type { UpstreamProvider, UpstreamTokens } from './upstream/types.ts';

export type ConsentMode = 'always' | 'remember' | 'off';

/** How the proxy signs its access tokens (RFC 9068 JWTs). */
export type SigningOptions =
  /** HS256 with a key derived (HKDF-SHA256) from this secret. Only this proxy can verify. At least 32 characters. */
  | { kind: 'secret'; secret: string }
  /**
   * ES256 or EdDSA from private JWKs (the first signs; all are published at `jwks_uri` without private parts), so
   * that other resource servers can verify without sharing a secret.
   */
  | { kind: 'jwks'; keys: JsonWebKeyWithKid[] };

export interface JsonWebKeyWithKid {
  kid: string;
  kty: string;
  alg?: string;
  crv?: string;
  [parameter: string]: unknown;
}

export interface ProxyOptions {
  /**
   * Public base URL of the proxy, e.g. `https://mcp.example.com`. It is the issuer identifier (RFC 8414 §2), kept
   * byte-identical in AS metadata, PRM `authorization_servers` and the `iss` response parameter (RFC 9207), so it
   * carries no trailing slash on a bare origin. Must be https, except loopback hosts for development.
   */
  baseUrl: string;
  /** Path of the protected MCP endpoint. Default `/mcp`. The resource identifier is `baseUrl + mcpPath`. */
  mcpPath?: string;
  /** The upstream IdP, from createUpstream(). */
  upstream: UpstreamProvider;
  /** Storage for clients, transactions, codes and grants. Secrets in it are hashed or encrypted. */
  store: Store;
  signing: SigningOptions;
  /**
   * Secret for consent cookies and CSRF tokens (HMAC-SHA256). At least 32 characters. Default: derived from
   * `signing.secret` (kind 'secret'); required with kind 'jwks'.
   */
  cookieSecret?: string;
  /**
   * Registration-time allowlist of redirect URI patterns (`https://*.example.com/*`, `http://localhost:*`).
   * `*` in a host is one DNS label; in a port, any port; at the end of a path, any suffix. Default: empty, meaning any
   * https URI or loopback http URI (MCP Communication Security). At /authorize matching is always exact.
   */
  allowedRedirectUris?: string[];
  /** `always` (default): ask every time. `remember`: a signed cookie remembers approval per client. `off`: never ask (dangerous: confused deputy). */
  consent?: ConsentMode;
  /** Lifetime of a `remember` consent cookie. Default 30 days. */
  consentTtlSeconds?: number;
  /** Scopes advertised and accepted from MCP clients. Default `[]` meaning any scope is passed through as requested. */
  scopesSupported?: string[];
  /** Access token lifetime. Default 3600 (1 hour). */
  accessTokenTtlSeconds?: number;
  /** Refresh token lifetime; each rotation issues a new one with a fresh lifetime. Default 30 days. */
  refreshTokenTtlSeconds?: number;
  /** Authorization code lifetime (RFC 6749 §4.1.2 recommends at most 600). Default 300. */
  authorizationCodeTtlSeconds?: number;
  /** Lifetime of a pending authorization (consent + upstream login). Default 600. */
  transactionTtlSeconds?: number;
  /** A registered client that never completes an authorization is deleted after this long. Default 86400. */
  unusedClientTtlSeconds?: number;
  /** Lifetime of a client that has been used; refreshed on each token grant. Default 90 days. */
  clientTtlSeconds?: number;
  /** Registrations allowed per remote address per minute. Default 30. Set 0 to disable. */
  registrationRateLimitPerMinute?: number;
  /**
   * A retried refresh within this many seconds of a rotation gets the same successor pair instead of revoking the
   * grant. Default 0 (off): any reuse revokes (RFC 9700 §4.14.2).
   */
  refreshGraceSeconds?: number;
  /**
   * DANGEROUS, off by default: hand the upstream IdP's access token to MCP clients instead of the proxy's own JWT.
   * Breaks audience binding (MCP "Token Passthrough"). Exists only for legacy backends that call the IdP API with it.
   */
  dangerouslyPassUpstreamTokens?: boolean;
  /** Trust `X-Forwarded-For` for the client address (rate limiting). Default false. */
  trustProxyHeaders?: boolean;
  logger?: Logger;
}

/** What the bearer check establishes about an MCP request; handed to the MCP handler. */
export interface AuthInfo {
  /** The raw access token (the proxy's JWT). Never forwarded upstream. */
  token: string;
  /** Subject: the upstream user's stable id, as in the JWT `sub`. */
  sub: string;
  clientId: string;
  scopes: string[];
  grantId: string;
  /** Epoch seconds. */
  expiresAt: number;
  /** The user as the upstream described them at login (name, email, login). */
  user: { sub: string; name?: string; email?: string; login?: string };
  /**
   * The upstream tokens of this grant, decrypted from storage and refreshed upstream when expired or near expiry.
   * Costs storage and possibly network round trips: call only when a tool needs the upstream API.
   */
  upstreamTokens(): Promise<UpstreamTokens>;
}

/** Serves an authenticated MCP request (the built-in demo server, or the gateway to a backend MCP server). */
export type McpHandler = (request: Request, auth: AuthInfo) => Promise<Response>;
