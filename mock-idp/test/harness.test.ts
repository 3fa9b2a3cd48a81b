// The harness layer shared by both flavors: the request log (programmatic and over HTTP) and every fault kind,
// each observed the way a proxy would see it.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp, type RecordedRequest } from '../index.ts';
import { basicAuth, getRedirect, pkcePair, postForm } from './support.ts';

let github: MockIdp;
let oidc: MockIdp;

beforeAll(async () => {
  [github, oidc] = await Promise.all([startMockIdp({ flavor: 'github' }), startMockIdp({ flavor: 'oidc' })]);
});
afterAll(async () => {
  await Promise.all([github.close(), oidc.close()]);
});
beforeEach(() => {
  for (const idp of [github, oidc]) {
    idp.clearRequests();
    idp.clearFaults();
  }
});

const exchangeWithBadCode = (idp: MockIdp, code = 'nope') =>
  postForm(
    idp.endpoints.token,
    { client_id: idp.client.clientId, client_secret: idp.client.clientSecret, code },
    { accept: 'application/json' },
  );

describe('request log', () => {
  it('records method, path, query, form fields and headers, including authorization', async () => {
    await fetch(`${github.endpoints.authorization}?client_id=x&scope=a&scope=b`);
    await postForm(
      github.endpoints.token,
      { code: 'c1', client_id: 'id' },
      { authorization: basicAuth('id', 'secret') },
    );
    const [authorize, token] = github.requests() as [RecordedRequest, RecordedRequest];
    expect(authorize).toMatchObject({ id: expect.any(Number), method: 'GET', path: '/login/oauth/authorize' });
    expect(authorize.query).toEqual({ client_id: 'x', scope: ['a', 'b'] });
    expect(token).toMatchObject({
      method: 'POST',
      path: '/login/oauth/access_token',
      form: { code: 'c1', client_id: 'id' },
    });
    expect(token.headers.authorization).toBe(basicAuth('id', 'secret'));
    expect(token.id).toBeGreaterThan(authorize.id);
    expect(Date.parse(token.time)).not.toBeNaN();
  });

  it('is readable and resettable over HTTP, and harness routes are not recorded', async () => {
    await fetch(`${oidc.url}/.well-known/openid-configuration`);
    const listed = (await (await fetch(`${oidc.url}/__harness/requests`)).json()) as RecordedRequest[];
    expect(listed.map((r) => r.path)).toEqual(['/.well-known/openid-configuration']);
    const reset = await fetch(`${oidc.url}/__harness/requests`, { method: 'DELETE' });
    expect(reset.status).toBe(204);
    expect(oidc.requests()).toEqual([]);
  });

  it('lists issued tokens over HTTP', async () => {
    const query = new URLSearchParams({
      client_id: github.client.clientId,
      login: 'bob',
      redirect_uri: 'http://127.0.0.1:9/cb',
    });
    const { location } = await getRedirect(`${github.endpoints.authorization}?${query}`);
    await postForm(github.endpoints.token, {
      client_id: github.client.clientId,
      client_secret: github.client.clientSecret,
      code: location!.searchParams.get('code')!,
    });
    const tokens = (await (await fetch(`${github.url}/__harness/tokens`)).json()) as { value: string; user: string }[];
    expect(tokens.at(-1)).toMatchObject({ type: 'access_token', user: 'bob', value: expect.stringMatching(/^gho_/) });
  });
});

