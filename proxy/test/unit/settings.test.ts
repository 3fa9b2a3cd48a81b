import { describe, expect, it } from 'vitest';
import { createTestProxy } from '../support/test-proxy.ts';

describe('option validation at creation', () => {
  it.each([
    [{ baseUrl: 'http://proxy.example.com' }, /https/],
    [{ baseUrl: 'https://proxy.example.com/' }, /must not end with "\/"/],
    [{ baseUrl: 'https://proxy.example.com?x=1' }, /query or fragment/],
    [{ baseUrl: 'not a url' }, /absolute URL/],
    [{ baseUrl: 'HTTPS://Proxy.Example.com' }, /canonical form/],
    [{ mcpPath: 'mcp' }, /mcpPath/],
    [{ signing: { kind: 'secret', secret: 'short' } }, /at least 32/],
    [{ signing: { kind: 'jwks', keys: [] } }, /at least one/],
    [{ cookieSecret: 'short' }, /cookieSecret/],
    [{ scopesSupported: ['has space'] }, /scope token/],
    [{ accessTokenTtlSeconds: 0 }, /accessTokenTtlSeconds/],
    [{ refreshGraceSeconds: -1 }, /refreshGraceSeconds/],
    [{ consent: 'sometimes' }, /consent must be/],
    [{ allowedRedirectUris: ['*.example.com'] }, /allowedRedirectUris/],
  ])('refuses %o', async (options, message) => {
    await expect(createTestProxy(options as never)).rejects.toThrow(message);
  });

  it('accepts a loopback http issuer for development', async () => {
    const { proxy } = await createTestProxy({ baseUrl: 'http://127.0.0.1:3000' });
    expect(proxy.issuer).toBe('http://127.0.0.1:3000');
    expect(proxy.resource).toBe('http://127.0.0.1:3000/mcp');
  });
});
