import { describe, expect, it } from 'vitest';
import { newPkce } from '../../../testkit/pkce.ts';
import {
  authorizeUrl,
  BASE,
  CLIENT_REDIRECT,
  createTestProxy,
  registerClient,
  type TestProxy,
} from '../support/test-proxy.ts';

async function setup(metadata: Record<string, unknown> = {}, overrides = {}) {
  const t = await createTestProxy(overrides);
  const { body } = await registerClient(t.proxy, metadata);
  const { challenge } = newPkce();
  const valid = {
    response_type: 'code',
    client_id: body.client_id,
    redirect_uri: CLIENT_REDIRECT,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'xyz',
  };
  return { t, clientId: body.client_id, valid };
}

function get(t: TestProxy, url: string) {
  return t.proxy.fetch(new Request(url, { headers: { Origin: 'https://attacker.test' } }));
}

function redirectParams(response: Response): URLSearchParams {
  const location = response.headers.get('location');
  if (!location) throw new Error(`expected a redirect, got ${response.status}`);
  expect(location.startsWith(`${CLIENT_REDIRECT}?`)).toBe(true);
  return new URL(location).searchParams;
}

describe('the authorization endpoint: who may be redirected to', () => {
  it.each([
    ['an unknown client', { client_id: 'nobody' }],
    ['a missing client_id', { client_id: undefined }],
    ['an unregistered redirect URI', { redirect_uri: 'https://attacker.test/cb' }],
    ['a trailing-slash variant of the redirect URI', { redirect_uri: `${CLIENT_REDIRECT}/` }],
    ['a duplicated parameter', { state: undefined, dup: true }],
  ])('renders an error page for %s and never redirects', async (_name, change) => {
    const { t, valid } = await setup();
    let url = authorizeUrl({ ...valid, ...change, dup: undefined });
    if ('dup' in change) url += '&state=a&state=b';
    const response = await get(t, url);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('accepts an omitted redirect_uri when exactly one is registered, and refuses it when several are', async () => {
    const one = await setup();
    const ok = await get(one.t, authorizeUrl({ ...one.valid, redirect_uri: undefined }));
    expect(ok.status).toBe(200);
    const two = await setup({ redirect_uris: [CLIENT_REDIRECT, 'https://client.test/other'] });
    const refused = await get(two.t, authorizeUrl({ ...two.valid, redirect_uri: undefined }));
    expect(refused.status).toBe(400);
    expect(refused.headers.get('location')).toBeNull();
  });

  it('accepts any port on a registered loopback redirect URI', async () => {
    const { t, valid } = await setup({ redirect_uris: ['http://127.0.0.1/callback'] });
    const response = await get(t, authorizeUrl({ ...valid, redirect_uri: 'http://127.0.0.1:49152/callback' }));
    expect(response.status).toBe(200);
  });
});

describe('the authorization endpoint: errors sent back to the client', () => {
  it.each([
    ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
    ['a missing response_type', { response_type: undefined }, 'invalid_request'],
    ['a missing code_challenge', { code_challenge: undefined }, 'invalid_request'],
    ['the plain PKCE method', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['a missing PKCE method', { code_challenge_method: undefined }, 'invalid_request'],
    ['an unknown PKCE method', { code_challenge_method: 'S512' }, 'invalid_request'],
    ['a 42-character challenge', { code_challenge: 'a'.repeat(42) }, 'invalid_request'],
    ['a challenge with + and /', { code_challenge: `${'a'.repeat(42)}+/` }, 'invalid_request'],
    ['a foreign resource', { resource: 'https://evil.test/mcp' }, 'invalid_target'],
    ['a resource with a fragment', { resource: `${BASE}/mcp#x` }, 'invalid_target'],
  ])('redirects %s as %s with state and iss', async (_name, change, error) => {
    const { t, valid } = await setup();
    const response = await get(t, authorizeUrl({ ...valid, ...change }));
    expect(response.status).toBe(302);
    const params = redirectParams(response);
    expect({ error: params.get('error'), state: params.get('state'), iss: params.get('iss') }).toEqual({
      error,
      state: 'xyz',
      iss: BASE,
    });
  });

  it('refuses a malformed scope with invalid_scope', async () => {
    const { t, valid } = await setup({}, { scopesSupported: ['mcp:read'] });
    const response = await get(t, authorizeUrl({ ...valid, scope: 'mcp:read "quoted"' }));
    expect(redirectParams(response).get('error')).toBe('invalid_scope');
  });

  it('accepts the resource with upper-case scheme and host', async () => {
    const { t, valid } = await setup();
    const response = await get(t, authorizeUrl({ ...valid, resource: 'HTTPS://PROXY.TEST/mcp' }));
    expect(response.status).toBe(200);
  });

  it('ignores unknown parameters', async () => {
    const { t, valid } = await setup();
    expect((await get(t, authorizeUrl({ ...valid, foo: 'bar' }))).status).toBe(200);
  });
});

describe('the authorization endpoint before consent', () => {
  it('shows the consent page with anti-framing headers, no CORS, no cookie and nothing sent upstream', async () => {
    const { t, valid } = await setup();
    const response = await get(t, authorizeUrl(valid));
    expect(response.status).toBe(200);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(t.upstream.calls.authorizationUrl).toHaveLength(1); // the startup probe for the consent page's scopes
  });

  it('shows the client name escaped, the redirect host, the full redirect URI, scopes and the IdP', async () => {
    const { t, valid } = await setup(
      { client_name: '<script>alert(1)</script>', redirect_uris: ['https://tokens.attacker.test/cb?x=1&y=2'] },
      { scopesSupported: ['mcp:read'] },
    );
    const response = await get(t, authorizeUrl({ ...valid, redirect_uri: 'https://tokens.attacker.test/cb?x=1&y=2' }));
    const page = await response.text();
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('<p class="host">tokens.attacker.test</p>');
    expect(page).toContain('https://tokens.attacker.test/cb?x=1&amp;y=2');
    expect(page).toContain('<code>mcp:read</code>');
    expect(page).toContain('GitHub');
    expect(page).toMatch(/<button[^>]*value="approve"[^>]*>Approve<\/button>/);
    expect(page).toMatch(/<button[^>]*value="deny"[^>]*>Deny<\/button>/);
  });

  it('accepts a form POST to /authorize as well', async () => {
    const { t, valid } = await setup();
    const body = new URLSearchParams(Object.entries(valid) as [string, string][]);
    const response = await t.proxy.fetch(
      new Request(`${BASE}/authorize`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
      }),
    );
    expect(response.status).toBe(200);
  });

  it('skips the consent page only when the operator turned consent off', async () => {
    const { t, valid } = await setup({}, { consent: 'off' });
    const response = await get(t, authorizeUrl(valid));
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toMatch(/^https:\/\/idp\.test\//);
  });
});
