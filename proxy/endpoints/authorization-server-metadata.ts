// Step 3: RFC 8414 authorization server metadata, at the well-known path inserted before the issuer's path. It is
// also where MCP clients learn that PKCE S256, DCR and the `iss` response parameter are supported.
import { ASSERTION_ALGORITHMS } from '../checks/client-assertion.ts';
import type { ProxyContext } from '../context.ts';

/**
 * The metadata document. Claims with zero elements are omitted (RFC 8414 §2), which is why `scopes_supported`
 * appears only when configured: an empty array makes some MCP clients abort before registering.
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-2
 * @see https://www.rfc-editor.org/rfc/rfc8414#section-3
 */
export function authorizationServerMetadata(ctx: ProxyContext): Record<string, unknown> {
  const { settings } = ctx;
  const cimd = settings.clientIdMetadataDocuments;
  // private_key_jwt exists only for metadata-document clients (their documents carry the keys).
  const authMethods = ['none', 'client_secret_post', 'client_secret_basic', ...(cimd ? ['private_key_jwt'] : [])];
  const signingAlgorithms = cimd ? { values: [...ASSERTION_ALGORITHMS] } : undefined;
  return {
    issuer: settings.issuer,
    authorization_endpoint: settings.urls.authorization,
    token_endpoint: settings.urls.token,
    registration_endpoint: settings.urls.registration,
    revocation_endpoint: settings.urls.revocation,
    ...(ctx.keys.publicJwks ? { jwks_uri: settings.urls.jwks } : {}),
    ...(settings.scopesSupported.length > 0 ? { scopes_supported: settings.scopesSupported } : {}),
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: authMethods,
    ...(signingAlgorithms ? { token_endpoint_auth_signing_alg_values_supported: signingAlgorithms.values } : {}),
    revocation_endpoint_auth_methods_supported: authMethods,
    ...(signingAlgorithms ? { revocation_endpoint_auth_signing_alg_values_supported: signingAlgorithms.values } : {}),
    // RFC 9207 §3: we send `iss` in every authorization response, success and error.
    authorization_response_iss_parameter_supported: true,
    // draft-ietf-oauth-client-id-metadata-document-00 §5: "Authorization servers that publish Authorization Server
    // Metadata {{RFC8414}} MUST include the following property to signal support for client metadata documents".
    ...(cimd ? { client_id_metadata_document_supported: true } : {}),
  };
}

/**
 * The metadata response. No OpenID Connect discovery document is served at /.well-known/openid-configuration: the
 * proxy issues no ID tokens and is not an OpenID Provider, and MCP clients try the RFC 8414 location first.
 */
export function authorizationServerMetadataResponse(ctx: ProxyContext): Response {
  return Response.json(authorizationServerMetadata(ctx), { headers: { 'Cache-Control': 'public, max-age=300' } });
}
