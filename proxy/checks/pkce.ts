// PKCE (RFC 7636) in both tiers: the client's challenge is checked at /authorize and its verifier at /token; the
// proxy also makes its own pair for the upstream leg (never reusing the client's).
import { createHash } from 'node:crypto';
import { OAuthError } from '../errors.ts';
import { constantTimeEqual } from '../crypto/digest.ts';
import { randomToken } from '../crypto/random.ts';

/** `43*128unreserved`, the syntax of both code_verifier and an S256 code_challenge. */
const PKCE_VALUE = /^[A-Za-z0-9\-._~]{43,128}$/;

/** S256: BASE64URL(SHA256(ASCII(code_verifier))). @see https://www.rfc-editor.org/rfc/rfc7636#section-4.2 */
export function s256(codeVerifier: string): string {
  return createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
}

/** A fresh verifier/challenge pair for the proxy's own upstream request. */
export function createPkcePair(): { codeVerifier: string; codeChallenge: string } {
  const codeVerifier = randomToken();
  return { codeVerifier, codeChallenge: s256(codeVerifier) };
}

/**
 * The authorization request must carry an S256 code_challenge: required for every client (OAuth 2.1 §4.1.1), and
 * `plain` is refused because the metadata advertises S256 only (RFC 7636 §4.4.1: unsupported method → invalid_request).
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.4.1
 */
export function assertPkceChallenge(challenge: string | undefined, method: string | undefined): string {
  if (challenge === undefined) {
    throw new OAuthError('invalid_request', 'code_challenge is required (PKCE)', { redirectable: true });
  }
  if (method !== 'S256') {
    throw new OAuthError('invalid_request', 'code_challenge_method must be S256', { redirectable: true });
  }
  if (!PKCE_VALUE.test(challenge)) {
    throw new OAuthError('invalid_request', 'code_challenge must be 43 to 128 unreserved characters', {
      redirectable: true,
    });
  }
  return challenge;
}

/**
 * The code_verifier must be present, well-formed and hash to the stored challenge; every failure is invalid_grant.
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.6
 */
export function assertPkceVerifier(verifier: string | undefined, challenge: string): void {
  if (!pkceVerifierMatches(verifier, challenge)) {
    throw new OAuthError('invalid_grant', 'code_verifier is missing or does not match the code_challenge');
  }
}

export function pkceVerifierMatches(verifier: string | undefined, challenge: string): boolean {
  if (verifier === undefined || !PKCE_VALUE.test(verifier)) return false;
  return constantTimeEqual(s256(verifier), challenge);
}
