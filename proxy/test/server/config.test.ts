import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadServerConfig } from '../../server/config.ts';

describe('server configuration', () => {
  it('applies documented defaults when nothing is set', () => {
    const config = loadServerConfig({}, {});
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      mcpPath: '/mcp',
      consent: 'always',
      storage: 'memory',
      allowedRedirectUris: [],
      trustProxyHeaders: false,
    });
    expect(config.baseUrl).toBeUndefined();
    expect(config.signingKey).toBeUndefined();
  });

  it('lets flags win over env vars and env vars over the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'proxy-config-'));
    const file = join(dir, 'proxy.json');
    writeFileSync(file, JSON.stringify({ PROXY_CONSENT: 'off', PORT: 9001, UPSTREAM_ISSUER: 'https://idp.example' }));
    const env = { PROXY_CONFIG_FILE: file, PORT: '9002' };
    expect(loadServerConfig({}, env)).toMatchObject({ consent: 'off', port: 9002 });
    expect(loadServerConfig({ port: '9003', consent: 'remember' }, env)).toMatchObject({
      consent: 'remember',
      port: 9003,
    });
    expect(loadServerConfig({}, env).upstreamEnv.UPSTREAM_ISSUER).toBe('https://idp.example');
  });

  it('splits the redirect allowlist on commas', () => {
    const config = loadServerConfig({}, { PROXY_ALLOWED_REDIRECT_URIS: 'https://*.example.com/*, http://localhost:*' });
    expect(config.allowedRedirectUris).toEqual(['https://*.example.com/*', 'http://localhost:*']);
  });

  it('strips a trailing slash from a bare-origin base URL so the issuer is byte-stable', () => {
    expect(loadServerConfig({}, { PROXY_BASE_URL: 'https://mcp.example.com/' }).baseUrl).toBe(
      'https://mcp.example.com',
    );
  });

  it.each([
    [{ PROXY_CONSENT: 'sometimes' }, /PROXY_CONSENT must be always, remember or off/],
    [{ PORT: '70000' }, /PORT must be a whole number from 0 to 65535/],
    [{ PROXY_BASE_URL: 'http://mcp.example.com' }, /PROXY_BASE_URL must use https/],
    [{ PROXY_BASE_URL: 'https://mcp.example.com/?x=1' }, /must not have a query or fragment/],
    [{ PROXY_SIGNING_KEY: 'short' }, /PROXY_SIGNING_KEY must be at least 32 characters/],
    [{ PROXY_ENCRYPTION_KEY: 'short' }, /PROXY_ENCRYPTION_KEY must be at least 32 characters/],
    [{ PROXY_COOKIE_SECRET: 'short' }, /PROXY_COOKIE_SECRET must be at least 32 characters/],
    [{ PROXY_MCP_UPSTREAM: 'not a url' }, /PROXY_MCP_UPSTREAM must be an absolute URL/],
    [{ PROXY_MCP_PATH: 'mcp' }, /PROXY_MCP_PATH must be a path/],
  ])('rejects %o with a message naming the variable', (env, message) => {
    expect(() => loadServerConfig({}, env)).toThrow(ConfigError);
    expect(() => loadServerConfig({}, env)).toThrow(message);
  });

  it('names the flag, not the variable, when the flag is wrong', () => {
    expect(() => loadServerConfig({ port: 'x' }, {})).toThrow(/--port must be a whole number/);
  });

  it('reports an unreadable config file clearly', () => {
    expect(() => loadServerConfig({ config: join(tmpdir(), 'does-not-exist.json') }, {})).toThrow(
      /cannot read config file/,
    );
  });
});
