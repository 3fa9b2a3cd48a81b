// Microsoft Entra ID (Azure AD) v2.0: fixed per-tenant endpoints rather than discovery, because the multi-tenant
// documents ('common', 'organizations') publish an issuer template that never equals a configured issuer.
import type { UpstreamHttpOptions } from './http.ts';
import { createOAuth2Provider } from './oauth2.ts';
import type { TokenEndpointAuthMethod, UpstreamProvider } from './types.ts';

export const AZURE_USERINFO_ENDPOINT = 'https://graph.microsoft.com/oidc/userinfo';

export interface AzureProviderSettings {
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** Tenant id (GUID), verified domain, or 'common' / 'organizations' / 'consumers'. */
  tenant: string;
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  userinfoEndpoint?: string;
  http: UpstreamHttpOptions;
}

/** A tenant is one path segment: a GUID, a domain name or one of the multi-tenant aliases. */
const TENANT = /^[A-Za-z0-9][A-Za-z0-9.-]*$/;

/**
 * - Never sends `resource` (a v1.0 parameter): v2.0 takes the audience from the scopes.
 * - Sends `scope` on refresh too, which the v2.0 token endpoint requires.
 * - Credentials in the body by default, as Microsoft documents; no revocation endpoint exists (revoke is undefined).
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#refresh-the-access-token
 */
export function createAzureProvider(settings: AzureProviderSettings): UpstreamProvider {
  if (!TENANT.test(settings.tenant)) {
    throw new Error('UPSTREAM_TENANT must be a tenant id, a domain, or common/organizations/consumers');
  }
  const base = `https://login.microsoftonline.com/${settings.tenant}/oauth2/v2.0`;
  return createOAuth2Provider({
    name: 'azure',
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    scopes: settings.scopes,
    tokenEndpointAuthMethod: settings.tokenEndpointAuthMethod ?? 'client_secret_post',
    endpoints: {
      authorization: settings.authorizationEndpoint ?? `${base}/authorize`,
      token: settings.tokenEndpoint ?? `${base}/token`,
      userinfo: settings.userinfoEndpoint ?? AZURE_USERINFO_ENDPOINT,
    },
    scopeOnRefresh: true,
    http: settings.http,
  });
}
