import { describe, expect, it } from 'vitest';
import { newPkce } from '../../../testkit/pkce.ts';
import {
  BASE,
  callMcp,
  createTestProxy,
  exchangeCode,
  obtainCode,
  postForm,
  registerClient,
  type Tokens,
} from '../support/test-proxy.ts';

async function errorOf(response: Response) {
  return { status: response.status, error: ((await response.json()) as { error: string }).error };
}

describe('the authorization code grant', () => {
  it('answers with Bearer tokens, no-store and Pragma no-cache', async () => {
    const t = await createTestProxy({ scopesSupported: ['mcp:read'] });
    const flow = await obtainCode(t, { authorize: { scope: 'mcp:read' } });
    const response = await exchangeCode(t, flow);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    const tokens = (await response.json()) as Tokens;
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'mcp:read' });
    expect(tokens.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokens.access_token).not.toContain('gho_upstream');
  });

  it('redeems a code once: the second redemption is invalid_grant', async () => {
    const t = await createTestProxy();
    const flow = await obtainCode(t);
    expect((await exchangeCode(t, flow)).status).toBe(200);
    expect(await errorOf(await exchangeCode(t, flow))).toEqual({ status: 400, error: 'invalid_grant' });
  });

  it('revokes the first tokens when the code is replayed with the correct verifier', async () => {
    const t = await createTestProxy();
    const flow = await obtainCode(t);
    const tokens = (await (await exchangeCode(t, flow)).json()) as Tokens;
    expect((await callMcp(t.proxy, tokens.access_token)).status).toBe(200);
    expect(await errorOf(await exchangeCode(t, flow))).toEqual({ status: 400, error: 'invalid_grant' });
    expect((await callMcp(t.proxy, tokens.access_token)).status).toBe(401);
    const refresh = await postForm(t.proxy, '/token', {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: flow.clientId,
    });
    expect(await errorOf(refresh)).toEqual({ status: 400, error: 'invalid_grant' });
    expect(t.upstream.calls.revoke).toHaveLength(1);
  });

  it('does not revoke anything when the code is replayed with a wrong verifier', async () => {
    const t = await createTestProxy();
    const flow = await obtainCode(t);
    const tokens = (await (await exchangeCode(t, flow)).json()) as Tokens;
    const replay = await exchangeCode(t, flow, { code_verifier: newPkce().verifier });
    expect(await errorOf(replay)).toEqual({ status: 400, error: 'invalid_grant' });
    expect((await callMcp(t.proxy, tokens.access_token)).status).toBe(200);
  });

  it('gives exactly one success to concurrent redemptions', async () => {
    const t = await createTestProxy();
    const flow = await obtainCode(t);
    const statuses = (await Promise.all(Array.from({ length: 5 }, () => exchangeCode(t, flow)))).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
  });

  it.each([
    ['a wrong verifier', () => ({ code_verifier: newPkce().verifier })],
    ['a missing verifier', () => ({ code_verifier: undefined })],
    ['a malformed verifier', () => ({ code_verifier: 'short' })],
    ['another registered redirect_uri', () => ({ redirect_uri: 'https://client.test/other' })],
  ])('refuses %s with invalid_grant and leaves the code usable', async (_name, change) => {
    const t = await createTestProxy();
    const { body } = await registerClient(t.proxy, {
      redirect_uris: ['https://client.test/callback', 'https://client.test/other'],
    });
    const flow = await obtainCode(t, { clientId: body.client_id });
    expect(await errorOf(await exchangeCode(t, flow, change()))).toEqual({ status: 400, error: 'invalid_grant' });
    expect((await exchangeCode(t, flow)).status).toBe(200);
  });

  it('accepts a token request without redirect_uri (OAuth 2.1 clients)', async () => {
    const t = await createTestProxy();
    const flow = await obtainCode(t);
    expect((await exchangeCode(t, flow, { redirect_uri: undefined })).status).toBe(200);
  });

  it('refuses a code issued to another client', async () => {
    const t = await createTestProxy();
    const flow = await obtainCode(t);
    const other = await registerClient(t.proxy);
    const response = await exchangeCode(t, flow, { client_id: other.body.client_id });
    expect(await errorOf(response)).toEqual({ status: 400, error: 'invalid_grant' });
  });

  it('refuses a resource other than the MCP server with invalid_target', async () => {
    const t = await createTestProxy();
    const flow = await obtainCode(t);
    const response = await exchangeCode(t, flow, { resource: 'https://other.test/mcp' });
    expect(await errorOf(response)).toEqual({ status: 400, error: 'invalid_target' });
  });
});

describe('the token endpoint’s request rules', () => {
  it.each([
    ['an unknown grant type', { grant_type: 'password' }, 'unsupported_grant_type'],
    ['client_credentials', { grant_type: 'client_credentials' }, 'unsupported_grant_type'],
    ['a missing grant type', { grant_type: undefined }, 'invalid_request'],
    ['a missing code', { grant_type: 'authorization_code', code: undefined }, 'invalid_request'],
  ])('refuses %s with %s', async (_name, change, error) => {
    const t = await createTestProxy();
    const { body } = await registerClient(t.proxy);
    const response = await postForm(t.proxy, '/token', { client_id: body.client_id, ...change });
    expect(await errorOf(response)).toEqual({ status: 400, error });
  });

  it('refuses a duplicated parameter with invalid_request', async () => {
    const t = await createTestProxy();
    const flow = await obtainCode(t);
    const body = `grant_type=authorization_code&code=${flow.code}&code=${flow.code}&code_verifier=${flow.verifier}&client_id=${flow.clientId}`;
    const response = await t.proxy.fetch(
      new Request(`${BASE}/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
      }),
    );
    expect(await errorOf(response)).toEqual({ status: 400, error: 'invalid_request' });
  });

  it.each([
    ['JSON', 'application/json', '{"grant_type":"authorization_code"}'],
    ['no content type', '', 'grant_type=authorization_code'],
    ['invalid UTF-8', 'application/x-www-form-urlencoded', new Uint8Array([0x67, 0x3d, 0xff, 0xfe])],
  ])('refuses %s with 400 invalid_request, never a 5xx', async (_name, contentType, body) => {
    const t = await createTestProxy();
    const headers: Record<string, string> = contentType ? { 'Content-Type': contentType } : {};
    const response = await t.proxy.fetch(new Request(`${BASE}/token`, { method: 'POST', headers, body }));
    expect(await errorOf(response)).toEqual({ status: 400, error: 'invalid_request' });
  });

  it('answers GET with 405', async () => {
    const t = await createTestProxy();
    expect((await t.proxy.fetch(new Request(`${BASE}/token`))).status).toBe(405);
  });
});

describe('dangerouslyPassUpstreamTokens', () => {
  it('hands out the upstream access token instead of the proxy JWT, and only when switched on', async () => {
    const on = await createTestProxy({ dangerouslyPassUpstreamTokens: true });
    const passed = (await (await exchangeCode(on, await obtainCode(on))).json()) as Tokens;
    expect(passed.access_token).toBe('gho_upstream_access_1');
    const off = await createTestProxy();
    const own = (await (await exchangeCode(off, await obtainCode(off))).json()) as Tokens;
    expect(own.access_token.split('.')).toHaveLength(3);
  });
});
