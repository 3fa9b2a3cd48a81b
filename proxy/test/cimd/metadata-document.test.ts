// What makes a client_id a usable metadata document URL, and a fetched document a usable client (pure rules).
import { describe, expect, it } from 'vitest';
import { OAuthError } from '../../errors.ts';
import { assertDocumentUrl, isUrlClientId, validateMetadataDocument } from '../../clients/metadata-document.ts';

const ID = 'https://app.example.com/oauth/client-metadata.json';
const POLICY = { allowlist: [], ownCallback: new URL('https://proxy.test/auth/callback'), scopesSupported: [] };
const DOC = {
  client_id: ID,
  client_name: 'Example MCP Client',
  client_uri: 'https://app.example.com',
  redirect_uris: ['http://127.0.0.1:3000/callback', 'http://localhost:3000/callback'],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
};
const PUBLIC_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
  y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
};

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).error).toBe('invalid_client');
    return (error as OAuthError).errorDescription ?? '';
  }
  throw new Error('not refused');
}

describe('client_id URLs (draft §3)', () => {
  it.each([ID, 'https://example.com/c', 'https://example.com:8443/client.json', 'https://example.com/c?v=1'])(
    'accepts %s',
    (id) => {
      expect(assertDocumentUrl(id).href).toBe(id);
    },
  );

  it.each([
    ['http://example.com/client.json', 'https scheme'],
    ['https://example.com', 'path component'],
    ['https://example.com/', 'path component'],
    ['https://example.com/a/./client.json', "'.' or '..'"],
    ['https://example.com/a/../client.json', "'.' or '..'"],
    ['https://example.com/a/%2e%2E/client.json', "'.' or '..'"],
    ['https://example.com/client.json#frag', 'fragment'],
    ['https://user@example.com/client.json', 'username or password'],
    ['https://user:pw@example.com/client.json', 'username or password'],
    ['https://2130706433/client.json', 'canonical form (https://127.0.0.1/client.json)'],
    ['https://0x7f000001/client.json', 'canonical form'],
    ['https://0177.0.0.1/client.json', 'canonical form'],
    ['https://127.1/client.json', 'canonical form'],
    ['https://EXAMPLE.com/client.json', 'canonical form'],
    ['https://example.com:443/client.json', 'canonical form'],
    ['https://example.com/a b', 'canonical form'],
    [`https://example.com/${'a'.repeat(2100)}`, 'longer than 2048'],
  ])('refuses %s (%s)', (id, why) => {
    expect(refusal(() => assertDocumentUrl(id))).toContain(why);
  });

  it('tells URL client_ids from registered ones', () => {
    expect(isUrlClientId('https://example.com/c')).toBe(true);
    expect(isUrlClientId('HTTP://example.com/c')).toBe(true);
    expect(isUrlClientId('Xh3kq_-abc')).toBe(false);
  });
});

describe('metadata documents (MCP 2026-07-28, draft §4.1)', () => {
  it('turns the MCP example document into a public native client', () => {
    const client = validateMetadataDocument(ID, DOC, POLICY, 1000);
    expect(client).toMatchObject({
      client_id: ID,
      client_id_issued_at: 1000,
      client_name: 'Example MCP Client',
      redirect_uris: DOC.redirect_uris,
      token_endpoint_auth_method: 'none',
      application_type: 'native',
      metadata_document: true,
    });
    expect(client).not.toHaveProperty('jwks');
  });

  it('takes a missing token_endpoint_auth_method as none', () => {
    const { token_endpoint_auth_method: _, ...rest } = DOC;
    expect(validateMetadataDocument(ID, rest, POLICY, 0).token_endpoint_auth_method).toBe('none');
  });

  it.each([
    ['a different client_id', { client_id: `${ID}?x` }, 'does not match its URL'],
    ['a client_id differing in case', { client_id: ID.toUpperCase() }, 'does not match its URL'],
    ['no client_id', { client_id: undefined }, 'does not match its URL'],
    ['no client_name', { client_name: undefined }, 'must contain client_name'],
    ['an empty client_name', { client_name: ' ' }, 'must contain client_name'],
    ['no redirect_uris', { redirect_uris: undefined }, 'must contain redirect_uris'],
    ['empty redirect_uris', { redirect_uris: [] }, 'redirect_uris must be a non-empty array'],
    ['an http redirect URI', { redirect_uris: ['http://evil.example/cb'] }, 'http is allowed only for loopback'],
    ['a fragment', { redirect_uris: ['https://app.example.com/cb#x'] }, 'fragment'],
    ['the proxy callback', { redirect_uris: ['https://proxy.test/auth/callback'] }, "proxy's own upstream callback"],
    ['client_secret', { client_secret: 'shh' }, 'must not contain client_secret'],
    ['client_secret_expires_at', { client_secret_expires_at: 0 }, 'must not contain client_secret'],
    ['client_secret_basic', { token_endpoint_auth_method: 'client_secret_basic' }, 'needs a shared secret'],
    ['client_secret_post', { token_endpoint_auth_method: 'client_secret_post' }, 'needs a shared secret'],
    ['client_secret_jwt', { token_endpoint_auth_method: 'client_secret_jwt' }, 'needs a shared secret'],
    ['tls_client_auth', { token_endpoint_auth_method: 'tls_client_auth' }, 'must be one of none, private_key_jwt'],
    ['web with loopback', { application_type: 'web' }, 'application_type web'],
    ['private_key_jwt without keys', { token_endpoint_auth_method: 'private_key_jwt' }, 'needs jwks or jwks_uri'],
    [
      'a private key',
      { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ ...PUBLIC_JWK, d: 'secret' }] } },
      'public keys only',
    ],
    [
      'a symmetric key',
      { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } },
      'EC, OKP or RSA',
    ],
    [
      'jwks and jwks_uri',
      { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [PUBLIC_JWK] }, jwks_uri: 'https://a/j' },
      'jwks and jwks_uri must not both be present',
    ],
  ])('refuses a document with %s', (_what, change, why) => {
    expect(refusal(() => validateMetadataDocument(ID, { ...DOC, ...change }, POLICY, 0))).toContain(why);
  });

  it.each([null, [], 'text', 42])('refuses %j as a document', (document) => {
    expect(refusal(() => validateMetadataDocument(ID, document, POLICY, 0))).toContain('must be a JSON object');
  });

  it('keeps the public keys of a private_key_jwt client, inline or fetched from jwks_uri', () => {
    const inline = validateMetadataDocument(
      ID,
      { ...DOC, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [PUBLIC_JWK] } },
      POLICY,
      0,
    );
    expect(inline.jwks).toEqual({ keys: [PUBLIC_JWK] });
    const fetched = validateMetadataDocument(
      ID,
      { ...DOC, token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://app.example.com/jwks.json' },
      POLICY,
      0,
      { keys: [PUBLIC_JWK] },
    );
    expect(fetched).toMatchObject({ jwks: { keys: [PUBLIC_JWK] }, jwks_uri: 'https://app.example.com/jwks.json' });
  });
});
