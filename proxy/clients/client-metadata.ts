// Validation of RFC 7591 client metadata: what a client may ask for, what the proxy registers in force, and the
// errors for everything else. Unknown fields are ignored (RFC 7591 §2).
import { OAuthError } from '../errors.ts';
import {
  checkRedirectUriForRegistration,
  hasControlCharacters,
  type RedirectUriPattern,
} from '../checks/redirect-uri.ts';
import type { ClientRecord } from '../records.ts';
import { SCOPE_TOKEN } from '../checks/scope.ts';

export const MAX_REDIRECT_URIS = 20;
export const MAX_CLIENT_NAME_LENGTH = 200;
const AUTH_METHODS = ['none', 'client_secret_post', 'client_secret_basic'] as const;
const GRANT_TYPES = ['authorization_code', 'refresh_token'];

export type RegisteredMetadata = Omit<
  ClientRecord,
  'client_id' | 'client_id_issued_at' | 'client_secret_hash' | 'used'
>;

/** Validates a registration request body and returns the metadata that will be in force. */
export function validateClientMetadata(
  body: Record<string, unknown>,
  policy: { allowlist: RedirectUriPattern[]; ownCallback: URL; scopesSupported: readonly string[] },
): RegisteredMetadata {
  assertNotBothJwks(body);
  const redirectUris = assertRedirectUris(body.redirect_uris, policy);
  return {
    redirect_uris: redirectUris,
    token_endpoint_auth_method: assertAuthMethod(body.token_endpoint_auth_method),
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
    ...optionalApplicationType(body.application_type),
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
function assertRedirectUris(value: unknown, policy: { allowlist: RedirectUriPattern[]; ownCallback: URL }): string[] {
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

/**
 * Default `client_secret_basic` (RFC 7591 §2); MCP clients usually ask for `none`. The response says which is in force.
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-2
 */
function assertAuthMethod(value: unknown): ClientRecord['token_endpoint_auth_method'] {
  if (value === undefined) return 'client_secret_basic';
  const method = AUTH_METHODS.find((m) => m === value);
  if (!method) throw metadataError(`token_endpoint_auth_method must be one of ${AUTH_METHODS.join(', ')}`);
  return method;
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

function optionalApplicationType(value: unknown): { application_type?: string } {
  if (value === undefined) return {};
  if (value !== 'web' && value !== 'native') throw metadataError('application_type must be web or native');
  return { application_type: value };
}

function metadataError(description: string): OAuthError {
  return new OAuthError('invalid_client_metadata', description);
}
