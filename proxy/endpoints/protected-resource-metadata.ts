// Step 2: RFC 9728 protected resource metadata for the MCP endpoint. It names the resource identifier (byte-equal to
// the MCP URL) and the proxy as its authorization server.
import { resourceScopes } from '../checks/scope.ts';
import type { ProxyContext } from '../context.ts';

/**
 * `resource` must be identical to the URL the client used (RFC 9728 §3.3); `scopes_supported` is omitted when empty
 * and never lists `offline_access` (MCP 2026-07-28 "Refresh Tokens": servers SHOULD NOT include it, PRM-09).
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-2
 */
export function protectedResourceMetadata(ctx: ProxyContext): Record<string, unknown> {
  const { settings } = ctx;
  const scopes = resourceScopes(settings.scopesSupported);
  return {
    resource: settings.resource,
    authorization_servers: [settings.issuer],
    ...(scopes.length > 0 ? { scopes_supported: scopes } : {}),
    bearer_methods_supported: ['header'],
  };
}

export function protectedResourceMetadataResponse(ctx: ProxyContext): Response {
  return Response.json(protectedResourceMetadata(ctx), { headers: { 'Cache-Control': 'public, max-age=300' } });
}
