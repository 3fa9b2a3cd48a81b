// Azure AD (Entra ID) v2.0 preset: tenant endpoints, no `resource`, scope on refresh, no revocation.
import { delay, http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createUpstream } from '../../upstream/create-upstream.ts';
import type { UpstreamConfig } from '../../upstream/types.ts';
import { azure } from './idp-answers.ts';
import { CLIENT, FLOW, recorder, rejection, useHermeticServer } from './support.ts';

const server = useHermeticServer();

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const TOKEN = `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`;
const config: UpstreamConfig = {
  provider: 'azure',
  ...CLIENT,
  tenant: TENANT,
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  timeoutMs: 200,
};
const exchange = { code: '0.AXEA-fake-code', codeVerifier: FLOW.codeVerifier, redirectUri: FLOW.redirectUri };

describe('Azure v2.0 authorization request', () => {
  it('goes to the tenant authorize endpoint with S256 and never sends resource', async () => {
    const upstream = await createUpstream(config);
    const url = upstream.authorizationUrl(FLOW);
    expect(`${url.origin}${url.pathname}`).toBe(`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/authorize`);
    expect(url.searchParams.has('resource')).toBe(false);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: CLIENT.clientId,
      redirect_uri: FLOW.redirectUri,
      scope: 'openid profile email offline_access',
      state: FLOW.state,
      code_challenge: FLOW.codeChallenge,
      code_challenge_method: 'S256',
    });
  });

  it('rejects a tenant that is not one path segment', async () => {
    const err = await rejection(() => createUpstream({ ...config, tenant: '../common' }));
    expect(err.message).toContain('UPSTREAM_TENANT');
  });

  it('has no revoke: Azure AD offers no revocation endpoint', async () => {
    const upstream = await createUpstream(config);
    expect(upstream.revoke).toBeUndefined();
  });
});

describe('Azure v2.0 tokens', () => {
  it('exchanges the code with client_secret_post (the documented default) and no resource', async () => {
    const { seen, record } = recorder();
    server.use(
      http.post(TOKEN, async ({ request }) => {
        await record(request);
        return HttpResponse.json(azure.token);
      }),
    );
    const upstream = await createUpstream(config);
    const tokens = await upstream.exchangeCode(exchange);
    expect(tokens).toMatchObject({
      accessToken: azure.token.access_token,
      refreshToken: azure.token.refresh_token,
      scope: azure.token.scope,
    });
    expect(seen[0]!.headers.has('authorization')).toBe(false);
    expect(Object.fromEntries(seen[0]!.form)).toEqual({
      grant_type: 'authorization_code',
      code: exchange.code,
      redirect_uri: FLOW.redirectUri,
      code_verifier: FLOW.codeVerifier,
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
    });
  });

  it('sends scope on refresh, which the v2.0 endpoint requires', async () => {
    const { seen, record } = recorder();
    server.use(
      http.post(TOKEN, async ({ request }) => {
        await record(request);
        return HttpResponse.json({ ...azure.token, refresh_token: '0.AXEA-rotated' });
      }),
    );
    const upstream = await createUpstream(config);
    const tokens = await upstream.refresh!(azure.token.refresh_token);
    expect(tokens.refreshToken).toBe('0.AXEA-rotated');
    expect(Object.fromEntries(seen[0]!.form)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: azure.token.refresh_token,
      scope: 'openid profile email offline_access',
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
    });
  });

  it.each([
    ['AADSTS70008 invalid_grant (400)', () => HttpResponse.json(azure.expiredGrant, { status: 400 }), 'invalid_grant'],
    [
      'AADSTS7000215 invalid_client (401)',
      () => HttpResponse.json(azure.invalidClient, { status: 401 }),
      'misconfigured',
    ],
    ['a 500', () => HttpResponse.json({ error: 'server_error' }, { status: 500 }), 'unavailable'],
    [
      'garbage',
      () => HttpResponse.text('<!DOCTYPE html><title>Sign in</title>', { headers: { 'content-type': 'text/html' } }),
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
        return HttpResponse.json(azure.token);
      }),
    );
    const upstream = await createUpstream(config);
    expect((await rejection(() => upstream.refresh!('0.r'))).kind).toBe('unavailable');
  });
});

describe('Azure userinfo', () => {
  it('reads the user from Microsoft Graph /oidc/userinfo', async () => {
    const { seen, record } = recorder();
    server.use(
      http.get('https://graph.microsoft.com/oidc/userinfo', async ({ request }) => {
        await record(request);
        return HttpResponse.json(azure.userinfo);
      }),
    );
    const upstream = await createUpstream(config);
    expect(await upstream.userInfo('eyJ.at')).toEqual({
      sub: azure.userinfo.sub,
      name: 'Mikah Ollenburg',
      email: 'mikoll@contoso.com',
      raw: azure.userinfo,
    });
    expect(seen[0]!.headers.get('authorization')).toBe('Bearer eyJ.at');
  });
});
