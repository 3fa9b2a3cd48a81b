// RFC 6749 §5.1/§5.2 token responses, including GitHub's errors inside HTTP 200, mapped to UpstreamError kinds.
import { describe, expect, it } from 'vitest';
import type { UpstreamResponse } from '../../upstream/http.ts';
import { parseTokenResponse } from '../../upstream/token-response.ts';
import { UpstreamError } from '../../upstream/types.ts';

const NOW = Date.UTC(2026, 0, 1);
const now = () => NOW;

function answer(status: number, body: Record<string, unknown>): UpstreamResponse {
  return { status, headers: new Headers(), body, json: body };
}

function kindOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof UpstreamError) return err.kind;
    throw err;
  }
  throw new Error('expected an UpstreamError, but parsing succeeded');
}

describe('parsing a successful token response', () => {
  it('turns expires_in into epoch seconds and keeps refresh_token, scope and id_token', () => {
    const tokens = parseTokenResponse(
      answer(200, {
        access_token: 'at',
        token_type: 'Bearer',
        expires_in: 3599,
        refresh_token: 'rt',
        scope: 'openid email',
        id_token: 'h.p.s',
      }),
      'token request',
      now,
    );
    expect(tokens).toEqual({
      accessToken: 'at',
      tokenType: 'Bearer',
      expiresAt: NOW / 1000 + 3599,
      refreshToken: 'rt',
      scope: 'openid email',
      idToken: 'h.p.s',
    });
  });

  it('reads expires_in given as a string, as form-encoded answers carry it', () => {
    const tokens = parseTokenResponse(
      answer(200, { access_token: 'at', token_type: 'bearer', expires_in: '28800' }),
      'x',
      now,
    );
    expect(tokens.expiresAt).toBe(NOW / 1000 + 28800);
  });

  it('leaves expiresAt unset when the IdP gives no lifetime (GitHub classic tokens)', () => {
    const tokens = parseTokenResponse(answer(200, { access_token: 'at', token_type: 'bearer', scope: '' }), 'x', now);
    expect(tokens).toEqual({ accessToken: 'at', tokenType: 'bearer', scope: '' });
  });

  it('reads a missing token_type as Bearer', () => {
    expect(parseTokenResponse(answer(200, { access_token: 'at' })).tokenType).toBe('Bearer');
  });
});

describe('mapping token endpoint errors', () => {
  it.each([
    [200, 'bad_verification_code', 'invalid_grant'],
    [200, 'bad_refresh_token', 'invalid_grant'],
    [200, 'incorrect_client_credentials', 'misconfigured'],
    [200, 'redirect_uri_mismatch', 'misconfigured'],
    [400, 'invalid_grant', 'invalid_grant'],
    [401, 'invalid_client', 'misconfigured'],
    [400, 'unauthorized_client', 'misconfigured'],
    [400, 'invalid_scope', 'misconfigured'],
    [400, 'access_denied', 'access_denied'],
    [400, 'temporarily_unavailable', 'unavailable'],
    [400, 'something_new', 'bad_response'],
  ])('maps HTTP %i error=%s to %s', (status, error, kind) => {
    expect(kindOf(() => parseTokenResponse(answer(status, { error, error_description: 'why' })))).toBe(kind);
  });

  it('treats an error inside HTTP 200 as an error even if an access_token is present', () => {
    expect(kindOf(() => parseTokenResponse(answer(200, { error: 'bad_verification_code', access_token: 'x' })))).toBe(
      'invalid_grant',
    );
  });

  it('maps a 4xx without an error code to bad_response', () => {
    expect(kindOf(() => parseTokenResponse(answer(400, {})))).toBe('bad_response');
  });

  it('maps a 200 without access_token to bad_response', () => {
    expect(kindOf(() => parseTokenResponse(answer(200, { token_type: 'bearer' })))).toBe('bad_response');
  });

  it('maps a non-numeric expires_in to bad_response', () => {
    expect(kindOf(() => parseTokenResponse(answer(200, { access_token: 'a', expires_in: 'soon' })))).toBe(
      'bad_response',
    );
  });

  it('names the error code in the message but never a token value', () => {
    try {
      parseTokenResponse(
        answer(200, { error: 'bad_refresh_token', refresh_token: 'ghr_secret', access_token: 'gho_secret' }),
        'upstream refresh',
      );
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toBe('upstream refresh failed with HTTP 200 error=bad_refresh_token');
    }
  });
});
