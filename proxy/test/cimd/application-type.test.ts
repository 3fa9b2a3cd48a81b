// application_type at registration (OIDC Registration §2 as MCP 2026-07-28 requires clients to send it) and at
// /authorize, where a web client never gets a loopback redirect.
import { describe, expect, it } from 'vitest';
import { keys } from '../../records.ts';
import { authorizeUrl, BASE, createTestProxy, registerClient } from '../support/test-proxy.ts';
import { newPkce } from '../../../testkit/pkce.ts';

const LOOPBACK = 'http://127.0.0.1/callback';
const REMOTE = 'https://client.test/callback';

describe('application_type at registration', () => {
  it.each([
    ['native', [LOOPBACK]],
    ['native', ['http://localhost:3000/cb', 'http://[::1]/cb']],
    ['native', [REMOTE]],
    ['native', [LOOPBACK, REMOTE]],
    ['web', [REMOTE]],
  ])('registers application_type %s with %j and echoes it', async (type, redirect_uris) => {
    const { proxy } = await createTestProxy();
    const { status, body } = await registerClient(proxy, { application_type: type, redirect_uris });
    expect(status).toBe(201);
    expect(body.application_type).toBe(type);
  });

  it.each([[[LOOPBACK]], [['http://localhost/cb']], [[REMOTE, 'http://[::1]:8080/cb']], [['https://localhost/cb']]])(
    'refuses a web client with %j (invalid_redirect_uri)',
    async (redirect_uris) => {
      const { proxy } = await createTestProxy();
      const { status, body } = await registerClient(proxy, { application_type: 'web', redirect_uris });
      expect(status).toBe(400);
      expect(body.error).toBe('invalid_redirect_uri');
      expect(body.error_description).toMatch(/application_type web/);
    },
  );

  it.each([
    [[REMOTE], 'web'],
    [['https://a.test/cb', 'https://b.test/cb'], 'web'],
    [[LOOPBACK], 'native'],
    [[REMOTE, LOOPBACK], 'native'],
  ])('infers the type when it is absent: %j is %s', async (redirect_uris, inferred) => {
    const { proxy } = await createTestProxy();
    const { status, body } = await registerClient(proxy, { redirect_uris });
    expect(status).toBe(201);
    expect(body.application_type).toBe(inferred);
  });

  it('infers native for an allowlisted private-use scheme', async () => {
    const { proxy } = await createTestProxy({
      allowedRedirectUris: ['com.example.app://oauth/*', 'https://client.test/*'],
    });
    const { status, body } = await registerClient(proxy, { redirect_uris: ['com.example.app://oauth/cb'] });
    expect(status).toBe(201);
    expect(body.application_type).toBe('native');
  });

  it('refuses an unknown application_type', async () => {
    const { proxy } = await createTestProxy();
    const { status, body } = await registerClient(proxy, { application_type: 'service' });
    expect([status, body.error]).toEqual([400, 'invalid_client_metadata']);
  });
});

describe('application_type at /authorize', () => {
  it('never redirects a web client to loopback, even from a record that predates the rule', async () => {
    const t = await createTestProxy();
    const clientId = 'legacy-web-client';
    await t.store.set(
      keys.client(clientId),
      {
        client_id: clientId,
        client_id_issued_at: 0,
        token_endpoint_auth_method: 'none',
        redirect_uris: [LOOPBACK],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        application_type: 'web',
      },
      600,
    );
    const { challenge } = newPkce();
    const response = await t.proxy.fetch(
      new Request(
        authorizeUrl({
          response_type: 'code',
          client_id: clientId,
          redirect_uri: 'http://127.0.0.1:4567/callback',
          code_challenge: challenge,
          code_challenge_method: 'S256',
          resource: `${BASE}/mcp`,
        }),
      ),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('registered as a web application');
  });
});
