import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../storage/store.ts';
import { BASE, createTestProxy, postForm, registerClient } from '../support/test-proxy.ts';

describe('error handling', () => {
  it('answers 503 temporarily_unavailable when the store is unreachable', async () => {
    const t = await createTestProxy();
    t.store.get = async () => {
      throw new StoreUnavailableError('redis down');
    };
    const response = await postForm(t.proxy, '/token', {
      grant_type: 'refresh_token',
      refresh_token: 'x',
      client_id: 'c',
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'The service is temporarily unavailable',
    });
  });

  it('answers 500 server_error without internals for an unexpected failure', async () => {
    const t = await createTestProxy();
    t.store.set = async () => {
      throw new Error('secret internal detail');
    };
    const response = await t.proxy.fetch(
      new Request(`${BASE}/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ redirect_uris: ['https://c.test/cb'] }),
      }),
    );
    expect(response.status).toBe(500);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: 'server_error', error_description: 'An unexpected error occurred' });
    expect(text).not.toContain('secret internal detail');
  });

  it.each([
    ['/token', 'application/x-www-form-urlencoded', '%%%=%%%&&&='],
    ['/token', 'multipart/form-data; boundary=x', '--x\r\n\r\n--x--'],
    ['/revoke', 'application/x-www-form-urlencoded', 'token'],
    ['/consent', 'application/x-www-form-urlencoded', 'a=%ZZ'],
    ['/register', 'application/json', '{"redirect_uris": "https://c.test/cb"}'],
    ['/register', 'application/json; charset=utf-8', '{"redirect_uris": [null]}'],
    ['/authorize', 'text/plain', 'x'],
  ])('never answers a malformed POST to %s (%s) with a 5xx', async (path, contentType, body) => {
    const t = await createTestProxy();
    await registerClient(t.proxy);
    const response = await t.proxy.fetch(
      new Request(`${BASE}${path}`, { method: 'POST', headers: { 'Content-Type': contentType }, body }),
    );
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  it.each(['/authorize?%ZZ', '/authorize?client_id=%00', '/auth/callback?state=%FF%FE', '/mcp?x=%'])(
    'never answers GET %s with a 5xx',
    async (path) => {
      const t = await createTestProxy();
      const response = await t.proxy.fetch(new Request(`${BASE}${path}`));
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    },
  );
});
