// The GitHub-style flavor's web flow: authorize, then the access_token endpoint with GitHub's answer formats,
// errors in a 200 body, single-use codes and optional PKCE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../index.ts';
import { getRedirect, pkcePair, postForm } from './support.ts';

const CALLBACK = 'http://127.0.0.1:40404/auth/callback';

let idp: MockIdp;

beforeAll(async () => {
  idp = await startMockIdp({ flavor: 'github', redirectUris: [CALLBACK] });
});
afterAll(async () => {
  await idp.close();
});

async function codeFor(user: string, extra: Record<string, string> = {}): Promise<string> {
  const query = new URLSearchParams({
    client_id: idp.client.clientId,
    scope: 'read:user user:email',
    state: 'st',
    login: user,
    ...extra,
  });
  const { status, location } = await getRedirect(`${idp.endpoints.authorization}?${query}`);
  expect(status).toBe(302);
  expect(location!.searchParams.get('state')).toBe('st');
  return location!.searchParams.get('code')!;
}

function exchange(fields: Record<string, string>, headers: Record<string, string> = {}) {
  return postForm(
    idp.endpoints.token,
    { client_id: idp.client.clientId, client_secret: idp.client.clientSecret, ...fields },
    headers,
  );
}

describe('GitHub authorize endpoint', () => {
  it('redirects to the registered callback with code and state when login names a user', async () => {
    const query = new URLSearchParams({ client_id: idp.client.clientId, state: 'abc', login: 'bob' });
    const { status, location } = await getRedirect(`${idp.endpoints.authorization}?${query}`);
    expect(status).toBe(302);
    expect(`${location!.origin}${location!.pathname}`).toBe(CALLBACK);
    expect(location!.searchParams.get('code')).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(location!.searchParams.get('state')).toBe('abc');
  });

  it('shows a 404 page, never a redirect, for an unknown client_id', async () => {
    const query = new URLSearchParams({ client_id: 'nope', redirect_uri: CALLBACK, login: 'alice' });
    const response = await fetch(`${idp.endpoints.authorization}?${query}`, { redirect: 'manual' });
    expect(response.status).toBe(404);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('sends an unregistered, non-loopback redirect_uri back to the registered callback with redirect_uri_mismatch', async () => {
    const query = new URLSearchParams({
      client_id: idp.client.clientId,
      redirect_uri: 'https://evil.example/cb',
      state: 'x',
      login: 'alice',
    });
    const { status, location } = await getRedirect(`${idp.endpoints.authorization}?${query}`);
    expect(status).toBe(302);
    expect(`${location!.origin}${location!.pathname}`).toBe(CALLBACK);
    expect(location!.searchParams.get('error')).toBe('redirect_uri_mismatch');
    expect(location!.searchParams.get('state')).toBe('x');
    expect(location!.searchParams.has('code')).toBe(false);
  });

  it('shows a login page when login is absent', async () => {
    const query = new URLSearchParams({ client_id: idp.client.clientId, state: 's' });
    const response = await fetch(`${idp.endpoints.authorization}?${query}`);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(html).toContain('Sign in');
    expect(html).toContain('Cancel');
  });
});

describe('GitHub access_token endpoint', () => {
  it('answers form-urlencoded by default with a gho_ token and comma-separated scopes', async () => {
    const response = await exchange({ code: await codeFor('alice') });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/application\/x-www-form-urlencoded/);
    const body = new URLSearchParams(await response.text());
    expect(body.get('access_token')).toMatch(/^gho_[A-Za-z0-9]{36}$/);
    expect(body.get('scope')).toBe('read:user,user:email');
    expect(body.get('token_type')).toBe('bearer');
    expect(body.has('refresh_token')).toBe(false);
  });

  it('answers JSON when asked with Accept: application/json', async () => {
    const response = await exchange({ code: await codeFor('alice') }, { accept: 'application/json' });
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await response.json()) as Record<string, string>;
    expect(body.access_token).toMatch(/^gho_/);
    expect(body.token_type).toBe('bearer');
  });

  it('reports wrong client credentials with HTTP 200 and incorrect_client_credentials', async () => {
    const response = await postForm(
      idp.endpoints.token,
      { client_id: idp.client.clientId, client_secret: 'wrong', code: await codeFor('alice') },
      { accept: 'application/json' },
    );
    const body = (await response.json()) as Record<string, string>;
    expect(response.status).toBe(200);
    expect(body.error).toBe('incorrect_client_credentials');
    expect(body.error_uri).toMatch(/^https:\/\/docs\.github\.com\//);
    expect(body).not.toHaveProperty('access_token');
  });

  it('refuses a replayed code with bad_verification_code (form-encoded error, HTTP 200)', async () => {
    const code = await codeFor('bob');
    const first = await exchange({ code });
    expect(new URLSearchParams(await first.text()).get('access_token')).toMatch(/^gho_/);
    const replay = await exchange({ code });
    const body = new URLSearchParams(await replay.text());
    expect(replay.status).toBe(200);
    expect(body.get('error')).toBe('bad_verification_code');
    expect(body.get('error_description')).toBe('The code passed is incorrect or expired.');
  });

  it('refuses a redirect_uri different from the authorization request with redirect_uri_mismatch', async () => {
    const response = await exchange(
      { code: await codeFor('alice'), redirect_uri: 'http://127.0.0.1:40404/other' },
      { accept: 'application/json' },
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as { error: string }).error).toBe('redirect_uri_mismatch');
  });

  it('checks the PKCE verifier when a challenge was sent', async () => {
    const { verifier, challenge } = pkcePair();
    const pkce = { code_challenge: challenge, code_challenge_method: 'S256' };
    const wrong = await exchange(
      { code: await codeFor('alice', pkce), code_verifier: pkcePair().verifier },
      { accept: 'application/json' },
    );
    expect(((await wrong.json()) as { error: string }).error).toBe('bad_verification_code');
    const missing = await exchange({ code: await codeFor('alice', pkce) }, { accept: 'application/json' });
    expect(((await missing.json()) as { error: string }).error).toBe('bad_verification_code');
    const right = await exchange(
      { code: await codeFor('alice', pkce), code_verifier: verifier },
      { accept: 'application/json' },
    );
    expect(((await right.json()) as { access_token: string }).access_token).toMatch(/^gho_/);
  });
});

describe('GitHub trap routes', () => {
  it('answers 404 to registration and metadata requests and records them', async () => {
    idp.clearRequests();
    const register = await fetch(`${idp.url}/register`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    const oauthRegister = await fetch(`${idp.url}/oauth/register`, { method: 'POST', body: '{}' });
    const metadata = await fetch(`${idp.url}/.well-known/oauth-authorization-server`);
    expect([register.status, oauthRegister.status, metadata.status]).toEqual([404, 404, 404]);
    expect(idp.requests().map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /register',
      'POST /oauth/register',
      'GET /.well-known/oauth-authorization-server',
    ]);
    expect(idp.requests()[0]!.json).toEqual({});
  });
});
