// UPSTREAM_* environment variables → UpstreamConfig, with errors that name the variable to fix.
import { describe, expect, it } from 'vitest';
import { upstreamConfigFromEnv } from '../../upstream/create-upstream.ts';

const CREDENTIALS = { UPSTREAM_CLIENT_ID: 'id', UPSTREAM_CLIENT_SECRET: 'secret' };

describe('reading UPSTREAM_* variables', () => {
  it('reads a full GitHub configuration with comma-separated scopes', () => {
    expect(
      upstreamConfigFromEnv({
        ...CREDENTIALS,
        UPSTREAM_PROVIDER: 'github',
        UPSTREAM_SCOPES: 'read:user, user:email',
        UPSTREAM_AUTHORIZATION_ENDPOINT: 'http://127.0.0.1:4000/login/oauth/authorize',
        UPSTREAM_TOKEN_ENDPOINT: 'http://127.0.0.1:4000/login/oauth/access_token',
        UPSTREAM_USERINFO_ENDPOINT: 'http://127.0.0.1:4000/user',
        UPSTREAM_TIMEOUT_MS: '2500',
      }),
    ).toEqual({
      provider: 'github',
      clientId: 'id',
      clientSecret: 'secret',
      scopes: ['read:user', 'user:email'],
      authorizationEndpoint: 'http://127.0.0.1:4000/login/oauth/authorize',
      tokenEndpoint: 'http://127.0.0.1:4000/login/oauth/access_token',
      userinfoEndpoint: 'http://127.0.0.1:4000/user',
      timeoutMs: 2500,
    });
  });

  it("defaults the provider to 'oidc' when UPSTREAM_ISSUER is set, with space-separated scopes", () => {
    const config = upstreamConfigFromEnv({
      ...CREDENTIALS,
      UPSTREAM_ISSUER: 'https://idp.example.com',
      UPSTREAM_SCOPES: 'openid  email offline_access',
    });
    expect(config).toMatchObject({ provider: 'oidc', scopes: ['openid', 'email', 'offline_access'] });
  });

  it("defaults the provider to 'oauth2' when endpoints are set", () => {
    const config = upstreamConfigFromEnv({
      ...CREDENTIALS,
      UPSTREAM_AUTHORIZATION_ENDPOINT: 'https://idp.example.com/authorize',
      UPSTREAM_TOKEN_ENDPOINT: 'https://idp.example.com/token',
      UPSTREAM_USERINFO_ENDPOINT: 'https://idp.example.com/me',
      UPSTREAM_REVOCATION_ENDPOINT: 'https://idp.example.com/revoke',
    });
    expect(config).toMatchObject({
      provider: 'oauth2',
      scopes: [],
      revocationEndpoint: 'https://idp.example.com/revoke',
    });
  });

  it('fills provider default scopes when UPSTREAM_SCOPES is unset or empty', () => {
    expect(upstreamConfigFromEnv({ ...CREDENTIALS, UPSTREAM_PROVIDER: 'google', UPSTREAM_SCOPES: ' ' }).scopes).toEqual(
      ['openid', 'email', 'profile'],
    );
    expect(upstreamConfigFromEnv({ ...CREDENTIALS, UPSTREAM_PROVIDER: 'github' }).scopes).toEqual([
      'read:user',
      'user:email',
    ]);
  });

  it('reads tenant, audience and the token endpoint auth method', () => {
    expect(
      upstreamConfigFromEnv({ ...CREDENTIALS, UPSTREAM_PROVIDER: 'azure', UPSTREAM_TENANT: 'organizations' }),
    ).toMatchObject({ tenant: 'organizations' });
    expect(
      upstreamConfigFromEnv({
        ...CREDENTIALS,
        UPSTREAM_PROVIDER: 'auth0',
        UPSTREAM_ISSUER: 'https://t.auth0.com/',
        UPSTREAM_AUDIENCE: 'https://api.example.com',
        UPSTREAM_TOKEN_ENDPOINT_AUTH_METHOD: 'client_secret_basic',
      }),
    ).toMatchObject({ audience: 'https://api.example.com', tokenEndpointAuthMethod: 'client_secret_basic' });
  });
});

