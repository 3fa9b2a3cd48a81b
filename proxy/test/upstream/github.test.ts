// GitHub preset: body credentials, form and JSON token answers, errors inside HTTP 200, REST user + emails,
// token deletion. Endpoints are GitHub's real ones, then the overrides the mock IdP uses.
import { delay, http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createUpstream } from '../../upstream/create-upstream.ts';
import { githubApiBase } from '../../upstream/github.ts';
import type { UpstreamConfig } from '../../upstream/types.ts';
import { github } from './idp-answers.ts';
import { CLIENT, CLIENT_BASIC, FLOW, recorder, rejection, useHermeticServer } from './support.ts';

const server = useHermeticServer();

const TOKEN = 'https://github.com/login/oauth/access_token';
const USER = 'https://api.github.com/user';
const config: UpstreamConfig = { provider: 'github', ...CLIENT, scopes: ['read:user', 'user:email'], timeoutMs: 200 };
const exchange = { code: 'gh-code', codeVerifier: FLOW.codeVerifier, redirectUri: FLOW.redirectUri };

describe('GitHub authorization request', () => {
  it('goes to github.com with the fixed callback, state, S256 challenge and space-joined scopes', async () => {
    const upstream = await createUpstream(config);
    const url = upstream.authorizationUrl(FLOW);
    expect(`${url.origin}${url.pathname}`).toBe('https://github.com/login/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: CLIENT.clientId,
      redirect_uri: FLOW.redirectUri,
      scope: 'read:user user:email',
      state: FLOW.state,
      code_challenge: FLOW.codeChallenge,
      code_challenge_method: 'S256',
    });
  });

  it('uses the configured authorization endpoint (the mock IdP)', async () => {
    const upstream = await createUpstream({
      ...config,
      authorizationEndpoint: 'http://127.0.0.1:4000/login/oauth/authorize',
    });
    expect(upstream.authorizationUrl(FLOW).href.startsWith('http://127.0.0.1:4000/login/oauth/authorize?')).toBe(true);
  });
});

