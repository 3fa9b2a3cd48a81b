// The authorization request URL: the metadata's authorization_endpoint with the given parameters. Shared by the
// browser flow and the browserless /authorize probes.
import type { CheckSession } from '../session/check-session.ts';
import { endpoint } from './discovery.ts';

export async function buildAuthorizeUrl(
  session: CheckSession,
  params: Record<string, string | undefined>,
): Promise<string> {
  const url = new URL(await endpoint(session, 'authorization_endpoint'));
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.append(k, v);
  return url.toString();
}
