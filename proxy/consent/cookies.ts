// The "remember my consent" cookie: an HMAC-signed value bound to one client, its redirect URI and the approved
// scopes, with an expiry inside the signed part. One cookie per client, so approving A never approves B.
import { sha256 } from '../crypto/digest.ts';
import { hmac, verifyHmac } from '../crypto/hmac.ts';

export interface ConsentBinding {
  clientId: string;
  redirectUri: string;
  scopes: string[];
}

interface CookieSettings {
  key: Buffer;
  secure: boolean;
  maxAgeSeconds: number;
}

/**
 * The cookie name for a client. `__Host-` (which requires Secure, Path=/ and no Domain) on https issuers.
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#section-4.1.3.2
 */
export function consentCookieName(clientId: string, secure: boolean): string {
  return `${secure ? '__Host-' : ''}mcp-consent-${sha256(clientId).slice(0, 16)}`;
}

/** What the cookie's signature covers: client, redirect URI, scope set and expiry. */
function payload(binding: ConsentBinding, expiresAt: number): string {
  const scopes = sha256([...binding.scopes].sort().join(' '));
  return [binding.clientId, sha256(binding.redirectUri), scopes, String(expiresAt)]
    .map((part) => Buffer.from(part, 'utf8').toString('base64url'))
    .join('.');
}

/**
 * A Set-Cookie header remembering this consent. MCP SBP "Consent Cookie Security": `__Host-` prefix, Secure, HttpOnly,
 * SameSite=Lax, signed, bound to the client_id.
 */
export function consentCookieHeader(binding: ConsentBinding, settings: CookieSettings, now: number): string {
  const expiresAt = now + settings.maxAgeSeconds;
  const body = payload(binding, expiresAt);
  const value = `${expiresAt}.${hmac(settings.key, body)}`;
  const attributes = ['Path=/', `Max-Age=${settings.maxAgeSeconds}`, 'HttpOnly', 'SameSite=Lax'];
  if (settings.secure) attributes.push('Secure');
  return [`${consentCookieName(binding.clientId, settings.secure)}=${value}`, ...attributes].join('; ');
}

/**
 * Whether the request carries a valid, unexpired consent cookie for exactly this client, redirect URI and scopes.
 * The signature is checked in constant time; any tampering, expiry or mismatch means "ask again".
 */
export function hasRememberedConsent(
  cookieHeader: string | null,
  binding: ConsentBinding,
  settings: Pick<CookieSettings, 'key' | 'secure'>,
  now: number,
): boolean {
  const value = readCookie(cookieHeader, consentCookieName(binding.clientId, settings.secure));
  if (value === undefined) return false;
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return false;
  const expiresAt = Number(match[1]);
  if (!verifyHmac(settings.key, payload(binding, expiresAt), match[2] ?? '')) return false;
  return expiresAt > now;
}

/** One cookie's value from a Cookie header. */
export function readCookie(cookieHeader: string | null, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
