import { describe, expect, it } from 'vitest';
import { OAuthError, wireSafeDescription } from '../errors.ts';

describe('OAuthError', () => {
  it('serialises only the wire fields, never the server-side detail', () => {
    const error = new OAuthError('invalid_grant', 'The code was already used', {
      detail: 'grant g-1 revoked',
      status: 400,
    });
    expect(error.toJSON()).toEqual({ error: 'invalid_grant', error_description: 'The code was already used' });
    expect(JSON.stringify(error)).not.toContain('g-1');
  });

  it('keeps error_description inside the RFC 6749 §5.2 character set', () => {
    const description = new OAuthError('invalid_request', 'grant_type "password" is not \\ supported\r\né')
      .errorDescription!;
    expect(description).toBe("grant_type 'password' is not / supported???");
    expect(description).toMatch(/^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/);
  });

  it('leaves an already safe description untouched', () => {
    const text = "Client authentication failed (see RFC 6749 section 5.2) for client 'abc'";
    expect(wireSafeDescription(text)).toBe(text);
  });
});
