// Validation of RFC 7591 client metadata: what a client may ask for, what the proxy registers in force, and the
// errors for everything else. Unknown fields are ignored (RFC 7591 §2). The same rules apply to a client ID metadata
// document (clients/metadata-document.ts), with its own set of authentication methods.
import { OAuthError } from '../errors.ts';
import {
  checkRedirectUriForRegistration,
  hasControlCharacters,
  type RedirectUriPattern,
} from '../checks/redirect-uri.ts';
import { SCOPE_TOKEN } from '../checks/scope.ts';
import { isLoopbackHost } from '../http/loopback.ts';
import type { ApplicationType, ClientRecord } from '../records.ts';

export const MAX_REDIRECT_URIS = 20;
export const MAX_CLIENT_NAME_LENGTH = 200;
const GRANT_TYPES = ['authorization_code', 'refresh_token'];

type AuthMethod = ClientRecord['token_endpoint_auth_method'];

/** Which token endpoint authentication methods a kind of client may use, and the one in force when it names none. */
export interface AuthMethodProfile {
  methods: readonly AuthMethod[];
  default: AuthMethod;
}

/**
 * Dynamic registration: RFC 7591 §2's default `client_secret_basic`; MCP clients usually ask for `none`. No
 * `private_key_jwt`: a registered client has no key the proxy could trust (metadata documents do, see there).
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-2
 */
export const REGISTRATION_AUTH_METHODS: AuthMethodProfile = {
  methods: ['none', 'client_secret_post', 'client_secret_basic'],
  default: 'client_secret_basic',
};

export type RegisteredMetadata = Omit<
  ClientRecord,
  'client_id' | 'client_id_issued_at' | 'client_secret_hash' | 'used' | 'jwks' | 'metadata_document'
>;

export interface MetadataPolicy {
  allowlist: RedirectUriPattern[];
  ownCallback: URL;
  scopesSupported: readonly string[];
}

/** Validates a registration request body (or a metadata document) and returns the metadata that will be in force. */
export function validateClientMetadata(
  body: Record<string, unknown>,
  policy: MetadataPolicy,
  authMethods: AuthMethodProfile = REGISTRATION_AUTH_METHODS,
): RegisteredMetadata {
  assertNotBothJwks(body);
  const redirectUris = assertRedirectUris(body.redirect_uris, policy);
  const applicationType = assertApplicationType(body.application_type, redirectUris);
  return {
    redirect_uris: redirectUris,
    application_type: applicationType,
    token_endpoint_auth_method: assertAuthMethod(body.token_endpoint_auth_method, authMethods),
    grant_types: assertGrantTypes(body.grant_types),
    response_types: assertResponseTypes(body.response_types),
    ...optionalString(body, 'client_name', MAX_CLIENT_NAME_LENGTH),
    ...optionalUrl(body, 'client_uri'),
    ...optionalUrl(body, 'logo_uri'),
    ...optionalUrl(body, 'tos_uri'),
    ...optionalUrl(body, 'policy_uri'),
    ...optionalString(body, 'software_id', 200),
    ...optionalString(body, 'software_version', 200),
    ...optionalScope(body.scope, policy.scopesSupported),
    ...optionalContacts(body.contacts),
  };
}

/**
 * "The jwks_uri and jwks parameters MUST NOT both be present in the same request or response."
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-2
 */
function assertNotBothJwks(body: Record<string, unknown>): void {
  if (body.jwks !== undefined && body.jwks_uri !== undefined) {
    throw metadataError('jwks and jwks_uri must not both be present');
  }
}

/**
 * Redirect URIs are required for the authorization code grant and each must pass the registration policy.
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-5
 */
function assertRedirectUris(value: unknown, policy: MetadataPolicy): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new OAuthError('invalid_redirect_uri', 'redirect_uris must be a non-empty array of URIs');
  }
  if (value.length > MAX_REDIRECT_URIS) {
    throw new OAuthError('invalid_redirect_uri', `At most ${MAX_REDIRECT_URIS} redirect URIs may be registered`);
  }
  for (const uri of value) {
    if (typeof uri !== 'string') throw new OAuthError('invalid_redirect_uri', 'Every redirect URI must be a string');
    const verdict = checkRedirectUriForRegistration(uri, policy);
    if (!verdict.ok) throw new OAuthError('invalid_redirect_uri', `Redirect URI ${verdict.reason}`);
  }
  return [...new Set(value as string[])];
}

/** The profile's default when absent; the response (or the consent page) says which is in force. */
function assertAuthMethod(value: unknown, profile: AuthMethodProfile): AuthMethod {
  if (value === undefined) return profile.default;
  const method = profile.methods.find((m) => m === value);
  if (!method) throw metadataError(`token_endpoint_auth_method must be one of ${profile.methods.join(', ')}`);
  return method;
}

