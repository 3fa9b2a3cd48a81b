import { describe, expect, it } from 'vitest';
import type { UpstreamErrorKind } from '../../upstream/types.ts';
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

/** Runs the flow up to the upstream redirect and returns the upstream state. */
async function upstreamState(t: TestProxy): Promise<string> {
  const { body } = await registerClient(t.proxy);
  const page = await t.proxy.fetch(
    new Request(
      authorizeUrl({
        response_type: 'code',
        client_id: body.client_id,
        redirect_uri: CLIENT_REDIRECT,
        code_challenge: newPkce().challenge,
        code_challenge_method: 'S256',
        state: 'client-state',
      }),
    ),
  );
  const approved = await postForm(t.proxy, '/consent', { ...consentFields(await page.text()), decision: 'approve' });
  return new URL(approved.headers.get('location')!).searchParams.get('state')!;
}

function callback(t: TestProxy, query: string) {
  return t.proxy.fetch(new Request(`${BASE}/auth/callback?${query}`));
}

function clientRedirect(response: Response): URLSearchParams {
  const location = response.headers.get('location')!;
  expect(location.startsWith(`${CLIENT_REDIRECT}?`)).toBe(true);
  return new URL(location).searchParams;
}

describe('the upstream callback', () => {
  it('exchanges the upstream code with the proxy’s own verifier and redirects a new code with state and iss', async () => {
    const t = await createTestProxy();
    const state = await upstreamState(t);
    const response = await callback(t, `code=up-code&state=${state}`);
    expect(response.status).toBe(302);
    const params = clientRedirect(response);
    expect(params.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('code')).not.toBe('up-code');
    expect(params.get('state')).toBe('client-state');
    expect(params.get('iss')).toBe(BASE);
    expect(t.upstream.calls.exchangeCode).toEqual([
      {
        code: 'up-code',
        codeVerifier: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        redirectUri: `${BASE}/auth/callback`,
      },
    ]);
  });

  it.each([
    ['a missing state', 'code=c'],
    ['an unknown state', 'code=c&state=forged'],
    ['a duplicated state', 'code=c&state=a&state=b'],
  ])('renders an error page for %s, never a redirect', async (_name, query) => {
    const t = await createTestProxy();
    const response = await callback(t, query);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('accepts each state once: a replayed callback gets a page', async () => {
    const t = await createTestProxy();
    const state = await upstreamState(t);
    expect((await callback(t, `code=c&state=${state}`)).status).toBe(302);
    const replay = await callback(t, `code=c&state=${state}`);
    expect(replay.status).toBe(400);
    expect(replay.headers.get('location')).toBeNull();
  });

  it('ignores a redirect_uri smuggled into the callback', async () => {
    const t = await createTestProxy();
    const state = await upstreamState(t);
    const response = await callback(t, `code=c&state=${state}&redirect_uri=https://attacker.test/cb`);
    clientRedirect(response);
  });

  it.each([
    ['access_denied', 'access_denied'],
    ['server_error', 'server_error'],
    ['temporarily_unavailable', 'temporarily_unavailable'],
    ['invalid_scope', 'server_error'],
  ])('maps an upstream error=%s to %s at the client', async (upstreamError, error) => {
    const t = await createTestProxy();
    const state = await upstreamState(t);
    const params = clientRedirect(await callback(t, `error=${upstreamError}&state=${state}`));
    expect({ error: params.get('error'), state: params.get('state') }).toEqual({ error, state: 'client-state' });
    expect(t.upstream.calls.exchangeCode).toHaveLength(0);
  });

  it.each<[UpstreamErrorKind, string]>([
    ['access_denied', 'access_denied'],
    ['invalid_grant', 'server_error'],
    ['bad_response', 'server_error'],
    ['misconfigured', 'server_error'],
    ['unavailable', 'temporarily_unavailable'],
  ])('maps an upstream %s failure to %s and stores no grant', async (kind, error) => {
    const t = await createTestProxy();
    const state = await upstreamState(t);
    t.upstream.failNext.exchange = kind;
    const params = clientRedirect(await callback(t, `code=c&state=${state}`));
    expect(params.get('error')).toBe(error);
    expect(params.get('error_description')).not.toContain('fake');
    expect(params.get('code')).toBeNull();
  });
});
