// The access-token signing keys, imported once at startup (never per request): HS256 from a secret via HKDF, or
// ES256/EdDSA from private JWKs whose public halves are published at jwks_uri.
import { createPrivateKey, createPublicKey, createSecretKey, type JsonWebKey as NodeJsonWebKey } from 'node:crypto';
import type { JWK } from 'jose';
import type { JsonWebKeyWithKid, SigningOptions } from '../options/proxy-options.ts';
import { deriveKey } from '../crypto/hmac.ts';
import type { SigningKey } from './jws-sign.ts';
import type { SigningAlgorithm, VerificationKey } from './jws-verify.ts';

export type { SigningAlgorithm } from './jws-verify.ts';

export interface SigningKeys {
  /** The key that signs new tokens, as a node:crypto KeyObject (see jws-sign.ts). */
  signer: SigningKey;
  /** Verification keys by kid (the HS256 key has no kid and is stored under ''), as node:crypto KeyObjects. */
  verifiers: Map<string, VerificationKey>;
  algorithms: SigningAlgorithm[];
  /** Public JWKs for jwks_uri; undefined for HS256, which must never be published. */
  publicJwks: { keys: JWK[] } | undefined;
}

/** Private JWK members that must never reach jwks_uri. */
const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);

export function loadSigningKeys(signing: SigningOptions): SigningKeys {
  if (signing.kind === 'secret') {
    const keyObject = createSecretKey(deriveKey(signing.secret, 'access-token-hs256'));
    return {
      signer: { alg: 'HS256', keyObject },
      verifiers: new Map([['', { alg: 'HS256', keyObject }]]),
      algorithms: ['HS256'],
      publicJwks: undefined,
    };
  }
  const verifiers = new Map<string, VerificationKey>();
  const published: JWK[] = [];
  let signer: SigningKeys['signer'] | undefined;
  for (const jwk of signing.keys) {
    const alg = algorithmOf(jwk);
    if (!jwk.kid) throw new Error('signing.keys: every key needs a "kid"');
    if (verifiers.has(jwk.kid)) throw new Error(`signing.keys: duplicate kid ${JSON.stringify(jwk.kid)}`);
    const publicJwk = Object.fromEntries(Object.entries(jwk).filter(([name]) => !PRIVATE_MEMBERS.has(name))) as JWK;
    verifiers.set(jwk.kid, {
      alg,
      keyObject: createPublicKey({ key: { ...publicJwk } as NodeJsonWebKey, format: 'jwk' }),
    });
    published.push({ ...publicJwk, alg, use: 'sig' });
    if (!signer) {
      if (typeof jwk.d !== 'string') throw new Error('signing.keys: the first key signs and must be a private JWK');
      signer = { alg, kid: jwk.kid, keyObject: createPrivateKey({ key: { ...jwk } as NodeJsonWebKey, format: 'jwk' }) };
    }
  }
  if (!signer) throw new Error('signing.keys must hold at least one private JWK');
  return {
    signer,
    verifiers,
    algorithms: [...new Set([...verifiers.values()].map((v) => v.alg))],
    publicJwks: { keys: published },
  };
}

function algorithmOf(jwk: JsonWebKeyWithKid): SigningAlgorithm {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && (jwk.alg === undefined || jwk.alg === 'ES256')) return 'ES256';
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && (jwk.alg === undefined || jwk.alg === 'EdDSA')) return 'EdDSA';
  throw new Error(
    `signing.keys: key ${JSON.stringify(jwk.kid)} must be EC P-256 (ES256) or OKP Ed25519 (EdDSA); got kty=${jwk.kty} crv=${String(jwk.crv)} alg=${String(jwk.alg)}`,
  );
}