describe('configuration errors name the variable', () => {
  it.each([
    [
      { ...CREDENTIALS },
      'UPSTREAM_PROVIDER (--upstream-provider) is required unless UPSTREAM_ISSUER (provider oidc) or the UPSTREAM_*_ENDPOINT variables (provider oauth2) are set',
    ],
    [
      { ...CREDENTIALS, UPSTREAM_PROVIDER: 'okta' },
      'UPSTREAM_PROVIDER must be oidc, oauth2, github, google, azure or auth0, got "okta"',
    ],
    [
      { UPSTREAM_PROVIDER: 'github', UPSTREAM_CLIENT_SECRET: 's' },
      'UPSTREAM_CLIENT_ID (--upstream-client-id) is required',
    ],
    [
      { UPSTREAM_PROVIDER: 'github', UPSTREAM_CLIENT_ID: 'id', UPSTREAM_CLIENT_SECRET: '' },
      'UPSTREAM_CLIENT_SECRET (--upstream-client-secret) is required',
    ],
    [
      { ...CREDENTIALS, UPSTREAM_PROVIDER: 'oidc' },
      'UPSTREAM_ISSUER (--upstream-issuer) is required for provider oidc',
    ],
    [
      { ...CREDENTIALS, UPSTREAM_PROVIDER: 'auth0' },
      'UPSTREAM_ISSUER (--upstream-issuer) is required for provider auth0',
    ],
    [
      { ...CREDENTIALS, UPSTREAM_PROVIDER: 'azure' },
      'UPSTREAM_TENANT (--upstream-tenant) is required for provider azure',
    ],
    [
      { ...CREDENTIALS, UPSTREAM_TOKEN_ENDPOINT: 'https://idp.example.com/token' },
      'UPSTREAM_AUTHORIZATION_ENDPOINT (--upstream-authorization-endpoint) is required for provider oauth2',
    ],
    [
      {
        ...CREDENTIALS,
        UPSTREAM_AUTHORIZATION_ENDPOINT: 'https://idp.example.com/authorize',
        UPSTREAM_TOKEN_ENDPOINT: 'https://idp.example.com/token',
      },
      'UPSTREAM_USERINFO_ENDPOINT (--upstream-userinfo-endpoint) is required for provider oauth2',
    ],
    [
      { ...CREDENTIALS, UPSTREAM_ISSUER: 'idp.example.com' },
      'UPSTREAM_ISSUER must be an absolute URL, got "idp.example.com"',
    ],
    [
      { ...CREDENTIALS, UPSTREAM_PROVIDER: 'github', UPSTREAM_TOKEN_ENDPOINT: 'ftp://x/token' },
      'UPSTREAM_TOKEN_ENDPOINT must be an http(s) URL, got "ftp://x/token"',
    ],
    [
      { ...CREDENTIALS, UPSTREAM_PROVIDER: 'github', UPSTREAM_TIMEOUT_MS: '2s' },
      'UPSTREAM_TIMEOUT_MS must be a whole number of milliseconds from 1 to 600000, got "2s"',
    ],
    [
      { ...CREDENTIALS, UPSTREAM_PROVIDER: 'github', UPSTREAM_TIMEOUT_MS: '0' },
      'UPSTREAM_TIMEOUT_MS must be a whole number of milliseconds from 1 to 600000, got 0',
    ],
    [
      { ...CREDENTIALS, UPSTREAM_PROVIDER: 'github', UPSTREAM_TOKEN_ENDPOINT_AUTH_METHOD: 'private_key_jwt' },
      'UPSTREAM_TOKEN_ENDPOINT_AUTH_METHOD must be client_secret_basic or client_secret_post, got "private_key_jwt"',
    ],
  ])('rejects %o with "%s"', (env, message) => {
    expect(() => upstreamConfigFromEnv(env)).toThrow(message);
  });

  it('never echoes the client secret in an error', () => {
    try {
      upstreamConfigFromEnv({
        UPSTREAM_PROVIDER: 'oidc',
        UPSTREAM_CLIENT_ID: 'id',
        UPSTREAM_CLIENT_SECRET: 'top-secret-value',
      });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toContain('top-secret-value');
    }
  });
});