describe('GitHub code exchange', () => {
  it('sends client_id and client_secret in the body with Accept: application/json, and no Basic header', async () => {
    const { seen, record } = recorder();
    server.use(
      http.post(TOKEN, async ({ request }) => {
        await record(request);
        return HttpResponse.json(github.tokenJson);
      }),
    );
    const upstream = await createUpstream(config);
    const tokens = await upstream.exchangeCode(exchange);
    expect(tokens).toEqual({
      accessToken: github.tokenJson.access_token,
      tokenType: 'bearer',
      scope: 'read:user,user:email',
    });
    const [req] = seen;
    expect(req!.headers.get('accept')).toBe('application/json');
    expect(req!.headers.has('authorization')).toBe(false);
    expect(Object.fromEntries(req!.form)).toEqual({
      grant_type: 'authorization_code',
      code: 'gh-code',
      redirect_uri: FLOW.redirectUri,
      code_verifier: FLOW.codeVerifier,
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
    });
  });

  it("reads GitHub's default form-encoded answer", async () => {
    server.use(
      http.post(TOKEN, () =>
        HttpResponse.text(github.tokenForm, {
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        }),
      ),
    );
    const upstream = await createUpstream(config);
    expect(await upstream.exchangeCode(exchange)).toEqual({
      accessToken: github.tokenJson.access_token,
      tokenType: 'bearer',
      scope: 'read:user,user:email',
    });
  });

  it('keeps the refresh token and expiry of expiring user tokens', async () => {
    server.use(http.post(TOKEN, () => HttpResponse.json(github.expiringTokenJson)));
    const upstream = await createUpstream(config);
    const before = Math.floor(Date.now() / 1000);
    const tokens = await upstream.exchangeCode(exchange);
    expect(tokens.refreshToken).toBe(github.expiringTokenJson.refresh_token);
    expect(tokens.expiresAt).toBeGreaterThanOrEqual(before + 28800);
    expect(tokens.expiresAt).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 28800);
  });

  it.each([
    ['bad_verification_code (JSON)', () => HttpResponse.json(github.badVerificationCode), 'invalid_grant'],
    [
      'bad_verification_code (form)',
      () =>
        HttpResponse.text(github.badVerificationCodeForm, {
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
      'invalid_grant',
    ],
    ['incorrect_client_credentials', () => HttpResponse.json(github.incorrectClientCredentials), 'misconfigured'],
    ['redirect_uri_mismatch', () => HttpResponse.json(github.redirectUriMismatch), 'misconfigured'],
  ])('maps %s inside HTTP 200 to %s', async (_label, resolver, kind) => {
    server.use(http.post(TOKEN, resolver));
    const upstream = await createUpstream(config);
    const err = await rejection(() => upstream.exchangeCode(exchange));
    expect(err.kind).toBe(kind);
  });

  it.each([
    ['a 500', () => new HttpResponse('Internal Server Error', { status: 500 }), 'unavailable'],
    [
      'garbage',
      () => HttpResponse.text('}{ not json', { headers: { 'content-type': 'application/json' } }),
      'bad_response',
    ],
  ])('maps %s to %s', async (_label, resolver, kind) => {
    server.use(http.post(TOKEN, resolver));
    const upstream = await createUpstream(config);
    expect((await rejection(() => upstream.exchangeCode(exchange))).kind).toBe(kind);
  });

  it('maps a token endpoint slower than timeoutMs (200 ms) to unavailable', async () => {
    server.use(
      http.post(TOKEN, async () => {
        await delay(1000);
        return HttpResponse.json(github.tokenJson);
      }),
    );
    const upstream = await createUpstream(config);
    expect((await rejection(() => upstream.exchangeCode(exchange))).kind).toBe('unavailable');
  });
});

describe('GitHub refresh (expiring user tokens)', () => {
  it('sends grant_type=refresh_token with the credentials in the body and takes the rotated token', async () => {
    const { seen, record } = recorder();
    server.use(
      http.post(TOKEN, async ({ request }) => {
        await record(request);
        return HttpResponse.json({ ...github.expiringTokenJson, refresh_token: 'ghr_rotated' });
      }),
    );
    const upstream = await createUpstream(config);
    const tokens = await upstream.refresh!('ghr_old');
    expect(tokens.refreshToken).toBe('ghr_rotated');
    expect(Object.fromEntries(seen[0]!.form)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'ghr_old',
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
    });
  });

  it('maps bad_refresh_token inside HTTP 200 to invalid_grant', async () => {
    server.use(http.post(TOKEN, () => HttpResponse.json(github.badRefreshToken)));
    const upstream = await createUpstream(config);
    expect((await rejection(() => upstream.refresh!('ghr_old'))).kind).toBe('invalid_grant');
  });
});

