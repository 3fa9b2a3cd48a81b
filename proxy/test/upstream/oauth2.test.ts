// The generic OAuth 2 provider from explicit endpoints: RFC 6749 code flow with RFC 7636 PKCE, refresh, RFC 7009.
import { delay, http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createUpstream } from '../../upstream/create-upstream.ts';
import type { UpstreamConfig } from '../../upstream/types.ts';
import { CLIENT, CLIENT_BASIC, FLOW, recorder, rejection, useHermeticServer } from './support.ts';

const server = useHermeticServer();

const IDP = 'https://idp.example.com';
const config: UpstreamConfig = {
  provider: 'oauth2',
  ...CLIENT,
  scopes: ['read', 'profile'],
  authorizationEndpoint: `${IDP}/oauth/authorize?tenant=t1`,
  tokenEndpoint: `${IDP}/oauth/token`,
  userinfoEndpoint: `${IDP}/api/me`,
  revocationEndpoint: `${IDP}/oauth/revoke`,
  timeoutMs: 200,
};

describe('RFC 6749 §4.1.1 authorization request', () => {
  it('carries response_type, client_id, the fixed callback, space-joined scopes, state and an S256 challenge', async () => {
    const upstream = await createUpstream(config);
    const url = upstream.authorizationUrl(FLOW);
    expect(url.origin + url.pathname).toBe(`${IDP}/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      tenant: 't1',
      response_type: 'code',
      client_id: CLIENT.clientId,
      redirect_uri: FLOW.redirectUri,
      scope: 'read profile',
      state: FLOW.state,
      code_challenge: FLOW.codeChallenge,
      code_challenge_method: 'S256',
    });
  });

  it('sends no scope parameter when no scopes are configured', async () => {
    const upstream = await createUpstream({ ...config, scopes: [] });
    expect(upstream.authorizationUrl(FLOW).searchParams.has('scope')).toBe(false);
  });
});

describe('RFC 6749 §4.1.3 code exchange', () => {
  it('authenticates with client_secret_basic by default and sends the PKCE verifier', async () => {
    const { seen, record } = recorder();
    server.use(
      http.post(`${IDP}/oauth/token`, async ({ request }) => {
        await record(request);
        return HttpResponse.json({
          access_token: 'at-1',
          token_type: 'Bearer',
          expires_in: 3600,
          refresh_token: 'rt-1',
        });
      }),
    );
    const upstream = await createUpstream(config);
    const tokens = await upstream.exchangeCode({
      code: 'code-1',
      codeVerifier: FLOW.codeVerifier,
      redirectUri: FLOW.redirectUri,
    });
    expect(tokens).toMatchObject({ accessToken: 'at-1', tokenType: 'Bearer', refreshToken: 'rt-1' });
    expect(seen).toHaveLength(1);
    const [req] = seen;
    expect(req!.headers.get('authorization')).toBe(CLIENT_BASIC);
    expect(req!.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(req!.headers.get('accept')).toBe('application/json');
    expect(Object.fromEntries(req!.form)).toEqual({
      grant_type: 'authorization_code',
      code: 'code-1',
      redirect_uri: FLOW.redirectUri,
      code_verifier: FLOW.codeVerifier,
    });
  });

  it('puts the credentials in the body when configured for client_secret_post', async () => {
    const { seen, record } = recorder();
    server.use(
      http.post(`${IDP}/oauth/token`, async ({ request }) => {
        await record(request);
        return HttpResponse.json({ access_token: 'at-1', token_type: 'Bearer' });
      }),
    );
    const upstream = await createUpstream({ ...config, tokenEndpointAuthMethod: 'client_secret_post' });
    await upstream.exchangeCode({ code: 'c', codeVerifier: FLOW.codeVerifier, redirectUri: FLOW.redirectUri });
    expect(seen[0]!.headers.has('authorization')).toBe(false);
    expect(seen[0]!.form.get('client_id')).toBe(CLIENT.clientId);
    expect(seen[0]!.form.get('client_secret')).toBe(CLIENT.clientSecret);
  });

  it.each([
    ['a 500', () => HttpResponse.json({ error: 'server_error' }, { status: 500 }), 'unavailable'],
    [
      'garbage',
      () => HttpResponse.text('<html>oops</html>', { headers: { 'content-type': 'text/html' } }),
      'bad_response',
    ],
    ['invalid_grant in a 400', () => HttpResponse.json({ error: 'invalid_grant' }, { status: 400 }), 'invalid_grant'],
    ['invalid_client in a 401', () => HttpResponse.json({ error: 'invalid_client' }, { status: 401 }), 'misconfigured'],
    ['a 200 without access_token', () => HttpResponse.json({ token_type: 'Bearer' }), 'bad_response'],
  ])('maps %s to %s', async (_label, resolver, kind) => {
    server.use(http.post(`${IDP}/oauth/token`, resolver));
    const upstream = await createUpstream(config);
    const err = await rejection(() =>
      upstream.exchangeCode({ code: 'c', codeVerifier: FLOW.codeVerifier, redirectUri: FLOW.redirectUri }),
    );
    expect(err.kind).toBe(kind);
  });

  it('maps a token endpoint slower than timeoutMs (200 ms) to unavailable', async () => {
    server.use(
      http.post(`${IDP}/oauth/token`, async () => {
        await delay(1000);
        return HttpResponse.json({ access_token: 'late' });
      }),
    );
    const upstream = await createUpstream(config);
    const err = await rejection(() =>
      upstream.exchangeCode({ code: 'c', codeVerifier: FLOW.codeVerifier, redirectUri: FLOW.redirectUri }),
    );
    expect(err.kind).toBe('unavailable');
  });
});

describe('RFC 6749 §6 refresh', () => {
  it('sends grant_type=refresh_token without scope and keeps the old refresh token when none is returned', async () => {
    const { seen, record } = recorder();
    server.use(
      http.post(`${IDP}/oauth/token`, async ({ request }) => {
        await record(request);
        return HttpResponse.json({ access_token: 'at-2', token_type: 'Bearer', expires_in: 60 });
      }),
    );
    const upstream = await createUpstream(config);
    const tokens = await upstream.refresh!('rt-1');
    expect(tokens).toMatchObject({ accessToken: 'at-2', refreshToken: 'rt-1' });
    expect(Object.fromEntries(seen[0]!.form)).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt-1' });
    expect(seen[0]!.headers.get('authorization')).toBe(CLIENT_BASIC);
  });

  it('takes the rotated refresh token when the IdP issues one', async () => {
    server.use(
      http.post(`${IDP}/oauth/token`, () => HttpResponse.json({ access_token: 'at-2', refresh_token: 'rt-2' })),
    );
    const upstream = await createUpstream(config);
    expect((await upstream.refresh!('rt-1')).refreshToken).toBe('rt-2');
  });
});

describe('RFC 7009 revocation', () => {
  it('revokes the refresh token with a hint and client authentication', async () => {
    const { seen, record } = recorder();
    server.use(
      http.post(`${IDP}/oauth/revoke`, async ({ request }) => {
        await record(request);
        return new HttpResponse(null, { status: 200 });
      }),
    );
    const upstream = await createUpstream(config);
    await upstream.revoke!({ accessToken: 'at-1', tokenType: 'Bearer', refreshToken: 'rt-1' });
    expect(Object.fromEntries(seen[0]!.form)).toEqual({ token: 'rt-1', token_type_hint: 'refresh_token' });
    expect(seen[0]!.headers.get('authorization')).toBe(CLIENT_BASIC);
  });

  it('revokes the access token when there is no refresh token', async () => {
    const { seen, record } = recorder();
    server.use(
      http.post(`${IDP}/oauth/revoke`, async ({ request }) => {
        await record(request);
        return new HttpResponse(null, { status: 200 });
      }),
    );
    const upstream = await createUpstream(config);
    await upstream.revoke!({ accessToken: 'at-1', tokenType: 'Bearer' });
    expect(Object.fromEntries(seen[0]!.form)).toEqual({ token: 'at-1', token_type_hint: 'access_token' });
  });

  it('maps unsupported_token_type to misconfigured', async () => {
    server.use(
      http.post(`${IDP}/oauth/revoke`, () => HttpResponse.json({ error: 'unsupported_token_type' }, { status: 400 })),
    );
    const upstream = await createUpstream(config);
    const err = await rejection(() => upstream.revoke!({ accessToken: 'at', tokenType: 'Bearer' }));
    expect(err.kind).toBe('misconfigured');
  });

  it('has no revoke without a revocation endpoint', async () => {
    const { revocationEndpoint: _omitted, ...withoutRevocation } = config;
    const upstream = await createUpstream(withoutRevocation);
    expect(upstream.revoke).toBeUndefined();
  });
});

describe('userinfo', () => {
  it('GETs the userinfo endpoint with the Bearer token and maps a numeric id to sub', async () => {
    const { seen, record } = recorder();
    server.use(
      http.get(`${IDP}/api/me`, async ({ request }) => {
        await record(request);
        return HttpResponse.json({ id: 42, name: 'Alice', email: 'alice@example.com', login: 'alice' });
      }),
    );
    const upstream = await createUpstream(config);
    const user = await upstream.userInfo('at-1');
    expect(user).toEqual({
      sub: '42',
      name: 'Alice',
      email: 'alice@example.com',
      login: 'alice',
      raw: { id: 42, name: 'Alice', email: 'alice@example.com', login: 'alice' },
    });
    expect(seen[0]!.headers.get('authorization')).toBe('Bearer at-1');
  });

  it('drops an email the IdP marks as unverified', async () => {
    server.use(
      http.get(`${IDP}/api/me`, () => HttpResponse.json({ sub: 'u1', email: 'x@example.com', email_verified: false })),
    );
    const upstream = await createUpstream(config);
    expect((await upstream.userInfo('at')).email).toBeUndefined();
  });

  it.each([
    [401, 'invalid_grant'],
    [403, 'misconfigured'],
    [429, 'unavailable'],
    [404, 'bad_response'],
    [500, 'unavailable'],
  ])('maps HTTP %i from userinfo to %s', async (status, kind) => {
    server.use(http.get(`${IDP}/api/me`, () => new HttpResponse(null, { status })));
    const upstream = await createUpstream(config);
    expect((await rejection(() => upstream.userInfo('at'))).kind).toBe(kind);
  });

  it('maps an answer without sub or id to bad_response', async () => {
    server.use(http.get(`${IDP}/api/me`, () => HttpResponse.json({ name: 'nobody' })));
    const upstream = await createUpstream(config);
    expect((await rejection(() => upstream.userInfo('at'))).kind).toBe('bad_response');
  });
});
