import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadServerConfig } from '../../server/config.ts';

const UPSTREAM = {
  UPSTREAM_PROVIDER: 'github',
  UPSTREAM_CLIENT_ID: 'id',
  UPSTREAM_CLIENT_SECRET: 'secret',
};

function configFile(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'proxy-config-'));
  const file = join(dir, 'proxy.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

describe('server configuration', () => {
  it('applies the documented server defaults and leaves proxy defaults to the library', () => {
    const config = loadServerConfig({}, UPSTREAM);
    expect(config.server).toMatchObject({ port: 8080, host: '127.0.0.1', storage: 'memory', logLevel: 'info' });
    expect(config.server.signingKey).toBeUndefined();
    expect(config.proxy).toEqual({});
    expect(config.upstream).toMatchObject({ provider: 'github', clientId: 'id' });
  });

  it('lets flags win over env vars and env vars over the config file', () => {
    const file = configFile({ PROXY_CONSENT: 'off', PORT: 9001, UPSTREAM_ISSUER: 'https://idp.example' });
    const env = { ...UPSTREAM, UPSTREAM_PROVIDER: '', PROXY_CONFIG_FILE: file, PORT: '9002' };
    expect(loadServerConfig({}, env)).toMatchObject({ proxy: { consent: 'off' }, server: { port: 9002 } });
    expect(loadServerConfig({ port: '9003', consent: 'remember' }, env)).toMatchObject({
      proxy: { consent: 'remember' },
      server: { port: 9003 },
    });
    expect(loadServerConfig({}, env).upstream).toMatchObject({ provider: 'oidc', issuer: 'https://idp.example' });
  });

  it('splits the redirect allowlist on commas', () => {
    const config = loadServerConfig(
      {},
      { ...UPSTREAM, PROXY_ALLOWED_REDIRECT_URIS: 'https://*.example.com/*, http://localhost:*' },
    );
    expect(config.proxy.allowedRedirectUris).toEqual(['https://*.example.com/*', 'http://localhost:*']);
  });

  it('refuses a trailing slash on the base URL, as the library does, and says what to write instead', () => {
    expect(() => loadServerConfig({}, { ...UPSTREAM, PROXY_BASE_URL: 'https://mcp.example.com/' })).toThrow(
      'PROXY_BASE_URL must not end with "/" (the issuer is compared byte for byte): use "https://mcp.example.com"',
    );
  });

  it.each([
    [{ PROXY_CONSENT: 'sometimes' }, /^PROXY_CONSENT must be always, remember or off, got "sometimes"$/],
    [{ PORT: '70000' }, /^PORT must be a whole number from 0 to 65535/],
    [{ PROXY_BASE_URL: 'http://mcp.example.com' }, /^PROXY_BASE_URL must use https/],
    [{ PROXY_BASE_URL: 'https://mcp.example.com/?x=1' }, /must not have a query or fragment/],
    [{ PROXY_SIGNING_KEY: 'short' }, /^PROXY_SIGNING_KEY must be at least 32 characters/],
    [{ PROXY_ENCRYPTION_KEY: 'short' }, /^PROXY_ENCRYPTION_KEY must be at least 32 characters/],
    [{ PROXY_COOKIE_SECRET: 'short' }, /^PROXY_COOKIE_SECRET must be at least 32 characters/],
    [{ PROXY_MCP_UPSTREAM: 'not a url' }, /^PROXY_MCP_UPSTREAM must be an absolute URL/],
    [{ PROXY_MCP_PATH: 'mcp' }, /^PROXY_MCP_PATH must be a path/],
    [{ PROXY_MCP_PATH: '/' }, /^PROXY_MCP_PATH must be a path/],
    [{ PROXY_ACCESS_TOKEN_TTL: '0' }, /^PROXY_ACCESS_TOKEN_TTL must be a whole number of seconds from 1 to 86400/],
    [{ PROXY_SCOPES: 'a"b' }, /^PROXY_SCOPES holds an invalid scope token/],
    [{ PROXY_ALLOWED_REDIRECT_URIS: '*.example.com' }, /^PROXY_ALLOWED_REDIRECT_URIS holds a bad pattern/],
    [{ PROXY_STORAGE: 'postgres://db' }, /^PROXY_STORAGE must be "memory", "file:PATH" or "redis:\/\/host:port"/],
    [{ UPSTREAM_TOKEN_ENDPOINT_AUTH_METHOD: 'private_key_jwt' }, /^UPSTREAM_TOKEN_ENDPOINT_AUTH_METHOD must be/],
  ])('rejects %o with a message naming the variable', (env, message) => {
    expect(() => loadServerConfig({}, { ...UPSTREAM, ...env })).toThrow(ConfigError);
    expect(() => loadServerConfig({}, { ...UPSTREAM, ...env })).toThrow(message);
  });

  it('names the flag, not the variable, when the flag is wrong', () => {
    expect(() => loadServerConfig({ port: 'x' }, UPSTREAM)).toThrow(/^--port must be a whole number/);
  });

  it('names the file when the file holds the wrong value', () => {
    const file = configFile({ PROXY_CONSENT: 'never' });
    expect(() => loadServerConfig({ config: file }, UPSTREAM)).toThrow(`PROXY_CONSENT in ${file} must be always`);
  });

  it('refuses unknown config file keys and suggests the near one', () => {
    const file = configFile({ PROXY_CONSNET: 'off', unrelated: 1 });
    expect(() => loadServerConfig({ config: file }, UPSTREAM)).toThrow(
      /has unknown keys: PROXY_CONSNET \(did you mean PROXY_CONSENT\?\), unrelated/,
    );
  });

  it('explains that a wildcard bind address needs a public base URL', () => {
    expect(() => loadServerConfig({ host: '0.0.0.0' }, UPSTREAM)).toThrow(
      /HOST=0\.0\.0\.0 \(--host\) listens beyond loopback.*set PROXY_BASE_URL \(--base-url\)/,
    );
    expect(loadServerConfig({ host: '0.0.0.0', 'base-url': 'https://mcp.example.com' }, UPSTREAM).server.host).toBe(
      '0.0.0.0',
    );
  });

  it('names the missing upstream settings with their flags', () => {
    expect(() => loadServerConfig({}, {})).toThrow(/^UPSTREAM_PROVIDER \(--upstream-provider\) is required unless/);
    expect(() => loadServerConfig({}, { UPSTREAM_PROVIDER: 'azure', UPSTREAM_CLIENT_ID: 'i' })).toThrow(
      'UPSTREAM_CLIENT_SECRET (--upstream-client-secret) is required',
    );
    expect(() => loadServerConfig({}, { ...UPSTREAM, UPSTREAM_PROVIDER: 'azure' })).toThrow(
      'UPSTREAM_TENANT (--upstream-tenant) is required for provider azure',
    );
  });

  it('reads UPSTREAM_TOKEN_ENDPOINT_AUTH_METHOD from env, flag and file (once a lost setting)', () => {
    const method = (config: ReturnType<typeof loadServerConfig>) => config.upstream.tokenEndpointAuthMethod;
    expect(
      method(loadServerConfig({}, { ...UPSTREAM, UPSTREAM_TOKEN_ENDPOINT_AUTH_METHOD: 'client_secret_post' })),
    ).toBe('client_secret_post');
    expect(method(loadServerConfig({ 'upstream-token-endpoint-auth-method': 'client_secret_basic' }, UPSTREAM))).toBe(
      'client_secret_basic',
    );
    const file = configFile({ UPSTREAM_TOKEN_ENDPOINT_AUTH_METHOD: 'client_secret_post' });
    expect(method(loadServerConfig({ config: file }, UPSTREAM))).toBe('client_secret_post');
  });

  it('reports an unreadable config file clearly', () => {
    expect(() => loadServerConfig({ config: join(tmpdir(), 'does-not-exist.json') }, UPSTREAM)).toThrow(
      /cannot read config file/,
    );
  });
});
