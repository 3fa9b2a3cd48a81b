// Auth0 preset: discovery from https://{domain}/, API audience, client_secret_post, refresh-token revocation.
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { auth0Issuer } from '../../upstream/auth0.ts';
import { createUpstream } from '../../upstream/create-upstream.ts';
import type { UpstreamConfig } from '../../upstream/types.ts';
import { auth0 } from './idp-answers.ts';
import { CLIENT, FLOW, recorder, rejection, useHermeticServer } from './support.ts';

const server = useHermeticServer();

const WELL_KNOWN = `${auth0.issuer}.well-known/openid-configuration`;
const config: UpstreamConfig = {
  provider: 'auth0',
  ...CLIENT,
  issuer: auth0.issuer,
  audience: 'https://mcp.example.com/api',
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  timeoutMs: 200,
};
const exchange = { code: 'auth0-code', codeVerifier: FLOW.codeVerifier, redirectUri: FLOW.redirectUri };

function serveDiscovery(body: Record<string, unknown> = auth0.discovery) {
  const { seen, record } = recorder();
  server.use(
    http.get(WELL_KNOWN, async ({ request }) => {
      await record(request);
      return HttpResponse.json(body);
    }),
  );
  return seen;
}

describe('Auth0 discovery and authorization request', () => {
  it('adds the configured audience to the S256 request on the discovered /authorize', async () => {
    serveDiscovery();
    const upstream = await createUpstream(config);
    const url = upstream.authorizationUrl(FLOW);
    expect(`${url.origin}${url.pathname}`).toBe(`${auth0.issuer}authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      audience: 'https://mcp.example.com/api',
      response_type: 'code',
      client_id: CLIENT.clientId,
      redirect_uri: FLOW.redirectUri,
      scope: 'openid profile email offline_access',
      state: FLOW.state,
      code_challenge: FLOW.codeChallenge,
      code_challenge_method: 'S256',
    });
  });

  it('sends no audience when none is configured', async () => {
    serveDiscovery();
    const { audience: _omitted, ...withoutAudience } = config;
    const upstream = await createUpstream(withoutAudience);
    expect(upstream.authorizationUrl(FLOW).searchParams.has('audience')).toBe(false);
  });

  it('completes a bare domain origin with the trailing slash of Auth0 issuers', async () => {
    const discoveries = serveDiscovery();
    await createUpstream({ ...config, issuer: 'https://dev-mcp-proxy.us.auth0.com' });
    expect(discoveries).toHaveLength(1);
    expect(auth0Issuer('https://login.example.com/tenant')).toBe('https://login.example.com/tenant');
  });

  it('fails at creation when the discovered issuer is another tenant', async () => {
    serveDiscovery({ ...auth0.discovery, issuer: 'https://other-tenant.eu.auth0.com/' });
    expect((await rejection(() => createUpstream(config))).kind).toBe('misconfigured');
  });
});

describe('Auth0 tokens', () => {
  it('exchanges the code at /oauth/token with client_secret_post', async () => {
    serveDiscovery();
    const { seen, record } = recorder();
    server.use(
      http.post(`${auth0.issuer}oauth/token`, async ({ request }) => {
        await record(request);
        return HttpResponse.json(auth0.token);
      }),
    );
    const upstream = await createUpstream(config);
    const tokens = await upstream.exchangeCode(exchange);
    expect(tokens).toMatchObject({ accessToken: auth0.token.access_token, refreshToken: auth0.token.refresh_token });
    expect(seen[0]!.headers.has('authorization')).toBe(false);
    expect(seen[0]!.form.get('client_id')).toBe(CLIENT.clientId);
    expect(seen[0]!.form.get('client_secret')).toBe(CLIENT.clientSecret);
    expect(seen[0]!.form.get('code_verifier')).toBe(FLOW.codeVerifier);
  });

  it('maps access_denied from a rule or action to access_denied', async () => {
    serveDiscovery();
    server.use(
      http.post(`${auth0.issuer}oauth/token`, () =>
        HttpResponse.json({ error: 'access_denied', error_description: 'Unauthorized' }, { status: 403 }),
      ),
    );
    const upstream = await createUpstream(config);
    expect((await rejection(() => upstream.exchangeCode(exchange))).kind).toBe('access_denied');
  });

  it('maps a refresh with a revoked token (invalid_grant, 403) to invalid_grant', async () => {
    serveDiscovery();
    server.use(
      http.post(`${auth0.issuer}oauth/token`, () =>
        HttpResponse.json(
          { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' },
          { status: 403 },
        ),
      ),
    );
    const upstream = await createUpstream(config);
    expect((await rejection(() => upstream.refresh!('v1.stale'))).kind).toBe('invalid_grant');
  });
});

describe('Auth0 revocation and userinfo', () => {
  it('revokes the refresh token at /oauth/revoke with client_secret_post', async () => {
    serveDiscovery();
    const { seen, record } = recorder();
    server.use(
      http.post(`${auth0.issuer}oauth/revoke`, async ({ request }) => {
        await record(request);
        return new HttpResponse(null, { status: 200 });
      }),
    );
    const upstream = await createUpstream(config);
    await upstream.revoke!({ accessToken: 'at', tokenType: 'Bearer', refreshToken: auth0.token.refresh_token });
    expect(Object.fromEntries(seen[0]!.form)).toEqual({
      token: auth0.token.refresh_token,
      token_type_hint: 'refresh_token',
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
    });
  });

  it('sends nothing when there is no refresh token, since Auth0 revokes only those', async () => {
    serveDiscovery();
    const upstream = await createUpstream(config);
    // An unhandled request would fail this test through the hermetic server.
    await expect(upstream.revoke!({ accessToken: 'at', tokenType: 'Bearer' })).resolves.toBeUndefined();
  });

  it('uses /oauth/revoke under the issuer when discovery omits revocation_endpoint', async () => {
    const { revocation_endpoint: _omitted, ...withoutRevocation } = auth0.discovery;
    serveDiscovery(withoutRevocation);
    const { seen, record } = recorder();
    server.use(
      http.post(`${auth0.issuer}oauth/revoke`, async ({ request }) => {
        await record(request);
        return new HttpResponse(null, { status: 200 });
      }),
    );
    const upstream = await createUpstream(config);
    await upstream.revoke!({ accessToken: 'at', tokenType: 'Bearer', refreshToken: 'v1.r' });
    expect(seen).toHaveLength(1);
  });

  it('maps the userinfo claims', async () => {
    serveDiscovery();
    server.use(http.get(`${auth0.issuer}userinfo`, () => HttpResponse.json(auth0.userinfo)));
    const upstream = await createUpstream(config);
    expect(await upstream.userInfo('at')).toEqual({
      sub: auth0.userinfo.sub,
      name: 'Grace Hopper',
      email: 'grace@example.com',
      raw: auth0.userinfo,
    });
  });

  it('maps a 500 from userinfo to unavailable', async () => {
    serveDiscovery();
    server.use(http.get(`${auth0.issuer}userinfo`, () => new HttpResponse(null, { status: 500 })));
    const upstream = await createUpstream(config);
    expect((await rejection(() => upstream.userInfo('at'))).kind).toBe('unavailable');
  });
});