describe('fault injection', () => {
  it('status: answers the injected status once, then the real handler again', async () => {
    github.addFault({ endpoint: '/login/oauth/access_token', kind: 'status', status: 503 });
    const faulted = await exchangeWithBadCode(github);
    expect(faulted.status).toBe(503);
    expect(((await faulted.json()) as { error: string }).error).toBe('server_error');
    const normal = await exchangeWithBadCode(github);
    expect(normal.status).toBe(200);
    expect(((await normal.json()) as { error: string }).error).toBe('bad_verification_code');
    expect(github.requests()).toHaveLength(2);
  });

  it('match: faults only the request carrying the given parameters, whatever comes before it', async () => {
    github.addFault({ endpoint: '/login/oauth/access_token', kind: 'status', status: 503, match: { code: 'mine' } });
    const other = await exchangeWithBadCode(github, 'theirs');
    expect(other.status).toBe(200);
    expect(((await other.json()) as { error: string }).error).toBe('bad_verification_code');
    expect((await exchangeWithBadCode(github, 'mine')).status).toBe(503);
    expect((await exchangeWithBadCode(github, 'mine')).status).toBe(200);
  });

  it('delay: holds the answer for delayMs before the real handler runs', async () => {
    oidc.addFault({ endpoint: '/jwks', kind: 'delay', delayMs: 300 });
    const started = performance.now();
    const response = await fetch(oidc.endpoints.jwks!);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { keys: unknown[] }).keys).toHaveLength(1);
  });

  it('garbage: answers 200 with a body that is not JSON', async () => {
    oidc.addFault({ endpoint: '/token', kind: 'garbage' });
    const response = await postForm(oidc.endpoints.token, { grant_type: 'authorization_code', code: 'x' });
    expect(response.status).toBe(200);
    await expect(response.json()).rejects.toThrow();
  });

  it('drop: destroys the connection without an answer', async () => {
    github.addFault({ endpoint: '/user', kind: 'drop' });
    await expect(fetch(github.endpoints.userinfo)).rejects.toThrow(/fetch failed/);
    expect(github.requests().map((r) => r.path)).toEqual(['/user']);
  });

  it('deny: the authorization endpoint redirects with access_denied and the state, as if the user refused', async () => {
    const { challenge } = pkcePair();
    oidc.addFault({ endpoint: '/auth', kind: 'deny' });
    const query = new URLSearchParams({
      client_id: oidc.client.clientId,
      response_type: 'code',
      scope: 'openid',
      redirect_uri: 'http://127.0.0.1:5050/cb',
      state: 'deny-state',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      login_hint: 'alice',
    });
    const { status, location } = await getRedirect(`${oidc.endpoints.authorization}?${query}`);
    expect(status).toBe(302);
    expect(location!.searchParams.get('error')).toBe('access_denied');
    expect(location!.searchParams.get('state')).toBe('deny-state');
    expect(location!.searchParams.get('iss')).toBe(oidc.issuer);

    github.addFault({ endpoint: '/login/oauth/authorize', kind: 'deny' });
    const gh = await getRedirect(
      `${github.endpoints.authorization}?${new URLSearchParams({ client_id: github.client.clientId, redirect_uri: 'http://127.0.0.1:5050/cb', state: 'g', login: 'alice' })}`,
    );
    expect(gh.location!.searchParams.get('error')).toBe('access_denied');
    expect(gh.location!.searchParams.get('state')).toBe('g');
  });

  it('deny never redirects to a URI the client may not use', async () => {
    github.addFault({ endpoint: '/login/oauth/authorize', kind: 'deny' });
    const query = new URLSearchParams({ client_id: github.client.clientId, redirect_uri: 'https://evil.example/cb' });
    const response = await fetch(`${github.endpoints.authorization}?${query}`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it('posted over HTTP with times "always", applies until cleared', async () => {
    const posted = await fetch(`${github.url}/__harness/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint: '/user', kind: 'status', status: 502, body: 'upstream down', times: 'always' }),
    });
    expect(posted.status).toBe(201);
    for (let i = 0; i < 3; i++) {
      const response = await fetch(github.endpoints.userinfo);
      expect(response.status).toBe(502);
      expect(await response.text()).toBe('upstream down');
    }
    expect((await fetch(`${github.url}/__harness/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(github.endpoints.userinfo)).status).toBe(401);
  });

  it('rejects a malformed fault with 400 and a reason', async () => {
    const response = await fetch(`${github.url}/__harness/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint: '/user', kind: 'explode' }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error_description: string }).error_description).toMatch(/kind must be/);
  });

  it('rejects a match that is not an object of strings', async () => {
    const response = await fetch(`${github.url}/__harness/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint: '/user', kind: 'deny', match: { state: 1 } }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error_description: string }).error_description).toMatch(/match must be/);
  });
});
