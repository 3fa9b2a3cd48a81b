// HMAC-SHA256 keys for consent cookies and CSRF tokens, derived once at startup from a configured secret with HKDF so
// that each purpose has its own key.
import { createHmac, hkdfSync } from 'node:crypto';
import { constantTimeEqual } from './digest.ts';

/** Derives a 32-byte key for one purpose (`info`) from a secret (RFC 5869 HKDF-SHA256). */
export function deriveKey(secret: string, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'mcp-oauth-proxy', info, 32));
}

/** HMAC-SHA256 of `message`, base64url. */
export function hmac(key: Buffer, message: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('base64url');
}

/** Checks an HMAC in constant time. */
export function verifyHmac(key: Buffer, message: string, mac: string): boolean {
  return constantTimeEqual(hmac(key, message), mac);
}
