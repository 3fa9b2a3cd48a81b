// The public shape of a running mock IdP: options, the request log, fault specs and the handle tests hold.
// Other parts of the kit (conformance suite, proxy e2e tests) depend on exactly these names.

export type MockIdpFlavor = 'oidc' | 'github';

export interface StartMockIdpOptions {
  flavor: MockIdpFlavor;
  /** TCP port. Default 0: the OS picks a free one. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** The registered callback URIs of the pre-registered client (`--redirect-uri`). */
  redirectUris?: string[];
  /**
   * Default false: any loopback redirect URI (http(s)://127.0.0.1|[::1]|localhost, any port) is accepted as well,
   * so a proxy on any local port works without configuration. A test-only leniency; true = registered URIs only.
   */
  strictRedirects?: boolean;
  /** github flavor: GitHub's "expiring user tokens" mode (`expires_in`, `ghr_` refresh tokens). Default false. */
  expiringTokens?: boolean;
  /** Access token lifetime in seconds. Default 3600 (oidc) / 28800 (github, expiring mode). */
  accessTokenTtlSeconds?: number;
}

export interface RecordedRequest {
  id: number;
  /** ISO 8601 time the request arrived. */
  time: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** Fields of an `application/x-www-form-urlencoded` body. */
  form: Record<string, string | string[]>;
  /** Lower-case header names; repeated headers joined with `, `. Includes `authorization` (never printed). */
  headers: Record<string, string>;
  /** Parsed `application/json` body, when there was one. */
  json?: unknown;
}

export type FaultKind = 'status' | 'delay' | 'garbage' | 'drop' | 'deny';

export interface FaultSpec {
  /** Request path the fault applies to, e.g. `/token`, `/login/oauth/access_token`, `/user`, `/auth`. */
  endpoint: string;
  kind: FaultKind;
  /** `status`: the HTTP status to answer. Default 500. */
  status?: number;
  /** `delay`: milliseconds to wait before the real handler runs. Default 1000. */
  delayMs?: number;
  /** `status`/`garbage`: the body to answer with. */
  body?: string;
  /** How many matching requests the fault applies to. Default 1; `0` or `Infinity` = always. */
  times?: number;
  /**
   * Only requests whose query or form body carries each of these parameters with exactly this value, e.g. one
   * transaction's `state` at the authorization endpoint or one `code` at the token endpoint, so that a test running
   * next to others faults its own request and no one else's. Default: every request to the endpoint.
   */
  match?: Record<string, string>;
}

export interface MockIdpUser {
  id: string;
  sub: string;
  name: string;
  email: string;
  login: string;
}

export interface IssuedToken {
  type: 'access_token' | 'refresh_token';
  value: string;
  /** The user's fixture id (`alice`, `bob`). */
  user: string;
}

export interface MockIdpEndpoints {
  authorization: string;
  token: string;
  userinfo: string;
  revocation?: string;
  introspection?: string;
  jwks?: string;
  /** A route a well-behaved proxy must never call (a registration endpoint the IdP does not have). */
  registrationTrap?: string;
}

export interface MockIdp {
  flavor: MockIdpFlavor;
  /** Base URL, no trailing slash (oidc: equals the issuer). */
  url: string;
  /** oidc flavor only. */
  issuer?: string;
  endpoints: MockIdpEndpoints;
  client: { clientId: string; clientSecret: string; scopes: string };
  users: MockIdpUser[];
  /** `UPSTREAM_*` settings for a proxy under test. */
  proxyEnv: Record<string, string>;
  /** Every request received, oldest first (harness routes excluded). */
  requests(): RecordedRequest[];
  clearRequests(): void;
  addFault(fault: FaultSpec): void;
  clearFaults(): void;
  /** Tokens the IdP issued, so tests can check that a proxy never leaks them. */
  issuedTokens(): IssuedToken[];
  close(): Promise<void>;
}
