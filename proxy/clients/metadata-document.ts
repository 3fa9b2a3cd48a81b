// Client ID Metadata Documents (MCP 2026-07-28 "Client ID Metadata Documents", draft-ietf-oauth-client-id-metadata-
// document-00): which client_id strings are document URLs, and what a fetched document must contain before the proxy
// treats it as a client. Fetching is metadata-document-fetch.ts; caching and lookup are client-directory.ts.
// @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization/client-registration#client-id-metadata-documents
// @see https://www.ietf.org/archive/id/draft-ietf-oauth-client-id-metadata-document-00.html
import { OAuthError } from '../errors.ts';
import type { ClientRecord, PublicJwks } from '../records.ts';
import type { JsonValue } from '../storage/store.ts';
import {
  MAX_CLIENT_NAME_LENGTH,
  validateClientMetadata,
  type AuthMethodProfile,
  type MetadataPolicy,
} from './client-metadata.ts';

/**
 * Draft §4.1: "the `token_endpoint_auth_method` property MUST NOT include `client_secret_post`,
 * `client_secret_basic`, `client_secret_jwt`, or any other method based around a shared symmetric secret." MCP: "Clients
 * MAY use `private_key_jwt` for client authentication". Absent means `none`: RFC 7591's default
 * (`client_secret_basic`) is impossible for a document, and refusing every document that omits the field would punish
 * public clients for the draft's silence.
 * @see https://www.ietf.org/archive/id/draft-ietf-oauth-client-id-metadata-document-00.html#section-4.1
 */
export const DOCUMENT_AUTH_METHODS: AuthMethodProfile = { methods: ['none', 'private_key_jwt'], default: 'none' };

/** Whether a client_id is URL-formatted (then it is a document URL, valid or not, and never a registered id). */
export function isUrlClientId(clientId: string): boolean {
  return /^https?:\/\//i.test(clientId);
}

/**
 * Draft §3: "Client identifier URLs MUST have an "https" scheme, MUST contain a path component, MUST NOT contain
 * single-dot or double-dot path segments, MUST NOT contain a fragment component and MUST NOT contain a username or
 * password". MCP: "The `client_id` URL MUST use the "https" scheme and contain a path component".
 *
 * One rule of the proxy's own on top: the client_id must be written exactly as a URL parser writes it back
 * (`new URL(id).href === id`). Otherwise `https://2130706433/x` (decimal), `https://0x7f.1/x`, `https://EXAMPLE.com/`
 * or `%2e%2e` segments would name one host to the user and another to the network; the draft compares client_ids
 * by simple string comparison, so a canonical spelling costs an honest client nothing.
 * Returns the parsed URL; throws invalid_client with a reason a developer can act on.
 * @see https://www.ietf.org/archive/id/draft-ietf-oauth-client-id-metadata-document-00.html#section-3
 */
export function assertDocumentUrl(clientId: string): URL {
  const refuse = (why: string): never => {
    throw documentError(`The client_id URL ${why}`);
  };
  if (clientId.length > 2048) refuse('is longer than 2048 characters');
  if (!/^https:\/\//i.test(clientId)) refuse('must use the https scheme');
  if (clientId.includes('#')) refuse('must not contain a fragment');
  const authority = clientId.slice('https://'.length).split(/[/?#]/)[0] ?? '';
  if (authority.includes('@')) refuse('must not contain a username or password');
  const path = clientId.slice('https://'.length + authority.length).split('?')[0] ?? '';
  if (path.split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment))) {
    refuse('must not contain "." or ".." path segments');
  }
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return refuse('is not a valid URL');
  }
  if (url.pathname === '/' || url.pathname === '') refuse('must contain a path component (e.g. /client.json)');
  if (url.href !== clientId) refuse(`must be written in canonical form (${url.href})`);
  return url;
}

/**
 * Turns a fetched document into the client it describes, or throws invalid_client saying what is wrong.
 * - MCP: the AS "MUST validate that the fetched document's `client_id` matches the URL exactly" (draft §4.1: "using
 *   simple string comparison");
 * - MCP: the AS "MUST validate the document structure is valid JSON and contains required fields" (`client_id`,
 *   `client_name`, `redirect_uris`);
 * - redirect URIs, grant and response types, scope and application_type under the same rules as registration;
 * - draft §4.1: "the `client_secret` and `client_secret_expires_at` properties MUST NOT be used", and only `none` or
 *   `private_key_jwt`; draft §6.2: `private_key_jwt` needs the client's public keys (`jwks`, or `jwks_uri` whose
 *   fetched keys the caller passes as `fetchedJwks`).
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization/client-registration#implementation-requirements
 * @see https://www.ietf.org/archive/id/draft-ietf-oauth-client-id-metadata-document-00.html#section-4.1
 * @see https://www.ietf.org/archive/id/draft-ietf-oauth-client-id-metadata-document-00.html#section-6.2
 */
