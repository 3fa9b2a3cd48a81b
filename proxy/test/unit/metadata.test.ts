import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { JsonWebKeyWithKid } from '../../options/proxy-options.ts';
import { createFakeUpstream } from '../support/fake-upstream.ts';
import { BASE, createTestProxy } from '../support/test-proxy.ts';

async function getJson(fetcher: { fetch(r: Request): Promise<Response> }, url: string) {
  const response = await fetcher.fetch(new Request(url, { headers: { Origin: 'https://web-client.test' } }));
  return { response, body: response.status === 200 ? ((await response.json()) as Record<string, unknown>) : {} };
}

function noEmptyArrays(body: Record<string, unknown>): string[] {
  return Object.entries(body)
    .filter(([, v]) => Array.isArray(v) && v.length === 0)
    .map(([k]) => k);
}

describe('RFC 8414 authorization server metadata', () => {
  it('describes an OAuth 2.1 server with PKCE S256, CIMD, DCR, revocation and the iss parameter', async () => {
    const { proxy } = await createTestProxy();
    const { response, body } = await getJson(proxy, `${BASE}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(body).toEqual({
      issuer: BASE,
      authorization_endpoint: `${BASE}/authorize`,
      token_endpoint: `${BASE}/token`,
      registration_endpoint: `${BASE}/register`,
      revocation_endpoint: `${BASE}/revoke`,
      scopes_supported: ['mcp:tools', 'mcp:admin'],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_post', 'client_secret_basic', 'private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['ES256', 'EdDSA', 'RS256'],
      revocation_endpoint_auth_methods_supported: [
        'none',
        'client_secret_post',
        'client_secret_basic',
        'private_key_jwt',
      ],
      revocation_endpoint_auth_signing_alg_values_supported: ['ES256', 'EdDSA', 'RS256'],
      authorization_response_iss_parameter_supported: true,
      client_id_metadata_document_supported: true,
    });
  });

  it('advertises neither CIMD nor private_key_jwt when metadata documents are turned off', async () => {
    const { proxy } = await createTestProxy({ clientIdMetadataDocuments: false });
    const { body } = await getJson(proxy, `${BASE}/.well-known/oauth-authorization-server`);
    expect(body).not.toHaveProperty('client_id_metadata_document_supported');
    expect(body).not.toHaveProperty('token_endpoint_auth_signing_alg_values_supported');
    expect(body.token_endpoint_auth_methods_supported).toEqual(['none', 'client_secret_post', 'client_secret_basic']);
  });

  it('omits scopes_supported when none are configured and lists them when they are', async () => {
    const none = await createTestProxy({ scopesSupported: [] });
    const plain = await getJson(none.proxy, `${BASE}/.well-known/oauth-authorization-server`);
    expect(plain.body).not.toHaveProperty('scopes_supported');
    expect(noEmptyArrays(plain.body)).toEqual([]);
    const scoped = await createTestProxy({ scopesSupported: ['mcp:read', 'offline_access'] });
    const { body } = await getJson(scoped.proxy, `${BASE}/.well-known/oauth-authorization-server`);
    expect(body.scopes_supported).toEqual(['mcp:read', 'offline_access']);
  });

  it('inserts the well-known segment before the issuer path and keeps the issuer byte-identical', async () => {
    const { proxy } = await createTestProxy({ baseUrl: `${BASE}/tenant1` });
    const inserted = await getJson(proxy, `${BASE}/.well-known/oauth-authorization-server/tenant1`);
    expect(inserted.response.status).toBe(200);
    expect(inserted.body.issuer).toBe(`${BASE}/tenant1`);
    expect(inserted.body.token_endpoint).toBe(`${BASE}/tenant1/token`);
    const prm = await getJson(proxy, `${BASE}/.well-known/oauth-protected-resource/tenant1/mcp`);
    expect(prm.body).toMatchObject({ resource: `${BASE}/tenant1/mcp`, authorization_servers: [`${BASE}/tenant1`] });
  });

  it('allows CORS on metadata but does not serve an OpenID configuration', async () => {
    const { proxy } = await createTestProxy();
    const { response } = await getJson(proxy, `${BASE}/.well-known/oauth-authorization-server`);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const oidc = await proxy.fetch(new Request(`${BASE}/.well-known/openid-configuration`));
    expect(oidc.status).toBe(404);
  });

  it('answers CORS preflights of the API endpoints and marks their answers, errors included', async () => {
    const { proxy } = await createTestProxy();
    const preflight = await proxy.fetch(
      new Request(`${BASE}/token`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
      }),
    );
    expect(preflight.status).toBe(204);
    expect(Object.fromEntries([...preflight.headers].filter(([name]) => name.startsWith('access-control-')))).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': 'Authorization, Content-Type, MCP-Protocol-Version',
      'access-control-max-age': '600',
    });
    const refused = await proxy.fetch(
      new Request(`${BASE}/token`, {
        method: 'POST',
        headers: { origin: 'https://app.example', 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=password',
      }),
    );
    expect(refused.status).toBe(400);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    expect(refused.headers.get('x-request-id')).toBeTruthy();
  });

  it('publishes jwks_uri with only public key parts when signing with ES256 keys', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'k1' } as JsonWebKeyWithKid;
    const { proxy } = await createTestProxy({
      signing: { kind: 'jwks', keys: [jwk] },
      cookieSecret: 'cookie-secret-0123456789abcdef0123456789',
      upstream: createFakeUpstream(),
    });
    const { body } = await getJson(proxy, `${BASE}/.well-known/oauth-authorization-server`);
    expect(body.jwks_uri).toBe(`${BASE}/jwks.json`);
    const jwks = await getJson(proxy, `${BASE}/jwks.json`);
    expect(jwks.body).toEqual({
      keys: [{ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid: 'k1', alg: 'ES256', use: 'sig' }],
    });
  });

  it('publishes no jwks_uri for HS256, whose key must stay secret', async () => {
    const { proxy } = await createTestProxy();
    const { body } = await getJson(proxy, `${BASE}/.well-known/oauth-authorization-server`);
    expect(body).not.toHaveProperty('jwks_uri');
    expect((await proxy.fetch(new Request(`${BASE}/jwks.json`))).status).toBe(404);
  });
});

describe('RFC 9728 protected resource metadata', () => {
  it('names the MCP URL byte-for-byte and the proxy as its authorization server, at the path and the root', async () => {
    const { proxy } = await createTestProxy({ scopesSupported: ['mcp:read', 'offline_access'] });
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const { response, body } = await getJson(proxy, `${BASE}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(body).toEqual({
        resource: `${BASE}/mcp`,
        authorization_servers: [BASE],
        scopes_supported: ['mcp:read'],
        bearer_methods_supported: ['header'],
      });
    }
  });

  it('omits scopes_supported when no scopes are configured', async () => {
    const { proxy } = await createTestProxy({ scopesSupported: [] });
    const { body } = await getJson(proxy, `${BASE}/.well-known/oauth-protected-resource/mcp`);
    expect(body).not.toHaveProperty('scopes_supported');
    expect(noEmptyArrays(body)).toEqual([]);
  });
});
