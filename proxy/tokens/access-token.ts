// The proxy's own access tokens: JWTs per RFC 9068, audience-bound to the MCP resource. Verification is the hot path
// of every MCP request: signature and claims are checked locally with keys imported at startup.
import { errors, jwtVerify, SignJWT, type JWTHeaderParameters } from 'jose';
import { randomToken } from '../crypto/random.ts';
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
}

/**
 * Signs an access token with `typ: at+jwt`.
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-2.1
 */
export async function signAccessToken(keys: SigningKeys, input: AccessTokenInput): Promise<string> {
  const header: JWTHeaderParameters = { alg: keys.signer.alg, typ: 'at+jwt' };
  if (keys.signer.kid !== undefined) header.kid = keys.signer.kid;
  return new SignJWT({ client_id: input.clientId, scope: input.scopes.join(' '), gid: input.grantId })
    .setProtectedHeader(header)
    .setIssuer(input.issuer)
    .setSubject(input.sub)
    .setAudience(input.resource)
    .setJti(randomToken())
    .setIssuedAt()
    .setExpirationTime(`${input.ttlSeconds}s`)
    .sign(keys.signer.key);
}

/** Why a token was refused; never sent to clients beyond "invalid_token". */
export class AccessTokenInvalid extends Error {
  override readonly name = 'AccessTokenInvalid';
}

/**
 * Verifies signature, `typ`, `iss`, `aud` and `exp`; nothing touches storage here.
 * @see https://www.rfc-editor.org/rfc/rfc9068#section-4
 */
export async function verifyAccessToken(
  keys: SigningKeys,
  token: string,
  expected: { issuer: string; resource: string },
): Promise<AccessTokenClaims> {
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const entry = keys.verifiers.get(header.kid ?? '');
        if (!entry || entry.alg !== header.alg) throw new AccessTokenInvalid('unknown key or algorithm');
        return entry.key;
      },
      {
        issuer: expected.issuer,
        audience: expected.resource,
        typ: 'at+jwt',
        algorithms: keys.algorithms,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['sub', 'exp', 'iat', 'jti', 'client_id', 'gid'],
      },
    );
    if (typeof payload.gid !== 'string' || typeof payload.client_id !== 'string' || typeof payload.sub !== 'string') {
      throw new AccessTokenInvalid('malformed private claims');
    }
    return payload as unknown as AccessTokenClaims;
  } catch (error) {
    if (error instanceof AccessTokenInvalid) throw error;
    if (error instanceof errors.JOSEError || error instanceof TypeError) {
      throw new AccessTokenInvalid(error instanceof errors.JOSEError ? error.code : 'malformed token');
    }
    throw error;
  }
}
