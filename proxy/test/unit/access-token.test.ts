import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import type { JsonWebKeyWithKid } from '../../options/proxy-options.ts';
import { AccessTokenInvalid, signAccessToken, verifyAccessToken } from '../../tokens/access-token.ts';
import { loadSigningKeys } from '../../tokens/signing-keys.ts';

const input = {
  issuer: 'https://p.test',
  resource: 'https://p.test/mcp',
  sub: 'u1',
  clientId: 'c1',
  scopes: ['read'],
  grantId: 'g1',
  ttlSeconds: 600,
  now: Math.floor(Date.now() / 1000),
};
const now = input.now;

function jwk(type: 'ec' | 'ed25519', kid: string): JsonWebKeyWithKid {
  const { privateKey } =
    type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  return { ...privateKey.export({ format: 'jwk' }), kid } as JsonWebKeyWithKid;
}

describe('RFC 9068 access tokens', () => {
  it('carries typ at+jwt and the profile claims', async () => {
    const keys = await loadSigningKeys({ kind: 'secret', secret: 's'.repeat(32) });
    const token = await signAccessToken(keys, input);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: input.issuer,
      sub: 'u1',
      aud: input.resource,
      client_id: 'c1',
      scope: 'read',
      gid: 'g1',
    });
    expect(claims.exp! - claims.iat!).toBe(600);
    expect(typeof claims.jti).toBe('string');
  });

  it.each([
    ['ES256', 'ec'],
    ['EdDSA', 'ed25519'],
  ] as const)('signs with %s, the first key, kid in the header; verifies with any listed key', async (alg, type) => {
    const first = jwk(type, 'new');
    const second = jwk('ec', 'old');
    const keys = await loadSigningKeys({ kind: 'jwks', keys: [first, second] });
    const token = await signAccessToken(keys, input);
    expect(decodeProtectedHeader(token)).toEqual({ alg, typ: 'at+jwt', kid: 'new' });
    expect(verifyAccessToken(keys, token, input, now)).toMatchObject({ sub: 'u1' });
    expect(JSON.stringify(keys.publicJwks)).not.toContain('"d"');
    const oldOnly = await loadSigningKeys({ kind: 'jwks', keys: [second] });
    const oldToken = await signAccessToken(oldOnly, input);
    expect(verifyAccessToken(keys, oldToken, input, now)).toMatchObject({ gid: 'g1' });
  });

  it('refuses a token signed by a key it does not know', async () => {
    const keys = await loadSigningKeys({ kind: 'jwks', keys: [jwk('ec', 'a')] });
    const stranger = await loadSigningKeys({ kind: 'jwks', keys: [jwk('ec', 'a')] });
    const token = await signAccessToken(stranger, input);
    expect(() => verifyAccessToken(keys, token, input, now)).toThrow(AccessTokenInvalid);
  });

  it('refuses an HS256 token when configured for asymmetric keys (no algorithm confusion)', async () => {
    const keys = await loadSigningKeys({ kind: 'jwks', keys: [jwk('ec', 'a')] });
    const hs = await loadSigningKeys({ kind: 'secret', secret: 's'.repeat(32) });
    const token = await signAccessToken(hs, input);
    expect(() => verifyAccessToken(keys, token, input, now)).toThrow(AccessTokenInvalid);
  });

  it('refuses RSA keys and public-only first keys with a clear error', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsa = { ...privateKey.export({ format: 'jwk' }), kid: 'r' } as JsonWebKeyWithKid;
    await expect(loadSigningKeys({ kind: 'jwks', keys: [rsa] })).rejects.toThrow(/EC P-256|Ed25519/);
    const { d: _d, ...publicOnly } = jwk('ec', 'p');
    await expect(loadSigningKeys({ kind: 'jwks', keys: [publicOnly as JsonWebKeyWithKid] })).rejects.toThrow(
      /first key signs/,
    );
  });
});

describe('the remembered signature checks', () => {
  it('still checks every claim of a token it verified before: expiry, issuer and audience', async () => {
    const keys = await loadSigningKeys({ kind: 'secret', secret: 's'.repeat(32) });
    const token = await signAccessToken(keys, input);
    const expected = { issuer: input.issuer, resource: input.resource };
    expect(verifyAccessToken(keys, token, expected, now).gid).toBe('g1');
    expect(verifyAccessToken(keys, token, expected, now).gid).toBe('g1');
    expect(() => verifyAccessToken(keys, token, expected, now + 600 + 60)).toThrow(AccessTokenInvalid);
    expect(() => verifyAccessToken(keys, token, { ...expected, issuer: 'https://other.test' }, now)).toThrow(
      AccessTokenInvalid,
    );
    expect(() => verifyAccessToken(keys, token, { ...expected, resource: 'https://p.test/other' }, now)).toThrow(
      AccessTokenInvalid,
    );
  });

  it('are per set of keys: a token verified under one key is refused under another', async () => {
    const a = await loadSigningKeys({ kind: 'secret', secret: 'a'.repeat(32) });
    const b = await loadSigningKeys({ kind: 'secret', secret: 'b'.repeat(32) });
    const token = await signAccessToken(a, input);
    const expected = { issuer: input.issuer, resource: input.resource };
    expect(verifyAccessToken(a, token, expected, now).sub).toBe('u1');
    expect(() => verifyAccessToken(b, token, expected, now)).toThrow(AccessTokenInvalid);
  });
});
