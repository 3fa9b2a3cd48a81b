// RFC 7636 helpers for the test client: random verifiers, S256 challenges, random state values.
import { createHash, randomBytes } from 'node:crypto';

/** 43 unreserved characters (RFC 7636 §4.1 minimum length). */
export function newVerifier(): string {
  return randomBytes(32).toString('base64url');
}

/** BASE64URL(SHA256(ASCII(verifier))), RFC 7636 §4.2. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function randomToken(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * A 128-character state of printable ASCII including URL-special characters (`&=+/?#% `), to prove the state comes
 * back byte-exact (RFC 6749 §4.1.2).
 */
export function trickyState(): string {
  const special = "&=+/?#% :@!$'()*,;~-._";
  const base = randomBytes(64).toString('base64url');
  let out = '';
  for (let i = 0; out.length < 128; i++) out += i % 3 === 0 ? special[i % special.length] : base[i % base.length];
  return out.slice(0, 128);
}
