// The upstream identity provider's settings (UPSTREAM_*): the pre-registered confidential client the proxy is toward
// the IdP. Same table shape as PROXY_OPTIONS; which of them a provider needs is checked by assertUpstreamConfig.
import { httpUrl, integer, list, oneOf, text } from './kinds.ts';
import { option, type TableValues } from './option.ts';

export const UPSTREAM_PROVIDERS = ['oidc', 'oauth2', 'github', 'google', 'azure', 'auth0'] as const;

export const UPSTREAM_OPTIONS = {
  provider: option({
    kind: oneOf(UPSTREAM_PROVIDERS),
    env: 'UPSTREAM_PROVIDER',
    flag: 'upstream-provider',
    doc: 'Which IdP adapter: `github`, `google`, `azure`, `auth0`, `oidc` (discovery from UPSTREAM_ISSUER) or `oauth2` (explicit endpoints).',
    defaultDoc: '`oidc` when UPSTREAM_ISSUER is set, `oauth2` when endpoints are',
    example: 'github',
    essential: true,
  }),
  issuer: option({
    kind: httpUrl,
    env: 'UPSTREAM_ISSUER',
    flag: 'upstream-issuer',
    doc: 'OpenID issuer for discovery (`oidc`, `auth0`: `https://{domain}/`).',
    example: 'https://idp.example.com',
  }),
  authorizationEndpoint: option({
    kind: httpUrl,
    env: 'UPSTREAM_AUTHORIZATION_ENDPOINT',
    flag: 'upstream-authorization-endpoint',
    doc: 'Authorization endpoint (`oauth2`; overrides the preset of other providers).',
    example: 'https://idp.example.com/authorize',
  }),
  tokenEndpoint: option({
    kind: httpUrl,
    env: 'UPSTREAM_TOKEN_ENDPOINT',
    flag: 'upstream-token-endpoint',
    doc: 'Token endpoint (`oauth2`; overrides the preset of other providers).',
    example: 'https://idp.example.com/token',
  }),
  userinfoEndpoint: option({
    kind: httpUrl,
    env: 'UPSTREAM_USERINFO_ENDPOINT',
    flag: 'upstream-userinfo-endpoint',
    doc: 'Endpoint answering who the user is for an upstream access token (`oauth2`; overrides presets).',
    example: 'https://idp.example.com/userinfo',
  }),
  revocationEndpoint: option({
    kind: httpUrl,
    env: 'UPSTREAM_REVOCATION_ENDPOINT',
    flag: 'upstream-revocation-endpoint',
    doc: 'RFC 7009 revocation endpoint, used when a grant is revoked (`oauth2`; overrides presets).',
    example: 'https://idp.example.com/revoke',
  }),
  clientId: option({
    kind: text('ID'),
    env: 'UPSTREAM_CLIENT_ID',
    flag: 'upstream-client-id',
    doc: 'Client id of the OAuth app registered at the IdP (its callback: `<PROXY_BASE_URL>/auth/callback`).',
    required: true,
    example: 'Iv1.0123456789abcdef',
    essential: true,
  }),
  clientSecret: option({
    kind: text('SECRET'),
    env: 'UPSTREAM_CLIENT_SECRET',
    flag: 'upstream-client-secret',
    doc: 'Client secret of that app; never sent to MCP clients.',
    required: true,
    example: 'upstream-secret',
    essential: true,
  }),
  scopes: option({
    kind: list('SCOPES'),
    env: 'UPSTREAM_SCOPES',
    flag: 'upstream-scopes',
    doc: 'Scopes the proxy asks the IdP for (space- or comma-separated).',
    defaultDoc: 'per provider: identity scopes, plus `offline_access` where the IdP issues refresh tokens by scope',
    example: 'openid email',
    essential: true,
  }),
  tenant: option({
    kind: text('TENANT'),
    env: 'UPSTREAM_TENANT',
    flag: 'upstream-tenant',
    doc: 'Azure AD tenant id, or `common` / `organizations` (`azure` only, required there).',
    example: 'organizations',
  }),
  audience: option({
    kind: text('AUDIENCE'),
    env: 'UPSTREAM_AUDIENCE',
    flag: 'upstream-audience',
    doc: 'API audience sent to Auth0 (`auth0` only).',
    example: 'https://api.example.com',
  }),
  timeoutMs: option({
    kind: integer(1, 600_000, 'milliseconds'),
    env: 'UPSTREAM_TIMEOUT_MS',
    flag: 'upstream-timeout-ms',
    doc: 'Time limit of every upstream call, in milliseconds (start-up OIDC discovery gets at least 10000).',
    defaultDoc: '10000',
    example: '5000',
  }),
  tokenEndpointAuthMethod: option({
    kind: oneOf(['client_secret_basic', 'client_secret_post'] as const),
    env: 'UPSTREAM_TOKEN_ENDPOINT_AUTH_METHOD',
    flag: 'upstream-token-endpoint-auth-method',
    doc: 'How the proxy authenticates at the IdP token endpoint.',
    defaultDoc: 'per provider (`client_secret_basic`; `client_secret_post` for Azure and Auth0; GitHub: body)',
    example: 'client_secret_post',
  }),
};

export type UpstreamTableOptions = TableValues<typeof UPSTREAM_OPTIONS>;
