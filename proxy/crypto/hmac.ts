// HMAC-SHA256 keys for consent cookies and CSRF tokens, derived once at startup from a configured secret with HKDF so
// that each purpose has its own key.
import { createHmac, hkdfSync } from 'node:crypto';
import { constantTimeEqual } from './digest.ts';

/** Shortest secret accepted anywhere (characters): HKDF adds no entropy to a guessable secret. */
export const MIN_SECRET_LENGTH = 32;

/**
 * Derives a 32-byte key for one purpose (`info`) from a secret (RFC 5869 HKDF-SHA256). The salt is fixed per use so
 * that keys stay stable across restarts; storage encryption keeps the empty salt its records were sealed with.
 */
export function deriveKey(secret: string, info: string, salt: string = 'mcp-oauth-proxy'): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), salt, info, 32));
}

/** HMAC-SHA256 of `message`, base64url. */
export function hmac(key: Buffer, message: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('base64url');
}

/** Checks an HMAC in constant time. */
export function verifyHmac(key: Buffer, message: string, mac: string): boolean {
  return constantTimeEqual(hmac(key, message), mac);
}