describe('GitHub user', () => {
  it('GETs /user with Bearer and the GitHub media type, and maps id, login, name and email', async () => {
    const { seen, record } = recorder();
    server.use(
      http.get(USER, async ({ request }) => {
        await record(request);
        return HttpResponse.json(github.user);
      }),
    );
    const upstream = await createUpstream(config);
    const user = await upstream.userInfo('gho_token');
    expect(user).toEqual({
      sub: '583231',
      login: 'octocat',
      name: 'The Octocat',
      email: 'octocat@github.com',
      raw: github.user,
    });
    expect(seen[0]!.headers.get('authorization')).toBe('Bearer gho_token');
    expect(seen[0]!.headers.get('accept')).toBe('application/vnd.github+json');
    expect(seen[0]!.headers.get('user-agent')).toBe('mcp-oauth-proxy');
  });

  it('falls back to the primary verified address from /user/emails when email is private (null)', async () => {
    const { seen, record } = recorder();
    server.use(
      http.get(USER, () => HttpResponse.json({ ...github.user, email: null })),
      http.get(`${USER}/emails`, async ({ request }) => {
        await record(request);
        return HttpResponse.json(github.emails);
      }),
    );
    const upstream = await createUpstream(config);
    expect((await upstream.userInfo('gho_token')).email).toBe('octocat@github.com');
    expect(seen[0]!.headers.get('authorization')).toBe('Bearer gho_token');
  });

  it('leaves email unset when no address is both primary and verified', async () => {
    server.use(
      http.get(USER, () => HttpResponse.json({ ...github.user, email: null })),
      http.get(`${USER}/emails`, () => HttpResponse.json([{ email: 'p@example.com', primary: true, verified: false }])),
    );
    const upstream = await createUpstream(config);
    expect((await upstream.userInfo('gho_token')).email).toBeUndefined();
  });

  it('leaves email unset when the token lacks user:email (404 on /user/emails)', async () => {
    server.use(
      http.get(USER, () => HttpResponse.json({ ...github.user, email: null })),
      http.get(`${USER}/emails`, () => HttpResponse.json({ message: 'Not Found' }, { status: 404 })),
    );
    const upstream = await createUpstream(config);
    const user = await upstream.userInfo('gho_token');
    expect(user.sub).toBe('583231');
    expect(user.email).toBeUndefined();
  });

  it('derives the emails URL from a configured userinfo endpoint (the mock IdP)', async () => {
    const base = 'http://127.0.0.1:4555';
    server.use(
      http.get(`${base}/user`, () => HttpResponse.json({ ...github.user, email: null })),
      http.get(`${base}/user/emails`, () => HttpResponse.json(github.emails)),
    );
    const upstream = await createUpstream({ ...config, userinfoEndpoint: `${base}/user` });
    expect((await upstream.userInfo('gho_token')).email).toBe('octocat@github.com');
  });

  it('maps a revoked token (401 Bad credentials) to invalid_grant', async () => {
    server.use(http.get(USER, () => HttpResponse.json({ message: 'Bad credentials' }, { status: 401 })));
    const upstream = await createUpstream(config);
    expect((await rejection(() => upstream.userInfo('gho_token'))).kind).toBe('invalid_grant');
  });
});

describe('GitHub revocation', () => {
  it('DELETEs /applications/{client_id}/token (not the whole app authorization) on api.github.com with Basic auth and the token in JSON', async () => {
    const { seen, record } = recorder();
    server.use(
      http.delete(`https://api.github.com/applications/${CLIENT.clientId}/token`, async ({ request }) => {
        await record(request);
        return new HttpResponse(null, { status: 204 });
      }),
    );
    const upstream = await createUpstream(config);
    await upstream.revoke!({ accessToken: 'gho_token', tokenType: 'bearer' });
    const [req] = seen;
    expect(req!.headers.get('authorization')).toBe(CLIENT_BASIC);
    expect(req!.headers.get('content-type')).toBe('application/json');
    expect(req!.headers.get('accept')).toBe('application/vnd.github+json');
    expect(JSON.parse(req!.body)).toEqual({ access_token: 'gho_token' });
  });

  it('treats 404 (already gone) as revoked', async () => {
    server.use(
      http.delete(`https://api.github.com/applications/${CLIENT.clientId}/token`, () =>
        HttpResponse.json({ message: 'Not Found' }, { status: 404 }),
      ),
    );
    const upstream = await createUpstream(config);
    await expect(upstream.revoke!({ accessToken: 'gho_token', tokenType: 'bearer' })).resolves.toBeUndefined();
  });

  it('maps 401 (wrong app credentials) to misconfigured', async () => {
    server.use(
      http.delete(`https://api.github.com/applications/${CLIENT.clientId}/token`, () =>
        HttpResponse.json({ message: 'Requires authentication' }, { status: 401 }),
      ),
    );
    const upstream = await createUpstream(config);
    expect((await rejection(() => upstream.revoke!({ accessToken: 'gho_token', tokenType: 'bearer' }))).kind).toBe(
      'misconfigured',
    );
  });

  it('derives the API base from the userinfo endpoint', () => {
    expect(githubApiBase('https://api.github.com/user')).toBe('https://api.github.com');
    expect(githubApiBase('http://127.0.0.1:4555/user')).toBe('http://127.0.0.1:4555');
    expect(githubApiBase('https://ghe.example.com/api/v3/user')).toBe('https://ghe.example.com/api/v3');
  });
});
