// Google preset: discovery at accounts.google.com, offline access parameters, token-only revocation.
import { delay, http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createUpstream } from '../../upstream/create-upstream.ts';
import type { UpstreamConfig } from '../../upstream/types.ts';
import { google } from './idp-answers.ts';
import { CLIENT, CLIENT_BASIC, FLOW, recorder, rejection, useHermeticServer } from './support.ts';

const server = useHermeticServer();

const WELL_KNOWN = 'https://accounts.google.com/.well-known/openid-configuration';
const config: UpstreamConfig = {
  provider: 'google',
  ...CLIENT,
  scopes: ['openid', 'email', 'profile'],
  timeoutMs: 200,
};
const exchange = { code: '4/0AeaYSHfake', codeVerifier: FLOW.codeVerifier, redirectUri: FLOW.redirectUri };

function serveDiscovery(body: Record<string, unknown> = google.discovery) {
  server.use(http.get(WELL_KNOWN, () => HttpResponse.json(body)));
}

describe('Google authorization request', () => {
  it('adds access_type=offline and prompt=consent to the S256 request on the discovered endpoint', async () => {
    serveDiscovery();
    const upstream = await createUpstream(config);
    const url = upstream.authorizationUrl(FLOW);
    expect(`${url.origin}${url.pathname}`).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      access_type: 'offline',
      prompt: 'consent',
      response_type: 'code',
      client_id: CLIENT.clientId,
      redirect_uri: FLOW.redirectUri,
      scope: 'openid email profile',
      state: FLOW.state,
      code_challenge: FLOW.codeChallenge,
      code_challenge_method: 'S256',
    });
  });

  it('fails at creation when discovery announces the legacy issuer without https (§4.3)', async () => {
    serveDiscovery({ ...google.discovery, issuer: 'accounts.google.com' });
    const err = await rejection(() => createUpstream(config));
    expect(err.kind).toBe('misconfigured');
    expect(err.message).toContain('issuer mismatch');
  });
});

describe('Google tokens', () => {
  it('exchanges the code at oauth2.googleapis.com with client_secret_basic and keeps the id_token', async () => {
    serveDiscovery();
    const { seen, record } = recorder();
    server.use(
      http.post('https://oauth2.googleapis.com/token', async ({ request }) => {
        await record(request);
        return HttpResponse.json(google.token);
      }),
    );
    const upstream = await createUpstream(config);
    const tokens = await upstream.exchangeCode(exchange);
    expect(tokens).toMatchObject({
      accessToken: google.token.access_token,
      refreshToken: google.token.refresh_token,
      idToken: google.token.id_token,
      tokenType: 'Bearer',
    });
    expect(seen[0]!.headers.get('authorization')).toBe(CLIENT_BASIC);
    expect(seen[0]!.form.get('code_verifier')).toBe(FLOW.codeVerifier);
  });

  it('keeps the refresh token when the refresh answer has none (Google does not rotate)', async () => {
    serveDiscovery();
    server.use(http.post('https://oauth2.googleapis.com/token', () => HttpResponse.json(google.refreshed)));
    const upstream = await createUpstream(config);
    const tokens = await upstream.refresh!(google.token.refresh_token);
    expect(tokens).toMatchObject({
      accessToken: google.refreshed.access_token,
      refreshToken: google.token.refresh_token,
    });
  });

  it('maps invalid_grant (a revoked refresh token) to invalid_grant', async () => {
    serveDiscovery();
    server.use(
      http.post('https://oauth2.googleapis.com/token', () =>
        HttpResponse.json(
          { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
          { status: 400 },
        ),
      ),
    );
    const upstream = await createUpstream(config);
    expect((await rejection(() => upstream.refresh!('1//stale'))).kind).toBe('invalid_grant');
  });

  it('maps a token endpoint slower than timeoutMs (200 ms) to unavailable', async () => {
    serveDiscovery();
    server.use(
      http.post('https://oauth2.googleapis.com/token', async () => {
        await delay(1000);
        return HttpResponse.json(google.token);
      }),
    );
    const upstream = await createUpstream(config);
    expect((await rejection(() => upstream.exchangeCode(exchange))).kind).toBe('unavailable');
  });
});

describe('Google revocation and userinfo', () => {
  it('POSTs the refresh token to oauth2.googleapis.com/revoke without client authentication', async () => {
    serveDiscovery();
    const { seen, record } = recorder();
    server.use(
      http.post('https://oauth2.googleapis.com/revoke', async ({ request }) => {
        await record(request);
        return HttpResponse.json({});
      }),
    );
    const upstream = await createUpstream(config);
    await upstream.revoke!({ accessToken: 'ya29.x', tokenType: 'Bearer', refreshToken: '1//r' });
    expect(seen[0]!.headers.has('authorization')).toBe(false);
    expect(seen[0]!.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(seen[0]!.form)).toEqual({ token: '1//r', token_type_hint: 'refresh_token' });
  });

  it('uses the documented revocation endpoint when discovery omits it', async () => {
    const { revocation_endpoint: _omitted, ...withoutRevocation } = google.discovery;
    serveDiscovery(withoutRevocation);
    const { seen, record } = recorder();
    server.use(
      http.post('https://oauth2.googleapis.com/revoke', async ({ request }) => {
        await record(request);
        return new HttpResponse(null, { status: 200 });
      }),
    );
    const upstream = await createUpstream(config);
    await upstream.revoke!({ accessToken: 'ya29.x', tokenType: 'Bearer' });
    expect(seen).toHaveLength(1);
  });

  it('maps the OIDC userinfo claims', async () => {
    serveDiscovery();
    server.use(http.get('https://openidconnect.googleapis.com/v1/userinfo', () => HttpResponse.json(google.userinfo)));
    const upstream = await createUpstream(config);
    expect(await upstream.userInfo('ya29.x')).toEqual({
      sub: '110169484474386276334',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      raw: google.userinfo,
    });
  });

  it('maps a 500 from userinfo to unavailable', async () => {
    serveDiscovery();
    server.use(
      http.get('https://openidconnect.googleapis.com/v1/userinfo', () => new HttpResponse(null, { status: 500 })),
    );
    const upstream = await createUpstream(config);
    expect((await rejection(() => upstream.userInfo('ya29.x'))).kind).toBe('unavailable');
  });
});
