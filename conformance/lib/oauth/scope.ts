// Which scope the test client asks for (MCP scope selection): the target description's, else what the protected
// resource advertises.
import type { CheckSession } from '../session/check-session.ts';
import { protectedResourceMetadata } from './discovery.ts';

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
