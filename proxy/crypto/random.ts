// Unguessable identifiers for everything the proxy hands out: client ids, codes, refresh tokens, transaction ids.
import { randomBytes } from 'node:crypto';

/** 256 bits of randomness, base64url without padding (43 characters, URL- and cookie-safe). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}
