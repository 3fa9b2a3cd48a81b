// Hashing for secrets at rest (codes, refresh tokens, client secrets are stored only as SHA-256 digests) and the one
// constant-time comparison every secret check goes through.
import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a UTF-8 string, base64url without padding. */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

/**
 * Compares two strings without leaking where they differ: both are hashed first, so the inputs to
 * `timingSafeEqual` always have the same length and the length of a secret is not revealed either.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}
