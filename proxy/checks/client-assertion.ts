// private_key_jwt client authentication (RFC 7523 §2.2 and §3, as profiled by OpenID Connect Core §9, which the
// client ID metadata document draft names): a JWT signed by one of the keys in the client's metadata document, about
// the client, for this server, short-lived and used once. Not the hot path (one per token or revocation request),
// so jose's WebCrypto verification is fine here.
// @see https://www.rfc-editor.org/rfc/rfc7523#section-3
// @see https://openid.net/specs/openid-connect-core-1_0.html#ClientAuthentication
// @see https://www.ietf.org/archive/id/draft-ietf-oauth-client-id-metadata-document-00.html#section-6.2
import { createLocalJWKSet, decodeJwt, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import { sha256 } from '../crypto/digest.ts';
import { keys, type ClientRecord, type Records } from '../records.ts';

/** RFC 7523 §2.2: the client_assertion_type of a JWT client assertion. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Signature algorithms accepted (and advertised as token_endpoint_auth_signing_alg_values_supported). */
export const ASSERTION_ALGORITHMS = ['ES256', 'EdDSA', 'RS256'] as const;

/** Longest assertion lifetime accepted, in seconds: an assertion is made for one request, not kept. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;

/** Clock difference tolerated between client and proxy (RFC 7523 §3 "subject to allowable clock skew"). */
export const ASSERTION_CLOCK_TOLERANCE_SECONDS = 30;

/** Why an assertion was refused; the message is safe to send as an error_description. */
export class ClientAssertionInvalid extends Error {
  override readonly name = 'ClientAssertionInvalid';
}

/** The client an assertion claims to come from (`sub`, else `iss`), unverified: only for looking the client up. */
export function assertionClientId(assertion: string): string | undefined {
  try {
    const claims = decodeJwt(assertion);
    const id = claims.sub ?? claims.iss;
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies a client assertion for `client`:
 * - "The JWT MUST be digitally signed […] The authorization server MUST reject JWTs with an invalid signature"
 *   (RFC 7523 §3 item 9): by a key of the client's JWKS, with an asymmetric algorithm;
 * - `iss` and `sub` are the client_id (RFC 7523 §3 items 1-2; OIDC Core §9);
 * - `aud` names this server: its issuer or its token endpoint (OIDC Core §9: "The Audience SHOULD be the URL of the
 *   Authorization Server's Token Endpoint"; the issuer is accepted as RFC 7523bis recommends);
 * - "The authorization server MUST reject any JWT with an expiration time that has passed, subject to allowable clock
 *   skew" (RFC 7523 §3 item 4), and a lifetime over MAX_ASSERTION_LIFETIME_SECONDS is refused;
 * - `jti` is required and single-use: OIDC Core §9, "These tokens MUST only be used once" (RFC 7523 §3 item 7 makes
 *   the replay check a MAY; the profile the draft names makes it a MUST). The used jti is kept with an atomic `add`
 *   until the assertion would have expired, so of two concurrent uses exactly one wins.
 */
export async function verifyClientAssertion(
  records: Records,
  client: ClientRecord,
  assertion: string,
  expect: { audiences: readonly string[]; now: number },
): Promise<void> {
  const jwks = client.jwks;
  if (!jwks) throw new ClientAssertionInvalid('This client has no keys to verify a client assertion with');
  let payload;
  try {
    ({ payload } = await jwtVerify(assertion, createLocalJWKSet(jwks as unknown as JSONWebKeySet), {
      algorithms: [...ASSERTION_ALGORITHMS],
      issuer: client.client_id,
      subject: client.client_id,
      audience: [...expect.audiences],
      currentDate: new Date(expect.now * 1000),
      clockTolerance: ASSERTION_CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['exp', 'jti'],
    }));
  } catch (error) {
    throw new ClientAssertionInvalid(`The client assertion is invalid: ${whyInvalid(error)}`);
  }
  const exp = payload.exp ?? 0;
  const issuedAt = typeof payload.iat === 'number' ? payload.iat : expect.now;
  if (exp - issuedAt > MAX_ASSERTION_LIFETIME_SECONDS || exp - expect.now > MAX_ASSERTION_LIFETIME_SECONDS) {
    throw new ClientAssertionInvalid(
      `The client assertion lives longer than ${MAX_ASSERTION_LIFETIME_SECONDS} seconds; make one per request`,
    );
  }
  const jti = payload.jti;
  if (typeof jti !== 'string' || jti === '' || jti.length > 256) {
    throw new ClientAssertionInvalid('The client assertion needs a jti of at most 256 characters');
  }
  const ttl = Math.max(1, exp - expect.now + ASSERTION_CLOCK_TOLERANCE_SECONDS);
  const first = await records.add(
    keys.usedAssertion(sha256(`${client.client_id}\n${jti}`)),
    { clientId: client.client_id, exp },
    ttl,
  );
  if (!first) throw new ClientAssertionInvalid('This client assertion (its jti) was already used');
}

function whyInvalid(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'it has expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the signature does not verify';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key of the client matches its signature';
  if (error instanceof errors.JOSEAlgNotAllowed) return `only ${ASSERTION_ALGORITHMS.join(', ')} are accepted`;
  if (error instanceof errors.JWTClaimValidationFailed) return `claim ${error.claim} ${error.reason}`;
  if (error instanceof errors.JOSEError) return 'it is not a valid signed JWT';
  return 'it could not be verified';
}
