// Which scope the test client asks for (MCP scope selection): the target description's, else what the protected
// resource advertises.
import type { CheckSession } from '../session/check-session.ts';
import { authorizationServerMetadata, protectedResourceMetadata } from './discovery.ts';

/** The scope the test client asks for: the target description's, else the resource's `scopes_supported`. */
export async function scopeToRequest(session: CheckSession): Promise<string | undefined> {
  if (session.settings.targetDescription.scope !== undefined)
    return session.settings.targetDescription.scope || undefined;
  try {
    const { body } = await protectedResourceMetadata(session);
    const scopes = body.scopes_supported;
    return Array.isArray(scopes) && scopes.length ? scopes.join(' ') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Scopes an authorization server offers that belong to no resource: OpenID Connect's own (Core §5.4 and §11) and
 * offline_access. An AS listing only these defines no resource scopes.
 */
const AS_ONLY_SCOPES = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access']);

/** The resource scopes the AS metadata offers (its scopes_supported without the AS-only ones); [] when none. */
export async function resourceScopesFromServer(session: CheckSession): Promise<string[]> {
  const { body } = await authorizationServerMetadata(session).catch(() => ({ body: {} as Record<string, unknown> }));
  const scopes = Array.isArray(body.scopes_supported) ? body.scopes_supported : [];
  return scopes.filter((s): s is string => typeof s === 'string' && !AS_ONLY_SCOPES.has(s));
}
