// Generic OIDC by discovery: OIDC Discovery §4 URL, §4.3 issuer check, endpoints from the document, loaded once.
import { delay, http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createUpstream } from '../../upstream/create-upstream.ts';
import { discoveryUrl } from '../../upstream/oidc.ts';
import type { UpstreamConfig } from '../../upstream/types.ts';
import { CLIENT, CLIENT_BASIC, FLOW, recorder, rejection, useHermeticServer } from './support.ts';

const server = useHermeticServer();

const ISSUER = 'https://login.example.org/realms/mcp';
const WELL_KNOWN = `${ISSUER}/.well-known/openid-configuration`;
const document = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/protocol/openid-connect/auth`,
  token_endpoint: `${ISSUER}/protocol/openid-connect/token`,
  userinfo_endpoint: `${ISSUER}/protocol/openid-connect/userinfo`,
  revocation_endpoint: `${ISSUER}/protocol/openid-connect/revoke`,
  jwks_uri: `${ISSUER}/protocol/openid-connect/certs`,
  code_challenge_methods_supported: ['plain', 'S256'],
  token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_basic', 'client_secret_post'],
};
const config: UpstreamConfig = {
  provider: 'oidc',
  ...CLIENT,
  scopes: ['openid', 'email'],
  issuer: ISSUER,
  timeoutMs: 200,
};

function serveDiscovery(body: Record<string, unknown> = document) {
  const { seen, record } = recorder();
  server.use(
    http.get(WELL_KNOWN, async ({ request }) => {
      await record(request);
      return HttpResponse.json(body);
    }),
  );
  return seen;
}

describe('OIDC Discovery', () => {
  it('builds the discovery URL by removing a trailing slash before the well-known suffix (§4)', () => {
    expect(discoveryUrl('https://tenant.auth0.com/')).toBe('https://tenant.auth0.com/.well-known/openid-configuration');
    expect(discoveryUrl(ISSUER)).toBe(WELL_KNOWN);
  });

  it('loads the document once at creation and uses its endpoints for every call', async () => {
    const discoveries = serveDiscovery();
    const { seen, record } = recorder();
    server.use(
      http.post(document.token_endpoint, async ({ request }) => {
        await record(request);
        return HttpResponse.json({ access_token: 'at', token_type: 'Bearer', refresh_token: 'rt' });
      }),
      http.get(document.userinfo_endpoint, () => HttpResponse.json({ sub: 'user-1', preferred_username: 'u1' })),
      http.post(document.revocation_endpoint, () => new HttpResponse(null, { status: 200 })),
    );
    const upstream = await createUpstream(config);
    const url = upstream.authorizationUrl(FLOW);
    expect(`${url.origin}${url.pathname}`).toBe(document.authorization_endpoint);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('scope')).toBe('openid email');
    await upstream.exchangeCode({ code: 'c', codeVerifier: FLOW.codeVerifier, redirectUri: FLOW.redirectUri });
    await upstream.refresh!('rt');
    expect(await upstream.userInfo('at')).toMatchObject({ sub: 'user-1', login: 'u1' });
    await upstream.revoke!({ accessToken: 'at', tokenType: 'Bearer', refreshToken: 'rt' });
    expect(discoveries).toHaveLength(1);
    expect(seen.map((r) => r.headers.get('authorization'))).toEqual([CLIENT_BASIC, CLIENT_BASIC]);
  });

  it('fails at creation when the discovered issuer differs from the configured one (§4.3)', async () => {
    serveDiscovery({ ...document, issuer: 'https://evil.example.com/realms/mcp' });
    const err = await rejection(() => createUpstream(config));
    expect(err.kind).toBe('misconfigured');
    expect(err.message).toBe(
      `OIDC discovery issuer mismatch: expected "${ISSUER}", got "https://evil.example.com/realms/mcp"`,
    );
  });

  it('compares issuers byte for byte: a trailing slash is a mismatch', async () => {
    serveDiscovery({ ...document, issuer: `${ISSUER}/` });
    expect((await rejection(() => createUpstream(config))).kind).toBe('misconfigured');
  });

  it('refuses an http endpoint under an https issuer', async () => {
    serveDiscovery({ ...document, token_endpoint: 'http://login.example.org/token' });
    const err = await rejection(() => createUpstream(config));
    expect(err.kind).toBe('bad_response');
    expect(err.message).toContain('token_endpoint');
  });

  it('refuses a document without a token_endpoint', async () => {
    const { token_endpoint: _omitted, ...withoutToken } = document;
    serveDiscovery(withoutToken);
    expect((await rejection(() => createUpstream(config))).kind).toBe('bad_response');
  });

  it('asks for UPSTREAM_USERINFO_ENDPOINT when the document has no userinfo_endpoint', async () => {
    const { userinfo_endpoint: _omitted, ...withoutUserinfo } = document;
    serveDiscovery(withoutUserinfo);
    const err = await rejection(() => createUpstream(config));
    expect(err.kind).toBe('misconfigured');
    expect(err.message).toContain('UPSTREAM_USERINFO_ENDPOINT');
  });

  it('lets configured endpoints win over discovered ones', async () => {
    serveDiscovery();
    const upstream = await createUpstream({
      ...config,
      authorizationEndpoint: 'https://login.example.org/custom-auth',
    });
    expect(upstream.authorizationUrl(FLOW).pathname).toBe('/custom-auth');
  });

  it('uses client_secret_post when the document lists it but not client_secret_basic', async () => {
    serveDiscovery({ ...document, token_endpoint_auth_methods_supported: ['client_secret_post'] });
    const { seen, record } = recorder();
    server.use(
      http.post(document.token_endpoint, async ({ request }) => {
        await record(request);
        return HttpResponse.json({ access_token: 'at', token_type: 'Bearer' });
      }),
    );
    const upstream = await createUpstream(config);
    await upstream.exchangeCode({ code: 'c', codeVerifier: FLOW.codeVerifier, redirectUri: FLOW.redirectUri });
    expect(seen[0]!.headers.has('authorization')).toBe(false);
    expect(seen[0]!.form.get('client_secret')).toBe(CLIENT.clientSecret);
  });

  it.each([
    ['a 404', () => HttpResponse.json({ error: 'not found' }, { status: 404 }), 'misconfigured'],
    ['a 500', () => new HttpResponse(null, { status: 500 }), 'unavailable'],
    ['garbage', () => HttpResponse.html('<html>login portal</html>'), 'bad_response'],
  ])('fails creation on %s from discovery with %s', async (_label, resolver, kind) => {
    server.use(http.get(WELL_KNOWN, resolver));
    expect((await rejection(() => createUpstream(config))).kind).toBe(kind);
  });

  it('gives start-up discovery at least 10 s, even with a short timeoutMs (200 ms) for the calls users wait on', async () => {
    server.use(
      http.get(WELL_KNOWN, async () => {
        await delay(1000);
        return HttpResponse.json(document);
      }),
    );
    await expect(createUpstream(config)).resolves.toBeDefined();
  });

  it('fails creation with unavailable when discovery never answers', async () => {
    server.use(
      http.get(WELL_KNOWN, async () => {
        await delay('infinite');
        return HttpResponse.json(document);
      }),
    );
    expect((await rejection(() => createUpstream(config))).kind).toBe('unavailable');
  }, 20_000);
});
