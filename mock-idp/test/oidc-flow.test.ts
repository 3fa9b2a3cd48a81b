// The oidc flavor over real HTTP, as a generic OIDC client (and a proxy) would use it.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../index.ts';
import { basicAuth, getRedirect, pkcePair, postForm } from './support.ts';

const CALLBACK = 'http://127.0.0.1:61234/auth/callback';

let idp: MockIdp;

beforeAll(async () => {
  idp = await startMockIdp({ flavor: 'oidc' });
});
afterAll(async () => {
  await idp.close();
});

function authorizationUrl(params: Record<string, string>): string {
  const query = new URLSearchParams({
    client_id: idp.client.clientId,
    response_type: 'code',
    scope: idp.client.scopes,
    redirect_uri: CALLBACK,
    state: 'state-123',
    ...params,
  });
  return `${idp.endpoints.authorization}?${query}`;
}

async function authorize(user: string, challenge: string): Promise<URL> {
  const { status, location } = await getRedirect(
    authorizationUrl({ login_hint: user, code_challenge: challenge, code_challenge_method: 'S256' }),
  );
  expect(status).toBe(303);
  return location!;
}

describe('OIDC discovery for a non-DCR IdP', () => {
  it('publishes the issuer, endpoints and S256, and no registration endpoint', async () => {
    const response = await fetch(`${idp.issuer}/.well-known/openid-configuration`);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(200);
    expect(metadata.issuer).toBe(idp.issuer);
    expect(metadata.authorization_endpoint).toBe(idp.endpoints.authorization);
    expect(metadata.token_endpoint).toBe(idp.endpoints.token);
    expect(metadata.userinfo_endpoint).toBe(idp.endpoints.userinfo);
    expect(metadata.revocation_endpoint).toBe(idp.endpoints.revocation);
    expect(metadata.introspection_endpoint).toBe(idp.endpoints.introspection);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata).not.toHaveProperty('registration_endpoint');
  });

  it('answers 404 on registration routes and records the attempt', async () => {
    idp.clearRequests();
    const response = await fetch(`${idp.url}/reg`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    const register = await fetch(`${idp.url}/register`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
    expect(register.status).toBe(404);
    expect(idp.requests().map((r) => `${r.method} ${r.path}`)).toEqual(['POST /reg', 'POST /register']);
  });
});

describe('authorization code with PKCE, then refresh with rotation', () => {
  it('completes login by login_hint, issues tokens, serves userinfo and rotates the refresh token', async () => {
    const { verifier, challenge } = pkcePair();
    const callback = await authorize('alice', challenge);
    expect(callback.origin + callback.pathname).toBe(CALLBACK);
    expect(callback.searchParams.get('state')).toBe('state-123');
    expect(callback.searchParams.get('iss')).toBe(idp.issuer);
    const code = callback.searchParams.get('code')!;

    const tokenResponse = await postForm(
      idp.endpoints.token,
      { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier },
      { authorization: basicAuth(idp.client.clientId, idp.client.clientSecret) },
    );
    const tokens = (await tokenResponse.json()) as Record<string, string>;
    expect(tokenResponse.status).toBe(200);
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.scope).toBe('openid profile email offline_access');
    expect(tokens.refresh_token).toBeTruthy();

    const jwks = createRemoteJWKSet(new URL(idp.endpoints.jwks!));
    const { payload } = await jwtVerify(tokens.id_token!, jwks, { issuer: idp.issuer, audience: idp.client.clientId });
    expect(payload.sub).toBe('user-alice-0001');
    expect(payload.email).toBe('alice@example.com');

    const userinfo = await fetch(idp.endpoints.userinfo, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toEqual({
      sub: 'user-alice-0001',
      name: 'Alice Example',
      email: 'alice@example.com',
      email_verified: true,
    });

    // client_secret_post works as well as client_secret_basic.
    const refreshed = await postForm(idp.endpoints.token, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
      client_id: idp.client.clientId,
      client_secret: idp.client.clientSecret,
    });
    const next = (await refreshed.json()) as Record<string, string>;
    expect(refreshed.status).toBe(200);
    expect(next.refresh_token).toBeTruthy();
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect(next.access_token).not.toBe(tokens.access_token);

    const reused = await postForm(
      idp.endpoints.token,
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! },
      { authorization: basicAuth(idp.client.clientId, idp.client.clientSecret) },
    );
    expect(reused.status).toBe(400);
    expect(((await reused.json()) as { error: string }).error).toBe('invalid_grant');

    const issued = idp.issuedTokens().map((t) => t.value);
    expect(issued).toEqual(expect.arrayContaining([tokens.access_token, tokens.refresh_token, next.refresh_token]));
    expect(idp.issuedTokens().every((t) => t.user === 'alice')).toBe(true);
  });

  it('rejects a code redeemed with the wrong verifier', async () => {
    const { challenge } = pkcePair();
    const code = (await authorize('bob', challenge)).searchParams.get('code')!;
    const response = await postForm(
      idp.endpoints.token,
      { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: pkcePair().verifier },
      { authorization: basicAuth(idp.client.clientId, idp.client.clientSecret) },
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('requires PKCE on the authorization request', async () => {
    const { status, location } = await getRedirect(authorizationUrl({ login_hint: 'alice' }));
    expect(status).toBe(303);
    expect(location!.searchParams.get('error')).toBe('invalid_request');
    expect(location!.searchParams.get('error_description')).toMatch(/PKCE/);
  });

  it('revokes an access token and reports it inactive through introspection', async () => {
    const { verifier, challenge } = pkcePair();
    const code = (await authorize('alice', challenge)).searchParams.get('code')!;
    const auth = { authorization: basicAuth(idp.client.clientId, idp.client.clientSecret) };
    const tokens = (await (
      await postForm(
        idp.endpoints.token,
        { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier },
        auth,
      )
    ).json()) as Record<string, string>;
    const active = await postForm(idp.endpoints.introspection!, { token: tokens.access_token! }, auth);
    expect(((await active.json()) as { active: boolean }).active).toBe(true);
    const revoked = await postForm(idp.endpoints.revocation!, { token: tokens.access_token! }, auth);
    expect(revoked.status).toBe(200);
    const after = await postForm(idp.endpoints.introspection!, { token: tokens.access_token! }, auth);
    expect(((await after.json()) as { active: boolean }).active).toBe(false);
  });
});

/** A browser's cookie jar over fetch: follows nothing, keeps every cookie the IdP sets (one host, no paths needed). */
function cookieBrowser() {
  const jar = new Map<string, string>();
  async function send(url: string, init: RequestInit = {}): Promise<{ status: number; location: URL | undefined }> {
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as object), cookie },
    });
    await response.body?.cancel();
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const at = pair.indexOf('=');
      const [name, value] = [pair.slice(0, at), pair.slice(at + 1)];
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(header)) jar.delete(name);
      else jar.set(name, value);
    }
    const location = response.headers.get('location');
    return { status: response.status, location: location ? new URL(location, url) : undefined };
  }
  return { send };
}

