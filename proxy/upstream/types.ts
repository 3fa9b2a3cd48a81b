// The proxy's view of an upstream IdP: it is one ordinary confidential OAuth client of it. Every provider
// (generic OIDC by discovery, generic OAuth 2, GitHub, Google, Azure, Auth0) implements this interface.

export type UpstreamProviderName = 'oidc' | 'oauth2' | 'github' | 'google' | 'azure' | 'auth0';

export interface UpstreamConfig {
  provider: UpstreamProviderName;
  clientId: string;
  clientSecret: string;
  /** Scopes requested upstream, e.g. ['openid', 'email', 'offline_access']. */
  scopes: string[];
  /** OIDC issuer for discovery (provider 'oidc', 'google', 'auth0' by domain, 'azure' by tenant). */
  issuer?: string;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  userinfoEndpoint?: string;
  revocationEndpoint?: string;
  /** Azure AD tenant id or 'common' / 'organizations'. */
  tenant?: string;
  /** Auth0 API audience. */
  audience?: string;
  /** Per-request timeout for upstream calls, in milliseconds. Default 10000. */
  timeoutMs?: number;
  /**
   * How the proxy authenticates at the token (and revocation) endpoint. Default per provider: `client_secret_basic`
   * for 'oauth2', 'oidc' and 'google' (RFC 6749 §2.3.1: every server MUST support it), `client_secret_post` for
   * 'azure' and 'auth0' (their documented default). GitHub always sends the credentials in the body.
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
   */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
}

/** Client authentication methods the proxy can use upstream (RFC 7591 §2 names). */
export type TokenEndpointAuthMethod = 'client_secret_basic' | 'client_secret_post';

/** Tokens the upstream issued to the proxy. Stored server-side only, encrypted; never sent to MCP clients. */
export interface UpstreamTokens {
  accessToken: string;
  tokenType: string;
  refreshToken?: string;
  /** Epoch seconds at which the access token expires, when the IdP said. */
  expiresAt?: number;
  scope?: string;
  idToken?: string;
}

/** The user as the upstream knows them. `sub` is stable per user at that IdP. */
export interface UpstreamUser {
  sub: string;
  name?: string;
  email?: string;
  login?: string;
  raw: Record<string, unknown>;
}

export interface AuthorizationUrlParams {
  /** The proxy's transaction id, sent as `state`. */
  state: string;
  /** The proxy's own PKCE S256 challenge (never the MCP client's). */
  codeChallenge: string;
  /** The proxy's fixed callback URL registered at the IdP. */
  redirectUri: string;
}

export interface CodeExchangeParams {
  code: string;
  codeVerifier: string;
  redirectUri: string;
}

/**
 * What went wrong upstream, in the terms the proxy maps to OAuth errors for its client:
 * - `access_denied`: the user (or the IdP) refused at the upstream authorization step.
 * - `invalid_grant`: the upstream rejected a code or refresh token (GitHub's bad_verification_code, bad_refresh_token).
 * - `unavailable`: network error, timeout, 5xx.
 * - `bad_response`: the upstream answered something that is not a valid OAuth response.
 * - `misconfigured`: the upstream rejected the proxy's own client credentials or callback.
 */
export type UpstreamErrorKind = 'access_denied' | 'invalid_grant' | 'unavailable' | 'bad_response' | 'misconfigured';

export class UpstreamError extends Error {
  readonly kind: UpstreamErrorKind;
  constructor(kind: UpstreamErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UpstreamError';
    this.kind = kind;
  }
}

export interface UpstreamProvider {
  readonly name: UpstreamProviderName;
  /** The upstream authorization URL for the browser, with the proxy's own PKCE pair and fixed callback. */
  authorizationUrl(params: AuthorizationUrlParams): URL;
  /** Exchanges the upstream code server-side with the proxy's verifier. */
  exchangeCode(params: CodeExchangeParams): Promise<UpstreamTokens>;
  /** Refreshes upstream tokens; undefined when the IdP issues no refresh tokens. */
  refresh?(refreshToken: string): Promise<UpstreamTokens>;
  /** Revokes the upstream grant/token where the IdP supports it. */
  revoke?(tokens: UpstreamTokens): Promise<void>;
  /** The user behind an upstream access token. */
  userInfo(accessToken: string): Promise<UpstreamUser>;
}
