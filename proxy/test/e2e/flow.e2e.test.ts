// The whole flow over real HTTP against the real mock IdPs: register → authorize → consent → upstream login →
// callback → token → MCP request → refresh → revoke.
import { createHash } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp, type MockIdpFlavor } from '../../../mock-idp/index.ts';
import { createOAuthProxy } from '../../app.ts';
import { MemoryStore } from '../../storage/memory-store.ts';
import { createUpstream, upstreamConfigFromEnv } from '../../upstream/create-upstream.ts';
import { TestBrowser } from '../../../testkit/test-browser.ts';
import { serveProxy, type ServedProxy } from '../support/serve.ts';
import { newPkce } from '../../../testkit/pkce.ts';
import { consentFields, echoAuthHandler, form } from '../support/test-proxy.ts';

const CLIENT_REDIRECT = 'http://127.0.0.1:65000/callback';

for (const flavor of ['github', 'oidc'] as MockIdpFlavor[]) {
  describe(`the full flow against the ${flavor} mock IdP`, () => {
    let idp: MockIdp;
    let served: ServedProxy;
    let base: string;

    beforeAll(async () => {
      idp = await startMockIdp({ flavor });
      const upstream = await createUpstream(upstreamConfigFromEnv(idp.proxyEnv));
      served = await serveProxy((baseUrl) =>
        createOAuthProxy({
          baseUrl,
          upstream,
          store: new MemoryStore(),
          signing: { kind: 'secret', secret: 'e2e-signing-secret-0123456789abcdefgh' },
          logger: pino({ level: 'silent' }),
          mcpHandler: echoAuthHandler,
        }),
      );
      base = served.base;
    });

    afterAll(async () => {
      await served.close();
      await idp.close();
    });

    it('keeps the upstream tier separate from the client tier and never leaks upstream tokens', async () => {
      const browser = new TestBrowser();
      const post = (path: string, body: Record<string, string>) =>
        browser.fetch(`${base}${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: form(body),
        });

      const unauthenticated = await browser.fetch(`${base}/mcp`, { method: 'POST' });
      expect(unauthenticated.status).toBe(401);
      expect(unauthenticated.headers.get('www-authenticate')).toContain(
        `resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`,
      );

      const registration = await browser.fetch(`${base}/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          redirect_uris: [CLIENT_REDIRECT],
          token_endpoint_auth_method: 'none',
          client_name: 'E2E',
        }),
      });
      expect(registration.status).toBe(201);
      const { client_id: clientId } = (await registration.json()) as { client_id: string };

      const { verifier, challenge } = newPkce();
      const clientState = 'client-state-Ω/&=?';
      const authorize = new URL(`${base}/authorize`);
      for (const [k, v] of Object.entries({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: CLIENT_REDIRECT,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: clientState,
        resource: `${base}/mcp`,
      })) {
        authorize.searchParams.set(k, v);
      }
      const consentPage = await browser.fetch(authorize.href);
      expect(consentPage.status).toBe(200);
      const approved = await post('/consent', { ...consentFields(await consentPage.text()), decision: 'approve' });
      expect(approved.status).toBe(303);
      const upstreamUrl = new URL(approved.headers.get('location')!);
      upstreamUrl.searchParams.set(flavor === 'oidc' ? 'login_hint' : 'login', 'alice');

      const callback = await browser.followUntil(upstreamUrl.href, (u) => u.href.startsWith(`${base}/auth/callback`));
      const clientRedirect = await browser.followUntil(callback.href, (u) => u.href.startsWith(CLIENT_REDIRECT));
      expect(clientRedirect.searchParams.get('state')).toBe(clientState);
      expect(clientRedirect.searchParams.get('iss')).toBe(base);
      const code = clientRedirect.searchParams.get('code')!;

      const tokenResponse = await post('/token', {
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        client_id: clientId,
        redirect_uri: CLIENT_REDIRECT,
        resource: `${base}/mcp`,
      });
      expect(tokenResponse.status).toBe(200);
      const tokens = (await tokenResponse.json()) as { access_token: string; refresh_token: string };

      const mcp = await browser.fetch(`${base}/mcp`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${tokens.access_token}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(mcp.status).toBe(200);
      expect(await mcp.json()).toMatchObject({ clientId });

      const refreshed = await post('/token', {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: clientId,
      });
      expect(refreshed.status).toBe(200);
      const next = (await refreshed.json()) as { access_token: string; refresh_token: string };
      expect(next.refresh_token).not.toBe(tokens.refresh_token);

      const revoked = await post('/revoke', { token: next.refresh_token, client_id: clientId });
      expect(revoked.status).toBe(200);
      const afterRevoke = await browser.fetch(`${base}/mcp`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${next.access_token}` },
      });
      expect(afterRevoke.status).toBe(401);

      // The upstream saw the proxy's own PKCE pair, its fixed callback and its own state.
      const authorizePath = new URL(idp.endpoints.authorization).pathname;
      const upstreamAuthorize = idp.requests().find((r) => r.path === authorizePath)!;
      const upstreamChallenge = String(upstreamAuthorize.query.code_challenge);
      expect(upstreamChallenge).not.toBe(challenge);
      expect(upstreamAuthorize.query.code_challenge_method).toBe('S256');
      expect(upstreamAuthorize.query.redirect_uri).toBe(`${base}/auth/callback`);
      expect(upstreamAuthorize.query.state).not.toBe(clientState);
      const tokenPath = new URL(idp.endpoints.token).pathname;
      const upstreamToken = idp
        .requests()
        .find((r) => r.path === tokenPath && r.form.grant_type === 'authorization_code')!;
      const upstreamVerifier = String(upstreamToken.form.code_verifier);
      expect(createHash('sha256').update(upstreamVerifier).digest('base64url')).toBe(upstreamChallenge);
      expect(upstreamVerifier).not.toBe(verifier);

      // No upstream token ever reached the client.
      const issued = idp.issuedTokens().map((t) => t.value);
      expect(issued.length).toBeGreaterThan(0);
      const proxyResponses = browser.seen.filter((s) => s.url.startsWith(base));
      for (const value of issued) {
        for (const response of proxyResponses) {
          expect(response.body.includes(value) || response.headers.includes(value), response.url).toBe(false);
        }
      }
    });
  });
}
