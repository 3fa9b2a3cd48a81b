import { describe, expect, it } from 'vitest';
import { newPkce } from '../../../testkit/pkce.ts';
import {
  authorizeUrl,
  BASE,
  CLIENT_REDIRECT,
  consentFields,
  createTestProxy,
  postForm,
  registerClient,
  type TestProxy,
} from '../support/test-proxy.ts';

async function consentPage(t: TestProxy, clientId: string, cookie?: string) {
  const { challenge } = newPkce();
  const response = await t.proxy.fetch(
    new Request(
      authorizeUrl({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: CLIENT_REDIRECT,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: 'st/ate',
      }),
      { headers: cookie ? { Cookie: cookie } : {} },
    ),
  );
  return { response, challenge };
}

async function setup(overrides = {}) {
  const t = await createTestProxy(overrides);
  const { body } = await registerClient(t.proxy);
  const { response, challenge } = await consentPage(t, body.client_id);
  return { t, clientId: body.client_id, fields: consentFields(await response.text()), challenge };
}

describe('the consent form', () => {
  it('approve: 303 to the IdP with the proxy’s own PKCE challenge, fixed callback and fresh state', async () => {
    const { t, fields, challenge } = await setup();
    const response = await postForm(t.proxy, '/consent', { ...fields, decision: 'approve' });
    expect(response.status).toBe(303);
    const upstream = new URL(response.headers.get('location')!);
    expect(upstream.origin).toBe('https://idp.test');
    expect(upstream.searchParams.get('code_challenge')).not.toBe(challenge);
    expect(upstream.searchParams.get('redirect_uri')).toBe(`${BASE}/auth/callback`);
    expect(upstream.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(upstream.searchParams.get('state')).not.toBe('st/ate');
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('deny: 303 to the client with access_denied, the state and iss', async () => {
    const { t, fields } = await setup();
    const response = await postForm(t.proxy, '/consent', { ...fields, decision: 'deny' });
    expect(response.status).toBe(303);
    const params = new URL(response.headers.get('location')!).searchParams;
    expect({ error: params.get('error'), state: params.get('state'), iss: params.get('iss') }).toEqual({
      error: 'access_denied',
      state: 'st/ate',
      iss: BASE,
    });
    expect(t.upstream.calls.authorizationUrl).toHaveLength(1);
  });

  it('is single use: a second answer to the same form is refused with a page', async () => {
    const { t, fields } = await setup();
    expect((await postForm(t.proxy, '/consent', { ...fields, decision: 'approve' })).status).toBe(303);
    const again = await postForm(t.proxy, '/consent', { ...fields, decision: 'approve' });
    expect(again.status).toBe(400);
    expect(again.headers.get('location')).toBeNull();
  });

  it.each([
    ['a missing CSRF token', { csrf_token: undefined }],
    ['a wrong CSRF token', { csrf_token: 'A'.repeat(43) }],
    ['a CSRF token of another authorization', { authorization_id: 'another-id' }],
  ])('refuses %s with 403 and nothing sent upstream', async (_name, change) => {
    const { t, fields } = await setup();
    const response = await postForm(t.proxy, '/consent', { ...fields, ...change, decision: 'approve' });
    expect(response.status).toBe(403);
    expect(response.headers.get('location')).toBeNull();
    expect(t.upstream.calls.authorizationUrl).toHaveLength(1);
  });

  it.each([
    ['a cross-site Origin', { Origin: 'https://attacker.test' }],
    ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
    ['an opaque Origin', { Origin: 'null' }],
  ])('refuses a post with %s', async (_name, headers) => {
    const { t, fields } = await setup();
    const response = await postForm(t.proxy, '/consent', { ...fields, decision: 'approve' }, headers);
    expect(response.status).toBe(403);
  });

  it('accepts a same-origin browser post', async () => {
    const { t, fields } = await setup();
    const response = await postForm(
      t.proxy,
      '/consent',
      { ...fields, decision: 'approve' },
      { Origin: BASE, 'Sec-Fetch-Site': 'same-origin' },
    );
    expect(response.status).toBe(303);
  });

  it('refuses an unknown decision', async () => {
    const { t, fields } = await setup();
    const response = await postForm(t.proxy, '/consent', { ...fields, decision: 'maybe' });
    expect(response.status).toBe(400);
  });
});

describe('remembered consent', () => {
  it('sets a signed __Host- cookie and skips the page for the same client only', async () => {
    const { t, fields, clientId } = await setup({ consent: 'remember' });
    const approved = await postForm(t.proxy, '/consent', { ...fields, decision: 'approve' });
    const setCookie = approved.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^__Host-mcp-consent-[A-Za-z0-9_-]{16}=/);
    for (const attribute of ['Path=/', 'HttpOnly', 'SameSite=Lax', 'Secure', 'Max-Age=2592000']) {
      expect(setCookie).toContain(attribute);
    }
    const cookie = setCookie.split(';')[0]!;

    const again = await consentPage(t, clientId, cookie);
    expect(again.response.status).toBe(302);
    expect(again.response.headers.get('location')).toMatch(/^https:\/\/idp\.test\//);

    const other = await registerClient(t.proxy);
    const otherPage = await consentPage(t, other.body.client_id, cookie);
    expect(otherPage.response.status).toBe(200);

    const tampered = cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await consentPage(t, clientId, tampered)).response.status).toBe(200);
  });

  it('uses no __Host- prefix and no Secure on a loopback http issuer', async () => {
    const { t, fields } = await setup({ consent: 'remember', baseUrl: 'http://127.0.0.1:8080' });
    const response = await postForm(t.proxy, '/consent', { ...fields, decision: 'approve' });
    expect(response.status).toBe(303);
    const setCookie = response.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^mcp-consent-/);
    expect(setCookie).not.toContain('Secure');
  });
});
