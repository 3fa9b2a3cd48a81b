import { describe, expect, it } from 'vitest';
import {
  redactBody,
  redactFormString,
  redactHeader,
  redactJson,
  redactUrl,
  redactValue,
} from '../lib/transport/redact.ts';

describe('secret redaction', () => {
  it('keeps the first four characters of a secret', () => {
    expect(redactValue('abcdefgh')).toBe('abcd…');
    expect(redactValue('abc')).toBe('…');
  });

  it('keeps the scheme of an Authorization header', () => {
    expect(redactHeader('Authorization', 'Bearer eyJhbGciOi.xyz')).toBe('Bearer eyJh…');
    expect(redactHeader('content-type', 'application/json')).toBe('application/json');
  });

  it('keeps cookie names and attributes but not values', () => {
    expect(redactHeader('set-cookie', '__Host-consent=secretvalue; Path=/; HttpOnly')).toBe(
      '__Host-consent=secr…; Path=/; HttpOnly',
    );
    expect(redactHeader('cookie', 'a=12345678; b=abcdefgh')).toBe('a=1234…; b=abcd…');
  });

  it('redacts code, tokens, secrets and verifiers in form bodies and query strings', () => {
    expect(
      redactFormString(
        'grant_type=authorization_code&code=SplxlOBeZQ&code_verifier=dBjftJeZ4CVP&client_secret=s3cr3tvalue',
      ),
    ).toBe('grant_type=authorization_code&code=Splx…&code_verifier=dBjf…&client_secret=s3cr…');
    expect(redactUrl('http://127.0.0.1:1/cb?code=abcdef123&state=keepme')).toBe(
      'http://127.0.0.1:1/cb?code=abcd…&state=keepme',
    );
  });

  it('redacts secret keys at any depth of JSON', () => {
    expect(redactJson({ access_token: 'tokentoken', nested: [{ refresh_token: 'rtrtrtrt', scope: 'mcp' }] })).toEqual({
      access_token: 'toke…',
      nested: [{ refresh_token: 'rtrt…', scope: 'mcp' }],
    });
    expect(JSON.parse(redactBody('{"client_secret":"abcdefgh","client_id":"visible"}'))).toEqual({
      client_secret: 'abcd…',
      client_id: 'visible',
    });
  });

  it('leaves non-secret text untouched', () => {
    expect(redactBody('<html>hello</html>', 'text/html')).toBe('<html>hello</html>');
  });
});
