// The GitHub-style REST user API and grant revocation, and the expiring-user-tokens refresh mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../index.ts';
import { basicAuth, getRedirect, postForm } from './support.ts';

let idp: MockIdp;
let expiring: MockIdp;

beforeAll(async () => {
  idp = await startMockIdp({ flavor: 'github' });
  expiring = await startMockIdp({ flavor: 'github', expiringTokens: true });
});
afterAll(async () => {
  await Promise.all([idp.close(), expiring.close()]);
});

async function tokensFor(
  target: MockIdp,
  user: string,
  scope = 'read:user user:email',
): Promise<Record<string, string>> {
  const query = new URLSearchParams({
    client_id: target.client.clientId,
    scope,
    login: user,
    redirect_uri: 'http://127.0.0.1:1/cb',
  });
  const { location } = await getRedirect(`${target.endpoints.authorization}?${query}`);
  const response = await postForm(
    target.endpoints.token,
    {
      client_id: target.client.clientId,
      client_secret: target.client.clientSecret,
      code: location!.searchParams.get('code')!,
    },
    { accept: 'application/json' },
  );
  return (await response.json()) as Record<string, string>;
}

describe('GET /user and /user/emails', () => {
  it('returns the user for Bearer and token schemes, with X-OAuth-Scopes', async () => {
    const { access_token } = await tokensFor(idp, 'alice');
    for (const scheme of ['Bearer', 'token']) {
      const response = await fetch(idp.endpoints.userinfo, { headers: { authorization: `${scheme} ${access_token}` } });
      const user = (await response.json()) as Record<string, unknown>;
      expect(response.status).toBe(200);
      expect(response.headers.get('x-oauth-scopes')).toBe('read:user, user:email');
      expect(user).toMatchObject({ login: 'alice', id: 1001, name: 'Alice Example', email: 'alice@example.com' });
    }
    const emails = await fetch(`${idp.url}/user/emails`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(emails.status).toBe(200);
    expect(await emails.json()).toEqual([
      { email: 'alice@example.com', primary: true, verified: true, visibility: 'public' },
    ]);
  });

  it('answers 401 Bad credentials for a missing or unknown token', async () => {
    for (const headers of [{}, { authorization: 'Bearer gho_notissuedbythisidp000000000000000000' }] as Record<
      string,
      string
    >[]) {
      const response = await fetch(idp.endpoints.userinfo, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
      });
    }
  });

  it('hides /user/emails (404) from a token without the user:email scope', async () => {
    const { access_token } = await tokensFor(idp, 'bob', 'read:user');
    const response = await fetch(`${idp.url}/user/emails`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { message: string }).message).toBe('Not Found');
  });
});

describe('DELETE /applications/{client_id}/grant', () => {
  it('revokes every token of the user for the app with the app Basic credentials', async () => {
    const first = await tokensFor(idp, 'bob');
    const second = await tokensFor(idp, 'bob');
    const alice = await tokensFor(idp, 'alice');
    const response = await fetch(`${idp.url}/applications/${idp.client.clientId}/grant`, {
      method: 'DELETE',
      headers: {
        authorization: basicAuth(idp.client.clientId, idp.client.clientSecret),
        'content-type': 'application/json',
      },
      body: JSON.stringify({ access_token: first.access_token }),
    });
    expect(response.status).toBe(204);
    for (const token of [first.access_token, second.access_token]) {
      const user = await fetch(idp.endpoints.userinfo, { headers: { authorization: `Bearer ${token}` } });
      expect(user.status).toBe(401);
    }
    const stillValid = await fetch(idp.endpoints.userinfo, {
      headers: { authorization: `Bearer ${alice.access_token}` },
    });
    expect(stillValid.status).toBe(200);
  });

  it('answers 401 without credentials and 404 with wrong ones, revoking nothing', async () => {
    const { access_token } = await tokensFor(idp, 'alice');
    const url = `${idp.url}/applications/${idp.client.clientId}/grant`;
    const body = JSON.stringify({ access_token });
    const none = await fetch(url, { method: 'DELETE', body, headers: { 'content-type': 'application/json' } });
    expect(none.status).toBe(401);
    const wrong = await fetch(url, {
      method: 'DELETE',
      body,
      headers: { 'content-type': 'application/json', authorization: basicAuth(idp.client.clientId, 'wrong') },
    });
    expect(wrong.status).toBe(404);
    const user = await fetch(idp.endpoints.userinfo, { headers: { authorization: `Bearer ${access_token}` } });
    expect(user.status).toBe(200);
  });
});

describe('DELETE /applications/{client_id}/token', () => {
  it("revokes that one token and leaves the same user's other tokens for the app valid", async () => {
    const first = await tokensFor(idp, 'bob');
    const second = await tokensFor(idp, 'bob');
    const response = await fetch(`${idp.url}/applications/${idp.client.clientId}/token`, {
      method: 'DELETE',
      headers: {
        authorization: basicAuth(idp.client.clientId, idp.client.clientSecret),
        'content-type': 'application/json',
      },
      body: JSON.stringify({ access_token: first.access_token }),
    });
    expect(response.status).toBe(204);
    for (const [token, status] of [
      [first.access_token, 401],
      [second.access_token, 200],
    ] as const) {
      const user = await fetch(idp.endpoints.userinfo, { headers: { authorization: `Bearer ${token}` } });
      expect(user.status).toBe(status);
    }
  });
});

describe('expiring user tokens', () => {
  it('issues expires_in and a ghr_ refresh token, rotates it, and refuses the old one with bad_refresh_token', async () => {
    const tokens = await tokensFor(expiring, 'alice');
    expect(tokens.expires_in).toBe(28800);
    expect(tokens.refresh_token_expires_in).toBe(15897600);
    expect(tokens.refresh_token).toMatch(/^ghr_[A-Za-z0-9]{76}$/);

    const refresh = (refreshToken: string) =>
      postForm(expiring.endpoints.token, {
        client_id: expiring.client.clientId,
        client_secret: expiring.client.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
      });
    const rotated = new URLSearchParams(await (await refresh(tokens.refresh_token!)).text());
    expect(rotated.get('access_token')).toMatch(/^gho_/);
    expect(rotated.get('refresh_token')).toMatch(/^ghr_/);
    expect(rotated.get('refresh_token')).not.toBe(tokens.refresh_token);

    const reused = await refresh(tokens.refresh_token!);
    expect(reused.status).toBe(200);
    expect(new URLSearchParams(await reused.text()).get('error')).toBe('bad_refresh_token');

    const user = await fetch(expiring.endpoints.userinfo, {
      headers: { authorization: `Bearer ${rotated.get('access_token')}` },
    });
    expect(user.status).toBe(200);
    const ledger = expiring.issuedTokens().map((t) => t.value);
    expect(ledger).toEqual(
      expect.arrayContaining([tokens.access_token, tokens.refresh_token, rotated.get('refresh_token')]),
    );
  });
});
