// Synchronous JWS (compact serialisation) signing with node:crypto KeyObjects imported once at startup: the
// counterpart of jws-verify.ts. jose signs through WebCrypto, an async job on the thread pool per token; the token
// endpoint signs one access token per code exchange and per refresh, so this runs on the refresh hot path.
import { createHmac, sign as signData, type KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from './jws-verify.ts';

export interface SigningKey {
  alg: SigningAlgorithm;
  /** Set for published keys (ES256/EdDSA); the HS256 key has none. */
  kid?: string;
  /** HS256: a secret KeyObject; ES256/EdDSA: a private KeyObject. */
  keyObject: KeyObject;
}

/**
 * `BASE64URL(UTF8(header)) || '.' || BASE64URL(payload) || '.' || BASE64URL(signature)`; ES256 signatures in the
 * fixed-length R || S form JWS requires (RFC 7518 §3.4), not DER.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-7.1
 */
export function signCompactJws(key: SigningKey, header: object, payload: object): string {
  const signingInput = `${encodeJson(header)}.${encodeJson(payload)}`;
  return `${signingInput}.${signature(key, Buffer.from(signingInput, 'ascii')).toString('base64url')}`;
}

function signature(key: SigningKey, input: Buffer): Buffer {
  switch (key.alg) {
    case 'HS256':
      return createHmac('sha256', key.keyObject).update(input).digest();
    case 'ES256':
      return signData('sha256', input, { key: key.keyObject, dsaEncoding: 'ieee-p1363' });
    case 'EdDSA':
      return signData(null, input, key.keyObject);
  }
}

function encodeJson(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
