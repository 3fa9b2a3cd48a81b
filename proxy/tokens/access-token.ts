// The proxy's own access tokens: JWTs per RFC 9068, audience-bound to the MCP resource. Verification is the hot path
// of every MCP request: signature and claims are checked locally, synchronously, with keys imported at startup.
import { randomToken } from '../crypto/random.ts';
import { signCompactJws } from './jws-sign.ts';
import { JwsInvalid, verifyCompactJws } from './jws-verify.ts';
import type { SigningKeys } from './signing-keys.ts';

/** The claims of an access token (RFC 9068 §2.2) plus the grant it stands for. */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  client_id: string;
  scope: string;
  jti: string;
  iat: number;
  exp: number;
  /** Private claim: the grant id. Its store record is the revocation state. */
  gid: string;
}

/** Clock skew tolerated when checking `exp`/`iat`, in seconds. Small: tokens are short-lived anyway. */
export const CLOCK_TOLERANCE_SECONDS = 5;

export interface AccessTokenInput {
  issuer: string;
  resource: string;
  sub: string;
  clientId: string;
  scopes: string[];
  grantId: string;
  ttlSeconds: number;
  /** Issue time, epoch seconds (the proxy clock). */
  now: number;
}

/**
 * Signs an access token with `typ: at+jwt` (synchronously, see jws-sign.ts).
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.1
 */
export function signAccessToken(keys: SigningKeys, input: AccessTokenInput): string {
  const { alg, kid } = keys.signer;
  const header = kid === undefined ? { alg, typ: 'at+jwt' } : { alg, typ: 'at+jwt', kid };
  const claims: AccessTokenClaims = {
    iss: input.issuer,
    sub: input.sub,
    aud: input.resource,
    client_id: input.clientId,
    scope: input.scopes.join(' '),
    jti: randomToken(),
    iat: input.now,
    exp: input.now + input.ttlSeconds,
    gid: input.grantId,
  };
  return signCompactJws(keys.signer, header, claims);
}

/** Why a token was refused; never sent to clients beyond "invalid_token". */
export class AccessTokenInvalid extends Error {
  override readonly name = 'AccessTokenInvalid';
}

/**
 * Verifies signature, `typ`, `iss`, `aud`, `exp`/`iat`/`nbf` and the claims the proxy relies on; nothing touches
 * storage here. Synchronous node:crypto underneath (see jws-verify.ts): this runs on every MCP request.
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
export function verifyAccessToken(
  keys: SigningKeys,
  token: string,
  expected: { issuer: string; resource: string },
  now: number,
): AccessTokenClaims {
  let verified = verifiedTokens(keys).get(token);
  if (verified === undefined) {
    try {
      verified = verifyCompactJws(token, keys.verifiers);
    } catch (error) {
      if (error instanceof JwsInvalid) throw new AccessTokenInvalid(error.message);
      throw error;
    }
    remember(keys, token, verified);
  }
  const { header, payload: p } = verified;
  // RFC 9068 §4: "Resource servers MUST verify that the typ header value is at+jwt or application/at+jwt".
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : '';
  if (typ !== 'at+jwt' && typ !== 'application/at+jwt') throw new AccessTokenInvalid('typ is not at+jwt');
  if (p.iss !== expected.issuer) throw new AccessTokenInvalid('wrong issuer');
  const audience = Array.isArray(p.aud) ? p.aud : [p.aud];
  if (!audience.includes(expected.resource)) throw new AccessTokenInvalid('wrong audience');
  for (const claim of ['sub', 'client_id', 'jti', 'gid'] as const) {
    if (typeof p[claim] !== 'string' || p[claim] === '') throw new AccessTokenInvalid(`missing ${claim}`);
  }
  if (p.scope !== undefined && typeof p.scope !== 'string') throw new AccessTokenInvalid('malformed scope');
  if (typeof p.exp !== 'number' || typeof p.iat !== 'number') throw new AccessTokenInvalid('missing exp or iat');
  if (p.exp <= now - CLOCK_TOLERANCE_SECONDS) throw new AccessTokenInvalid('expired');
  if (p.iat > now + CLOCK_TOLERANCE_SECONDS) throw new AccessTokenInvalid('issued in the future');
  if (p.nbf !== undefined && (typeof p.nbf !== 'number' || p.nbf > now + CLOCK_TOLERANCE_SECONDS)) {
    throw new AccessTokenInvalid('not yet valid');
  }
  return {
    iss: p.iss,
    sub: p.sub,
    aud: expected.resource,
    client_id: p.client_id,
    scope: (p.scope as string | undefined) ?? '',
    jti: p.jti,
    iat: p.iat,
    exp: p.exp,
    gid: p.gid,
  } as AccessTokenClaims;
}

type VerifiedJws = ReturnType<typeof verifyCompactJws>;

/**
 * Signature checks already done, per set of keys: a client sends the same access token on every request of its
 * lifetime, and an exact string that verified once verifies again (the keys of a running proxy do not change). Only
 * the signature and decoding are remembered; every claim (typ, iss, aud, exp, iat, nbf) is still checked on every
 * request against the current time, and revocation is the grant lookup's business. Only tokens that verified are
 * kept, at most MAX_VERIFIED, oldest first out, so forged tokens cannot grow it and a flood of valid ones cannot
 * grow it without bound.
 */
const MAX_VERIFIED = 10_000;
const verified = new WeakMap<SigningKeys, Map<string, VerifiedJws>>();

function verifiedTokens(keys: SigningKeys): Map<string, VerifiedJws> {
  let cache = verified.get(keys);
  if (cache === undefined) {
    cache = new Map();
    verified.set(keys, cache);
  }
  return cache;
}

function remember(keys: SigningKeys, token: string, jws: VerifiedJws): void {
  const cache = verifiedTokens(keys);
  if (cache.size >= MAX_VERIFIED) cache.delete(cache.keys().next().value!);
  cache.set(token, jws);
}