/**
 * application_type (OpenID Connect Registration 1.0 §2, required of MCP clients by MCP 2026-07-28, SEP-837):
 * "Web Clients using the OAuth Implicit Grant Type MUST only register URLs using the https scheme as redirect_uris;
 * they MUST NOT use localhost as the hostname. Native Clients MUST only register redirect_uris using custom URI
 * schemes or loopback URLs using the http scheme […] Authorization Servers MAY reject Redirection URI values using the
 * http scheme, other than the loopback case for Native Clients. The Authorization Server MUST verify that all the
 * registered redirect_uris conform to these constraints."
 *
 * What is enforced here:
 * - `web`: https redirect URIs on a non-loopback host only (the proxy takes the MAY: a web application is served
 *   from a remote host, so a loopback redirect means a different kind of client sharing its client_id);
 * - `native`: loopback http, private-use schemes the operator's allowlist names, and https as a claimed https
 *   redirect (RFC 8252 §7.2: native apps "SHOULD use them over the other options where possible"; BCP 212 postdates
 *   the OIDC text, which predates claimed https URIs);
 * - absent: the type is inferred, so DCR stays usable for clients that do not send it (the TS SDK v1 does not):
 *   `web` when every redirect URI is https on a non-loopback host, `native` otherwise. Under this rule every
 *   registration that was valid before application_type was enforced still is. (OIDC's default `web` would refuse
 *   every loopback client that omits the field, which MCP itself calls the conflict SEP-837 avoids.)
 * Registration errors for a type/URI mismatch are invalid_redirect_uri (OIDC Registration §3.3).
 * @see https://openid.net/specs/openid-connect-registration-1_0.html#ClientMetadata
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization/client-registration#application-type-and-redirect-uri-constraints
 * @see https://www.rfc-editor.org/rfc/rfc8252#section-7.2
 */
function assertApplicationType(value: unknown, redirectUris: readonly string[]): ApplicationType {
  if (value === undefined) return redirectUris.every(isRemoteHttps) ? 'web' : 'native';
  if (value !== 'web' && value !== 'native') throw metadataError('application_type must be web or native');
  if (value === 'web') {
    const local = redirectUris.find((uri) => !isRemoteHttps(uri));
    if (local !== undefined) {
      throw new OAuthError(
        'invalid_redirect_uri',
        `application_type web allows only https redirect URIs on a non-loopback host, not ${local}; ` +
          'desktop, CLI and localhost applications register as native',
      );
    }
  }
  return value;
}

/** An https URI on a host other than the loopback names (what a web application's redirect URI looks like). */
export function isRemoteHttps(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === 'https:' && !isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}

/** Only the code grant (and refreshing it) exists here; every client may refresh, so both are registered. */
function assertGrantTypes(value: unknown): string[] {
  if (value === undefined) return [...GRANT_TYPES];
  if (!Array.isArray(value) || value.some((g) => typeof g !== 'string' || !GRANT_TYPES.includes(g))) {
    throw metadataError(`grant_types may contain only ${GRANT_TYPES.join(' and ')}`);
  }
  if (!value.includes('authorization_code')) throw metadataError('grant_types must include authorization_code');
  return [...GRANT_TYPES];
}

function assertResponseTypes(value: unknown): string[] {
  if (value === undefined) return ['code'];
  if (!Array.isArray(value) || value.length === 0 || value.some((r) => r !== 'code')) {
    throw metadataError('response_types may contain only code');
  }
  return ['code'];
}

function optionalString(body: Record<string, unknown>, name: string, maxLength: number): Record<string, string> {
  const value = body[name];
  if (value === undefined) return {};
  if (typeof value !== 'string' || value.length > maxLength || hasControlCharacters(value)) {
    throw metadataError(`${name} must be a string of at most ${maxLength} printable characters`);
  }
  return { [name]: value };
}

function optionalUrl(body: Record<string, unknown>, name: string): Record<string, string> {
  const value = body[name];
  if (value === undefined) return {};
  if (typeof value !== 'string' || value.length > 2048 || !/^https?:\/\//i.test(value) || !URL.canParse(value)) {
    throw metadataError(`${name} must be an http(s) URL`);
  }
  return { [name]: value };
}

/**
 * The registered `scope` is the client's default request: like a requested scope, the part this server does not
 * offer is left out rather than refused ("The authorization server MAY reject or replace any of the client's
 * requested metadata values submitted during the registration"), and the response shows what is in force.
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3.2.1
 */
function optionalScope(value: unknown, supported: readonly string[]): { scope?: string } {
  if (value === undefined) return {};
  if (typeof value !== 'string') throw metadataError('scope must be a space-separated string');
  const scopes = value.split(' ').filter((s) => s !== '');
  if (scopes.some((s) => !SCOPE_TOKEN.test(s))) throw metadataError('scope holds a malformed scope-token');
  const offered = [...new Set(scopes.filter((s) => supported.includes(s)))];
  return offered.length > 0 ? { scope: offered.join(' ') } : {};
}

function optionalContacts(value: unknown): { contacts?: string[] } {
  if (value === undefined) return {};
  if (!Array.isArray(value) || value.length > 20 || value.some((v) => typeof v !== 'string' || v.length > 320)) {
    throw metadataError('contacts must be an array of strings');
  }
  return { contacts: value as string[] };
}

export function metadataError(description: string): OAuthError {
  return new OAuthError('invalid_client_metadata', description);
}
