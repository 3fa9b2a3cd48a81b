import { describe, expect, it } from 'vitest';
import { sha256 } from '../../crypto/digest.ts';
import { MemoryStore } from '../../storage/memory-store.ts';
import type { JsonValue } from '../../storage/store.ts';
import {
  BASE,
  CLIENT_REDIRECT,
  createTestProxy,
  exchangeCode,
  obtainCode,
  registerClient,
} from '../support/test-proxy.ts';

function post(body: string, contentType = 'application/json', headers: Record<string, string> = {}) {
  return new Request(`${BASE}/register`, {
    method: 'POST',
    headers: { 'Content-Type': contentType, ...headers },
    body,
  });
}

describe('RFC 7591 dynamic client registration', () => {
  it('registers a public client with 201 and echoes the metadata in force', async () => {
    const { proxy } = await createTestProxy();
    const response = await proxy.fetch(
      post(JSON.stringify({ redirect_uris: [CLIENT_REDIRECT], token_endpoint_auth_method: 'none', client_name: 'A' })),
    );
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      redirect_uris: [CLIENT_REDIRECT],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      client_name: 'A',
    });
    expect(typeof body.client_id).toBe('string');
    expect(Math.abs((body.client_id_issued_at as number) - Date.now() / 1000)).toBeLessThan(5);
    expect(body).not.toHaveProperty('client_secret');
  });

  it('defaults to client_secret_basic and issues a unique secret stored only as a hash', async () => {
    const { proxy, store } = await createTestProxy();
    const first = await registerClient(proxy, { token_endpoint_auth_method: undefined });
    const second = await registerClient(proxy, { token_endpoint_auth_method: undefined });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      token_endpoint_auth_method: 'client_secret_basic',
      client_secret_expires_at: 0,
    });
    expect(first.body.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.body.client_secret).not.toBe(second.body.client_secret);
    expect(first.body.client_id).not.toBe(second.body.client_id);
    const stored = await store.get<{ [key: string]: JsonValue }>(`client:${first.body.client_id}`);
    expect(JSON.stringify(stored)).not.toContain(first.body.client_secret);
    expect(stored?.client_secret_hash).toBe(sha256(first.body.client_secret!));
  });

  it('never discloses the upstream client credentials', async () => {
    const { proxy } = await createTestProxy();
    const { body } = await registerClient(proxy, { token_endpoint_auth_method: 'client_secret_post' });
    expect(JSON.stringify(body)).not.toContain('upstream-client');
  });

  it('ignores metadata it does not understand', async () => {
    const { proxy } = await createTestProxy();
    const { status, body } = await registerClient(proxy, { x_unknown: 1, software_statement_extra: { a: 1 } });
    expect(status).toBe(201);
    expect(body).not.toHaveProperty('x_unknown');
  });

  it.each([
    ['no redirect URIs', { redirect_uris: undefined }, 'invalid_redirect_uri'],
    ['an empty redirect URI list', { redirect_uris: [] }, 'invalid_redirect_uri'],
    ['a fragment', { redirect_uris: ['https://client.test/cb#x'] }, 'invalid_redirect_uri'],
    ['plain http to a remote host', { redirect_uris: ['http://evil.example/cb'] }, 'invalid_redirect_uri'],
    ['userinfo', { redirect_uris: ['http://localhost@evil.com/cb'] }, 'invalid_redirect_uri'],
    ["the proxy's own callback", { redirect_uris: [`${BASE}/auth/callback`] }, 'invalid_redirect_uri'],
    [
      '21 redirect URIs',
      { redirect_uris: Array.from({ length: 21 }, (_, i) => `https://c.test/${i}`) },
      'invalid_redirect_uri',
    ],
    ['a non-string redirect URI', { redirect_uris: [42] }, 'invalid_redirect_uri'],
    ['both jwks and jwks_uri', { jwks: { keys: [] }, jwks_uri: 'https://c.test/jwks' }, 'invalid_client_metadata'],
    ['the implicit grant', { grant_types: ['implicit'] }, 'invalid_client_metadata'],
    ['client_credentials', { grant_types: ['authorization_code', 'client_credentials'] }, 'invalid_client_metadata'],
    ['response type token', { response_types: ['token'] }, 'invalid_client_metadata'],
    ['an unknown auth method', { token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata'],
    ['a 201-character client name', { client_name: 'x'.repeat(201) }, 'invalid_client_metadata'],
    ['a non-string client name', { client_name: { evil: true } }, 'invalid_client_metadata'],
    ['a javascript: client_uri', { client_uri: 'javascript:alert(1)' }, 'invalid_client_metadata'],
  ])('refuses %s with 400 %s', async (_name, metadata, error) => {
    const { proxy } = await createTestProxy();
    const { status, body } = await registerClient(proxy, metadata);
    expect({ status, error: body.error }).toEqual({ status: 400, error });
  });

  it('refuses non-JSON bodies with 415 and malformed JSON with 400', async () => {
    const { proxy } = await createTestProxy();
    const form = await proxy.fetch(post('redirect_uris=https://c.test/cb', 'application/x-www-form-urlencoded'));
    expect({ status: form.status, error: ((await form.json()) as { error: string }).error }).toEqual({
      status: 415,
      error: 'invalid_request',
    });
    for (const body of ['{', '[]', '"x"', 'null']) {
      const response = await proxy.fetch(post(body));
      expect({ status: response.status, error: ((await response.json()) as { error: string }).error }).toEqual({
        status: 400,
        error: 'invalid_client_metadata',
      });
    }
  });

  it('refuses bodies over 64 KiB without a server error', async () => {
    const { proxy } = await createTestProxy();
    const response = await proxy.fetch(
      post(JSON.stringify({ redirect_uris: [CLIENT_REDIRECT], pad: 'x'.repeat(70_000) })),
    );
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('rate-limits registrations per remote address with 429 and Retry-After', async () => {
    const { proxy } = await createTestProxy({ registrationRateLimitPerMinute: 2, trustProxyHeaders: true });
    const from = (ip: string) =>
      proxy.fetch(
        post(JSON.stringify({ redirect_uris: [CLIENT_REDIRECT] }), 'application/json', { 'X-Forwarded-For': ip }),
      );
    expect((await from('10.0.0.1')).status).toBe(201);
    expect((await from('10.0.0.1')).status).toBe(201);
    const limited = await from('10.0.0.1');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { error: string }).error).toBe('temporarily_unavailable');
    expect((await from('10.0.0.2')).status).toBe(201);
  });

  it('keeps an unused client for unusedClientTtlSeconds, and a used one for clientTtlSeconds', async () => {
    let now = Date.now();
    const store = new MemoryStore({ sweepIntervalMs: 0, now: () => now });
    const t = await createTestProxy({ store, unusedClientTtlSeconds: 60, clientTtlSeconds: 3600 });
    const unused = await registerClient(t.proxy);
    const used = await registerClient(t.proxy);
    const flow = await obtainCode(t, { clientId: used.body.client_id });
    expect((await exchangeCode(t, flow)).status).toBe(200);
    now += 61_000;
    expect(await store.get(`client:${unused.body.client_id}`)).toBeUndefined();
    expect(await store.get(`client:${used.body.client_id}`)).toMatchObject({ used: true });
  });

  it('answers GET with 405', async () => {
    const { proxy } = await createTestProxy();
    const response = await proxy.fetch(new Request(`${BASE}/register`));
    expect(response.status).toBe(405);
  });
});
