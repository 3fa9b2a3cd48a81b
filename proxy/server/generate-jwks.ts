// `mcp-oauth-proxy generate-jwks [ES256|EdDSA]`: a fresh private JWKS for PROXY_JWKS_FILE. With asymmetric keys the
// proxy publishes `jwks_uri`, so other resource servers can verify its access tokens without sharing a secret.
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import type { JsonWebKeyWithKid } from '../options/proxy-options.ts';

export type AsymmetricAlgorithm = 'ES256' | 'EdDSA';

export async function generateJwks(alg: AsymmetricAlgorithm = 'ES256'): Promise<{ keys: JsonWebKeyWithKid[] }> {
  const { privateKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}),
  });
  const jwk = await exportJWK(privateKey);
  return { keys: [{ ...jwk, kty: jwk.kty ?? '', kid: randomUUID(), alg, use: 'sig' }] };
}