async function redeem(code: string, verifier: string): Promise<Record<string, string>> {
  const response = await postForm(
    idp.endpoints.token,
    { grant_type: 'authorization_code', code, redirect_uri: CALLBACK, code_verifier: verifier },
    { authorization: basicAuth(idp.client.clientId, idp.client.clientSecret) },
  );
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, string>;
}

describe('the consent to offline_access, implied once and remembered', () => {
  it('sends a signed-in user straight back with a refresh token, each authorization on a grant of its own', async () => {
    const browser = cookieBrowser();
    // First authorization: the login page (oidc-provider's interaction), signed in with the form.
    const first = pkcePair();
    const start = await browser.send(
      authorizationUrl({ code_challenge: first.challenge, code_challenge_method: 'S256' }),
    );
    expect(start.location?.pathname).toMatch(/^\/interaction\//);
    expect((await browser.send(start.location!.href)).status).toBe(200);
    const signedIn = await browser.send(start.location!.href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ user: 'alice' }).toString(),
    });
    const resumed = await browser.send(signedIn.location!.href);
    expect(resumed.location?.origin + resumed.location!.pathname).toBe(CALLBACK);
    const firstTokens = await redeem(resumed.location!.searchParams.get('code')!, first.verifier);
    expect(firstTokens.scope).toBe('openid profile email offline_access');
    expect(firstTokens.refresh_token).toBeTruthy();

    // Second authorization, same browser: straight back to the client, no interaction, still a refresh token.
    const second = pkcePair();
    const again = await browser.send(
      authorizationUrl({ code_challenge: second.challenge, code_challenge_method: 'S256' }),
    );
    expect(again.status).toBe(303);
    expect(again.location?.origin + again.location!.pathname).toBe(CALLBACK);
    const secondTokens = await redeem(again.location!.searchParams.get('code')!, second.verifier);
    expect(secondTokens.scope).toBe('openid profile email offline_access');
    expect(secondTokens.refresh_token).toBeTruthy();

    // Revoking the second flow's refresh token (which revokes its grant) leaves the first flow's working.
    const auth = { authorization: basicAuth(idp.client.clientId, idp.client.clientSecret) };
    expect((await postForm(idp.endpoints.revocation!, { token: secondTokens.refresh_token! }, auth)).status).toBe(200);
    const revoked = await postForm(
      idp.endpoints.token,
      { grant_type: 'refresh_token', refresh_token: secondTokens.refresh_token! },
      auth,
    );
    expect(revoked.status).toBe(400);
    const kept = await postForm(
      idp.endpoints.token,
      { grant_type: 'refresh_token', refresh_token: firstTokens.refresh_token! },
      auth,
    );
    expect(kept.status).toBe(200);

    // A prompt=consent the client sends itself is honoured: the interaction again.
    const third = pkcePair();
    const asked = await browser.send(
      authorizationUrl({ code_challenge: third.challenge, code_challenge_method: 'S256', prompt: 'consent' }),
    );
    expect(asked.location?.pathname).toMatch(/^\/interaction\//);
  });
});

describe('redirect URI registration', () => {
  it('accepts any loopback redirect URI by default but only registered ones when strict', async () => {
    const strict = await startMockIdp({
      flavor: 'oidc',
      redirectUris: ['http://127.0.0.1:7777/registered'],
      strictRedirects: true,
    });
    try {
      const { challenge } = pkcePair();
      const base = { client_id: strict.client.clientId, response_type: 'code', scope: 'openid', state: 's' };
      const pkce = { code_challenge: challenge, code_challenge_method: 'S256', login_hint: 'alice' };
      const other = await fetch(
        `${strict.endpoints.authorization}?${new URLSearchParams({ ...base, ...pkce, redirect_uri: CALLBACK })}`,
        { redirect: 'manual' },
      );
      expect(other.status).toBe(400);
      expect(await other.text()).toMatch(/redirect_uri did not match/);
      const registered = await getRedirect(
        `${strict.endpoints.authorization}?${new URLSearchParams({ ...base, ...pkce, redirect_uri: 'http://127.0.0.1:7777/registered' })}`,
      );
      expect(registered.status).toBe(303);
      expect(registered.location!.searchParams.has('code')).toBe(true);
    } finally {
      await strict.close();
    }
  });
});
