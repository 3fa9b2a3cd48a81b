// Authenticating the pre-registered OAuth app: client_id/client_secret parameters or HTTP Basic, compared in
// constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import { upstreamClient } from '../fixtures.ts';

function sameSecret(a: string, b: string): boolean {
  // Hash first so lengths match and the comparison time does not reveal the secret's length.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function isRegisteredClient(clientId: string | undefined, clientSecret: string | undefined): boolean {
  if (clientId !== upstreamClient.client_id || clientSecret === undefined) return false;
  return sameSecret(clientSecret, upstreamClient.client_secret);
}

/** Parses `Authorization: Basic base64(id:secret)`; undefined when absent or malformed. */
export function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
}
