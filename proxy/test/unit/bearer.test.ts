import { Hono } from 'hono';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deriveKey } from '../../crypto/hmac.ts';
import type { ProxyEnv } from '../../app.ts';
import { BASE, callMcp, createTestProxy, obtainTokens, postForm, SIGNING_SECRET } from '../support/test-proxy.ts';

const PRM = `resource_metadata="${BASE}/.well-known/oauth-protected-resource/mcp"`;

afterEach(() => {
  vi.useRealTimers();
});

/** A token signed with the proxy's real key but with chosen claims, to test claim checks in isolation. */
async function forge(claims: Record<string, unknown>, typ = 'at+jwt'): Promise<string> {
  const key = new Uint8Array(deriveKey(SIGNING_SECRET, 'access-token-hs256'));
  return new SignJWT({ client_id: 'c', scope: '', gid: 'g', ...claims })
    .setProtectedHeader({ alg: 'HS256', typ })
    .setIssuer((claims.iss as string) ?? BASE)
    .setSubject('1001')
    .setAudience((claims.aud as string) ?? `${BASE}/mcp`)
    .setJti('j')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key);
}

describe('the bearer check on the MCP endpoint', () => {
  it('answers a request without a token with 401 and the resource metadata challenge, no error code', async () => {
    const { proxy } = await createTestProxy({ scopesSupported: [] });
    const response = await callMcp(proxy, undefined);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer ${PRM}`);
  });

  it('names what basic access needs in the challenge: the default scopes, not every offered one', async () => {
    const { proxy } = await createTestProxy();
    const response = await callMcp(proxy, undefined);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer ${PRM}, scope="mcp:tools"`);
  });

  it('adds the scope to the challenge when scopes are configured, without offline_access', async () => {
    const { proxy } = await createTestProxy({ scopesSupported: ['mcp:read', 'offline_access'] });
    const response = await callMcp(proxy, undefined);
    expect(response.headers.get('www-authenticate')).toBe(`Bearer ${PRM}, scope="mcp:read"`);
  });

  it('lets a valid token through and hands the AuthInfo to the handler', async () => {
    const t = await createTestProxy();
    const { flow, tokens } = await obtainTokens(t);
    const response = await callMcp(t.proxy, tokens.access_token);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ sub: '1001', clientId: flow.clientId, user: { name: 'Alice' } });
  });

  it('refuses a token in the query string with 401 invalid_request even when it is valid', async () => {
    const t = await createTestProxy();
    const { tokens } = await obtainTokens(t);
    const response = await t.proxy.fetch(new Request(`${BASE}/mcp?access_token=${tokens.access_token}`));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_request"');
  });

  it('refuses a token in a form body with 401 invalid_request', async () => {
    const t = await createTestProxy();
    const { tokens } = await obtainTokens(t);
    const response = await postForm(t.proxy, '/mcp', { access_token: tokens.access_token });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_request"');
  });

  it.each([
    ['garbage', async () => 'not-a-jwt'],
    ['an upstream IdP token', async () => 'gho_upstream_access_1'],
    ['a wrong audience', () => forge({ aud: 'https://other.test/mcp' })],
    ['a wrong issuer', () => forge({ iss: 'https://other.test' })],
    ['a wrong typ', () => forge({}, 'JWT')],
    ['an unknown grant', () => forge({})],
  ])('refuses %s with 401 invalid_token', async (_name, token) => {
    const t = await createTestProxy();
    const response = await callMcp(t.proxy, await token());
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token", .*resource_metadata=/);
  });

  it('refuses a tampered signature', async () => {
    const t = await createTestProxy();
    const { tokens } = await obtainTokens(t);
    const [h, p, s] = tokens.access_token.split('.');
    const tampered = `${h}.${p}.${s!.startsWith('A') ? 'B' : 'A'}${s!.slice(1)}`;
    expect((await callMcp(t.proxy, tampered)).status).toBe(401);
  });

  it('refuses an expired token', async () => {
    const t = await createTestProxy({ accessTokenTtlSeconds: 60 });
    const { tokens } = await obtainTokens(t);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 120_000);
    const response = await callMcp(t.proxy, tokens.access_token);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('refuses a token after its grant is revoked by access-token revocation', async () => {
    const t = await createTestProxy();
    const { flow, tokens } = await obtainTokens(t);
    const revoked = await postForm(t.proxy, '/revoke', { token: tokens.access_token, client_id: flow.clientId });
    expect(revoked.status).toBe(200);
    expect((await callMcp(t.proxy, tokens.access_token)).status).toBe(401);
  });

  it('works as middleware in an embedder’s own Hono app', async () => {
    const t = await createTestProxy();
    const { tokens } = await obtainTokens(t);
    const app = new Hono<ProxyEnv>();
    app.get('/tools', t.proxy.requireBearer, (c) => c.json({ user: c.get('auth').user.login }));
    expect((await app.request('/tools')).status).toBe(401);
    const ok = await app.request('/tools', { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect(await ok.json()).toEqual({ user: 'alice' });
  });

  it('gives the handler the upstream tokens on demand, refreshed when near expiry', async () => {
    const t = await createTestProxy();
    t.upstream.accessTokenTtl = 30;
    const { tokens } = await obtainTokens(t);
    const auth = await t.proxy.verifyBearer(
      new Request(`${BASE}/mcp`, { headers: { Authorization: `Bearer ${tokens.access_token}` } }),
    );
    const upstream = await auth.upstreamTokens();
    expect(upstream.accessToken).toBe('gho_upstream_access_2');
    expect(t.upstream.calls.refresh).toHaveLength(1);
  });
});

describe('revocation (RFC 7009)', () => {
  it('answers 200 for an unknown token', async () => {
    const t = await createTestProxy();
    const { flow } = await obtainTokens(t);
    const response = await postForm(t.proxy, '/revoke', { token: 'unknown', client_id: flow.clientId });
    expect(response.status).toBe(200);
  });

  it('does not revoke another client’s token, and still answers 200', async () => {
    const t = await createTestProxy();
    const a = await obtainTokens(t);
    const b = await obtainTokens(t);
    const response = await postForm(t.proxy, '/revoke', { token: a.tokens.refresh_token, client_id: b.flow.clientId });
    expect(response.status).toBe(200);
    expect((await callMcp(t.proxy, a.tokens.access_token)).status).toBe(200);
  });

  it('revokes by refresh token whatever the token_type_hint says, and revokes upstream', async () => {
    const t = await createTestProxy();
    const { flow, tokens } = await obtainTokens(t);
    const response = await postForm(t.proxy, '/revoke', {
      token: tokens.refresh_token,
      token_type_hint: 'access_token',
      client_id: flow.clientId,
    });
    expect(response.status).toBe(200);
    expect((await callMcp(t.proxy, tokens.access_token)).status).toBe(401);
    expect(t.upstream.calls.revoke).toEqual([expect.objectContaining({ accessToken: 'gho_upstream_access_1' })]);
  });

  it('requires client authentication', async () => {
    const t = await createTestProxy();
    const { tokens } = await obtainTokens(t);
    const response = await postForm(t.proxy, '/revoke', { token: tokens.refresh_token });
    expect(response.status).toBe(401);
    expect((await callMcp(t.proxy, tokens.access_token)).status).toBe(200);
  });
});
