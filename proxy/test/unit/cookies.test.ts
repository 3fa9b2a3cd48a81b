import { describe, expect, it } from 'vitest';
import { consentCookieHeader, hasRememberedConsent } from '../../consent/cookies.ts';
import { csrfToken, csrfTokenValid, sameOriginRequest } from '../../consent/csrf.ts';
import { deriveKey } from '../../crypto/hmac.ts';

const key = deriveKey('cookie-secret-0123456789abcdef0123456789', 'consent-cookie');
const binding = { clientId: 'client-a', redirectUri: 'https://a.test/cb', scopes: ['read', 'write'] };
const NOW = 1_700_000_000;

function cookieFor(b = binding, maxAgeSeconds = 3600, now = NOW): string {
  return consentCookieHeader(b, { key, secure: true, maxAgeSeconds }, now).split(';')[0]!;
}

describe('the consent cookie', () => {
  it('is recognised for the same client, redirect URI and scopes (in any order)', () => {
    const cookie = cookieFor();
    expect(hasRememberedConsent(cookie, { ...binding, scopes: ['write', 'read'] }, { key, secure: true }, NOW)).toBe(
      true,
    );
  });

  it.each([
    ['another client', { ...binding, clientId: 'client-b' }],
    ['another redirect URI', { ...binding, redirectUri: 'https://a.test/other' }],
    ['more scopes', { ...binding, scopes: ['read', 'write', 'admin'] }],
  ])('is not valid for %s', (_name, other) => {
    expect(hasRememberedConsent(cookieFor(), other, { key, secure: true }, NOW)).toBe(false);
  });

  it('expires', () => {
    expect(hasRememberedConsent(cookieFor(binding, 60), binding, { key, secure: true }, NOW + 61)).toBe(false);
  });

  it('refuses a tampered value or expiry, and a cookie signed with another key', () => {
    const cookie = cookieFor();
    const [name, value] = cookie.split('=') as [string, string];
    const [expiry, mac] = value.split('.') as [string, string];
    const longer = `${name}=${Number(expiry) + 999999}.${mac}`;
    const flipped = `${name}=${expiry}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
    for (const bad of [longer, flipped, `${name}=garbage`, `${name}=`]) {
      expect(hasRememberedConsent(bad, binding, { key, secure: true }, NOW)).toBe(false);
    }
    const otherKey = deriveKey('another-secret-0123456789abcdef01234567', 'consent-cookie');
    expect(hasRememberedConsent(cookie, binding, { key: otherKey, secure: true }, NOW)).toBe(false);
  });
});

describe('the consent form CSRF token', () => {
  it('is valid only for its own pending authorization', () => {
    const token = csrfToken(key, 'pending-1');
    expect(csrfTokenValid(key, 'pending-1', token)).toBe(true);
    expect(csrfTokenValid(key, 'pending-2', token)).toBe(false);
    expect(csrfTokenValid(key, 'pending-1', undefined)).toBe(false);
  });

  it('rejects cross-origin browser posts and tolerates non-browser ones', () => {
    const request = (headers: Record<string, string>) => new Request('https://p.test/consent', { headers });
    expect(sameOriginRequest(request({}), 'https://p.test')).toBe(true);
    expect(sameOriginRequest(request({ Origin: 'https://p.test' }), 'https://p.test')).toBe(true);
    expect(sameOriginRequest(request({ Origin: 'https://p.test.evil' }), 'https://p.test')).toBe(false);
    expect(sameOriginRequest(request({ 'Sec-Fetch-Site': 'same-site' }), 'https://p.test')).toBe(false);
  });
});
