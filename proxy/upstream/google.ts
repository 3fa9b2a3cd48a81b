// Google: OpenID Connect by discovery at https://accounts.google.com, plus the parameters Google needs before it
// issues a refresh token to a web server application.
import type { UpstreamHttpOptions } from './http.ts';
import { createOidcProvider } from './oidc.ts';
import type { TokenEndpointAuthMethod, UpstreamProvider } from './types.ts';

export const GOOGLE_ISSUER = 'https://accounts.google.com';
export const GOOGLE_REVOCATION_ENDPOINT = 'https://oauth2.googleapis.com/revoke';

export interface GoogleProviderSettings {
  clientId: string;
  clientSecret: string;
  scopes: string[];
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  revocationEndpoint?: string;
  http: UpstreamHttpOptions;
}

/**
 * `access_type=offline` makes Google return a refresh token; `prompt=consent` makes it return one again for a user
 * who already granted access (otherwise only the first grant carries it).
 * Revocation takes the token alone: Google documents no client authentication there.
 * @see https://developers.google.com/identity/protocols/oauth2/web-server#offline
 * @see https://developers.google.com/identity/protocols/oauth2/web-server#tokenrevoke
 */
export function createGoogleProvider(settings: GoogleProviderSettings): Promise<UpstreamProvider> {
  return createOidcProvider({
    name: 'google',
    issuer: GOOGLE_ISSUER,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    scopes: settings.scopes,
    ...(settings.tokenEndpointAuthMethod !== undefined
      ? { tokenEndpointAuthMethod: settings.tokenEndpointAuthMethod }
      : {}),
    authorizationParams: { access_type: 'offline', prompt: 'consent' },
    authenticateRevocation: false,
    endpointOverrides: settings.revocationEndpoint !== undefined ? { revocation: settings.revocationEndpoint } : {},
    endpointDefaults: { revocation: GOOGLE_REVOCATION_ENDPOINT },
    http: settings.http,
  });
}
