import { describe, expect, it } from 'vitest';
import { OAuthError } from '../../errors.ts';
import { assertPkceChallenge, assertPkceVerifier, createPkcePair, s256 } from '../../checks/pkce.ts';

describe('PKCE (RFC 7636)', () => {
  it('computes S256 as in RFC 7636 Appendix B', () => {
    expect(s256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes a fresh pair each time', () => {
    const a = createPkcePair();
    const b = createPkcePair();
    expect(a.codeVerifier).not.toBe(b.codeVerifier);
    expect(s256(a.codeVerifier)).toBe(a.codeChallenge);
  });

  it('accepts the matching verifier and refuses others with invalid_grant', () => {
    const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
    expect(() => assertPkceVerifier('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', challenge)).not.toThrow();
    for (const verifier of [
      undefined,
      'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXK',
      'a'.repeat(42),
      'a'.repeat(129),
    ]) {
      expect(() => assertPkceVerifier(verifier, challenge)).toThrow(
        expect.objectContaining({ error: 'invalid_grant' }) as OAuthError,
      );
    }
  });

  it('refuses a verifier with characters outside the unreserved set even if it hashes right', () => {
    const verifier = `${'a'.repeat(42)}+`;
    expect(() => assertPkceVerifier(verifier, s256(verifier))).toThrow(OAuthError);
  });

  it('requires an S256 challenge of 43 to 128 unreserved characters, as a redirectable invalid_request', () => {
    const ok = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
    expect(assertPkceChallenge(ok, 'S256')).toBe(ok);
    for (const [challenge, method] of [
      [undefined, 'S256'],
      [ok, 'plain'],
      [ok, undefined],
      ['short', 'S256'],
      ['x'.repeat(129), 'S256'],
    ] as const) {
      expect(() => assertPkceChallenge(challenge, method)).toThrow(
        expect.objectContaining({ error: 'invalid_request', redirectable: true }) as OAuthError,
      );
    }
  });
});
