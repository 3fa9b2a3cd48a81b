import { generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
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
  it('carries typ at+jwt and the profile claims', () => {
    const keys = loadSigningKeys({ kind: 'secret', secret: 's'.repeat(32) });
    const token = signAccessToken(keys, input);
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
  ] as const)('signs with %s, the first key, kid in the header; verifies with any listed key', (alg, type) => {
    const first = jwk(type, 'new');
    const second = jwk('ec', 'old');
    const keys = loadSigningKeys({ kind: 'jwks', keys: [first, second] });
    const token = signAccessToken(keys, input);
    expect(decodeProtectedHeader(token)).toEqual({ alg, typ: 'at+jwt', kid: 'new' });
    expect(verifyAccessToken(keys, token, input, now)).toMatchObject({ sub: 'u1' });
    expect(JSON.stringify(keys.publicJwks)).not.toContain('"d"');
    const oldOnly = loadSigningKeys({ kind: 'jwks', keys: [second] });
    const oldToken = signAccessToken(oldOnly, input);
    expect(verifyAccessToken(keys, oldToken, input, now)).toMatchObject({ gid: 'g1' });
  });

  it('refuses a token signed by a key it does not know', () => {
    const keys = loadSigningKeys({ kind: 'jwks', keys: [jwk('ec', 'a')] });
    const stranger = loadSigningKeys({ kind: 'jwks', keys: [jwk('ec', 'a')] });
    const token = signAccessToken(stranger, input);
    expect(() => verifyAccessToken(keys, token, input, now)).toThrow(AccessTokenInvalid);
  });

  it('refuses an HS256 token when configured for asymmetric keys (no algorithm confusion)', () => {
    const keys = loadSigningKeys({ kind: 'jwks', keys: [jwk('ec', 'a')] });
    const hs = loadSigningKeys({ kind: 'secret', secret: 's'.repeat(32) });
    const token = signAccessToken(hs, input);
    expect(() => verifyAccessToken(keys, token, input, now)).toThrow(AccessTokenInvalid);
  });

  it('refuses RSA keys and public-only first keys with a clear error', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsa = { ...privateKey.export({ format: 'jwk' }), kid: 'r' } as JsonWebKeyWithKid;
    expect(() => loadSigningKeys({ kind: 'jwks', keys: [rsa] })).toThrow(/EC P-256|Ed25519/);
    const { d: _d, ...publicOnly } = jwk('ec', 'p');
    expect(() => loadSigningKeys({ kind: 'jwks', keys: [publicOnly as JsonWebKeyWithKid] })).toThrow(/first key signs/);
  });
});

describe('the signatures, checked by an independent implementation (jose)', () => {
  it('HS256 verifies under the derived secret', async () => {
    const keys = loadSigningKeys({ kind: 'secret', secret: 's'.repeat(32) });
    const token = signAccessToken(keys, input);
    const options = { issuer: input.issuer, audience: input.resource, typ: 'at+jwt', algorithms: ['HS256'] };
    await expect(jwtVerify(token, keys.verifiers.get('')!.keyObject, options)).resolves.toMatchObject({
      payload: { gid: 'g1' },
    });
  });

  it.each([
    ['ES256', 'ec'],
    ['EdDSA', 'ed25519'],
  ] as const)('%s verifies against the published JWKS (the signature in JWS form, not DER)', async (alg, type) => {
    const keys = loadSigningKeys({ kind: 'jwks', keys: [jwk(type, 'k1')] });
    const token = signAccessToken(keys, input);
    const jwks = createLocalJWKSet(keys.publicJwks!);
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: input.issuer,
      audience: input.resource,
      typ: 'at+jwt',
    });
    expect(protectedHeader).toEqual({ alg, typ: 'at+jwt', kid: 'k1' });
    expect(payload).toMatchObject({ sub: 'u1', client_id: 'c1', scope: 'read', gid: 'g1' });
  });
});

describe('the remembered signature checks', () => {
  it('still checks every claim of a token it verified before: expiry, issuer and audience', () => {
    const keys = loadSigningKeys({ kind: 'secret', secret: 's'.repeat(32) });
    const token = signAccessToken(keys, input);
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

  it('are per set of keys: a token verified under one key is refused under another', () => {
    const a = loadSigningKeys({ kind: 'secret', secret: 'a'.repeat(32) });
    const b = loadSigningKeys({ kind: 'secret', secret: 'b'.repeat(32) });
    const token = signAccessToken(a, input);
    const expected = { issuer: input.issuer, resource: input.resource };
    expect(verifyAccessToken(a, token, expected, now).sub).toBe('u1');
    expect(() => verifyAccessToken(b, token, expected, now)).toThrow(AccessTokenInvalid);
  });
});