export function validateMetadataDocument(
  clientId: string,
  document: unknown,
  policy: MetadataPolicy,
  fetchedAt: number,
  fetchedJwks?: unknown,
): ClientRecord {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw documentError('The metadata document must be a JSON object');
  }
  const body = document as Record<string, unknown>;
  if (body.client_id !== clientId) {
    throw documentError(
      `The metadata document's client_id ${typeof body.client_id === 'string' ? JSON.stringify(body.client_id) : '(missing)'} does not match its URL`,
    );
  }
  if (typeof body.client_name !== 'string' || body.client_name.trim() === '') {
    throw documentError('The metadata document must contain client_name');
  }
  if (body.client_name.length > MAX_CLIENT_NAME_LENGTH) {
    throw documentError(`client_name must be at most ${MAX_CLIENT_NAME_LENGTH} characters`);
  }
  if (body.redirect_uris === undefined) throw documentError('The metadata document must contain redirect_uris');
  if (body.client_secret !== undefined || body.client_secret_expires_at !== undefined) {
    throw documentError('A metadata document must not contain client_secret or client_secret_expires_at');
  }
  if (typeof body.token_endpoint_auth_method === 'string' && /secret/.test(body.token_endpoint_auth_method)) {
    throw documentError(
      `token_endpoint_auth_method ${body.token_endpoint_auth_method} needs a shared secret, which a metadata document cannot establish; use none or private_key_jwt`,
    );
  }
  let metadata;
  try {
    metadata = validateClientMetadata(body, policy, DOCUMENT_AUTH_METHODS);
  } catch (error) {
    if (error instanceof OAuthError) throw documentError(`The metadata document is invalid: ${error.errorDescription}`);
    throw error;
  }
  const keys = metadata.token_endpoint_auth_method === 'private_key_jwt' ? documentKeys(body, fetchedJwks) : undefined;
  return {
    client_id: clientId,
    client_id_issued_at: fetchedAt,
    ...metadata,
    ...(keys ? { jwks: keys } : {}),
    ...(keys && typeof body.jwks_uri === 'string' ? { jwks_uri: body.jwks_uri } : {}),
    metadata_document: true,
  };
}

/** The jwks_uri a private_key_jwt document names (to be fetched before validation), if any. */
export function jwksUriOf(document: unknown): string | undefined {
  if (typeof document !== 'object' || document === null) return undefined;
  const body = document as Record<string, unknown>;
  return body.token_endpoint_auth_method === 'private_key_jwt' && typeof body.jwks_uri === 'string'
    ? body.jwks_uri
    : undefined;
}

/**
 * The client's public keys: inline `jwks`, or what its `jwks_uri` served. Private or symmetric key material is refused
 * outright: a document is public, so a key in it proves nothing (RFC 7591 §2: jwks holds the client's public keys).
 */
function documentKeys(body: Record<string, unknown>, fetchedJwks: unknown): PublicJwks {
  const source = body.jwks !== undefined ? body.jwks : fetchedJwks;
  if (source === undefined) {
    throw documentError('token_endpoint_auth_method private_key_jwt needs jwks or jwks_uri in the metadata document');
  }
  const keys = (source as { keys?: unknown }).keys;
  if (typeof source !== 'object' || source === null || !Array.isArray(keys) || keys.length === 0 || keys.length > 10) {
    throw documentError('The client JWKS must be an object with 1 to 10 keys');
  }
  for (const key of keys as unknown[]) {
    if (typeof key !== 'object' || key === null || Array.isArray(key))
      throw documentError('Every JWK must be an object');
    const jwk = key as Record<string, unknown>;
    if (!['EC', 'OKP', 'RSA'].includes(String(jwk.kty))) throw documentError('Client keys must be EC, OKP or RSA');
    if (['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].some((member) => jwk[member] !== undefined)) {
      throw documentError('The client JWKS must hold public keys only');
    }
  }
  return { keys: keys as Array<Record<string, JsonValue>> };
}

function documentError(description: string): OAuthError {
  return new OAuthError('invalid_client', description);
}
