// A client's PKCE pair, computed independently of the proxy's implementation.
import { createHash, randomBytes } from 'node:crypto';

export function newPkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
