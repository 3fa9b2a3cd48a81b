import { createHmac, generateKeyPairSync } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { describe, expect, it } from 'vitest';
import { deriveKey } from '../../crypto/hmac.ts';
import type { JsonWebKeyWithKid } from '../../options/proxy-options.ts';
import { AccessTokenInvalid, verifyAccessToken } from '../../tokens/access-token.ts';
import { loadSigningKeys } from '../../tokens/signing-keys.ts';

const expected = { issuer: 'https://p.test', resource: 'https://p.test/mcp' };
const now = 1_900_000_000;
const claims: JWTPayload = {
  iss: expected.issuer,
  aud: expected.resource,
  sub: 'u1',
  client_id: 'c1',
  scope: 'read',
  jti: 'j1',
  gid: 'g1',
  iat: now,
  exp: now + 600,
};
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function hsKeys() {
  return loadSigningKeys({ kind: 'secret', secret: 'x'.repeat(40) });
}

/** Signs arbitrary header/claims with the proxy's own HS256 signer, to probe each rule in isolation. */
async function sign(header: Record<string, unknown>, payload: JWTPayload = claims): Promise<string> {
  const keys = await hsKeys();
  return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', ...header }).sign(keys.signer.keyObject);
}

/** HMAC by hand, for headers jose refuses to produce (e.g. an unknown critical extension). */
function signByHand(header: Record<string, unknown>): string {
  const input = `${b64(header)}.${b64(claims)}`;
  const mac = createHmac('sha256', deriveKey('x'.repeat(40), 'access-token-hs256'))
    .update(input)
    .digest('base64url');
  return `${input}.${mac}`;
}

describe('access token verification (the bearer hot path)', () => {
  it('accepts a well-formed token and returns its claims', async () => {
    const token = await sign({ typ: 'at+jwt' });
    expect(verifyAccessToken(await hsKeys(), token, expected, now)).toMatchObject({
      gid: 'g1',
      sub: 'u1',
    });
  });

  it('accepts typ application/at+jwt and an audience array containing the resource (RFC 9068 §4)', async () => {
    const token = await sign({ typ: 'application/at+jwt' }, { ...claims, aud: ['https://other', expected.resource] });
    expect(verifyAccessToken(await hsKeys(), token, expected, now)).toMatchObject({ jti: 'j1' });
  });

  it.each([
    ['an unsigned token (alg none)', async () => `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`],
    [
      'a tampered payload',
      async () => {
        const [h, , s] = (await sign({ typ: 'at+jwt' })).split('.');
        return `${h}.${b64({ ...claims, sub: 'admin' })}.${s}`;
      },
    ],
    ['a truncated signature', async () => (await sign({ typ: 'at+jwt' })).slice(0, -4)],
    ['a crit header', async () => signByHand({ alg: 'HS256', typ: 'at+jwt', crit: ['x-ext'], 'x-ext': 1 })],
    ['a missing typ (an ID token or other JWT)', async () => sign({})],
    ['an expired token', async () => sign({ typ: 'at+jwt' }, { ...claims, exp: now - 60 })],
    ['a token issued in the future', async () => sign({ typ: 'at+jwt' }, { ...claims, iat: now + 600 })],
    ['a token not valid before later', async () => sign({ typ: 'at+jwt' }, { ...claims, nbf: now + 600 })],
    ['another audience', async () => sign({ typ: 'at+jwt' }, { ...claims, aud: 'https://p.test/other' })],
    ['another issuer', async () => sign({ typ: 'at+jwt' }, { ...claims, iss: 'https://p.test/' })],
    ['no grant id', async () => sign({ typ: 'at+jwt' }, { ...claims, gid: undefined })],
    ['a kid the proxy does not have', async () => sign({ typ: 'at+jwt', kid: 'other' })],
    ['four parts', async () => `${await sign({ typ: 'at+jwt' })}.x`],
    ['a header that is not JSON', async () => `bm90IGpzb24.${b64(claims)}.c2ln`],
    ['an oversized token', async () => `${'a'.repeat(9000)}.b.c`],
  ])('refuses %s', async (_name, make) => {
    const [keys, token] = [await hsKeys(), await make()];
    expect(() => verifyAccessToken(keys, token, expected, now)).toThrow(AccessTokenInvalid);
  });

  it('refuses an ES256 token whose signature is in DER instead of the JWS format', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'k' } as JsonWebKeyWithKid;
    const keys = loadSigningKeys({ kind: 'jwks', keys: [jwk] });
    const good = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'k', typ: 'at+jwt' })
      .sign(keys.signer.keyObject);
    expect(verifyAccessToken(keys, good, expected, now)).toMatchObject({ sub: 'u1' });
    const [h, p] = good.split('.');
    const { sign: nodeSign } = await import('node:crypto');
    const der = nodeSign('sha256', Buffer.from(`${h}.${p}`), privateKey).toString('base64url');
    expect(() => verifyAccessToken(keys, `${h}.${p}.${der}`, expected, now)).toThrow(AccessTokenInvalid);
  });
});
