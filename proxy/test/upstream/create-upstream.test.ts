// createUpstream: dispatch on `provider`, start-time validation, and the injectable fetch.
import { describe, expect, it } from 'vitest';
import { createUpstream } from '../../upstream/create-upstream.ts';
import type { UpstreamConfig } from '../../upstream/types.ts';
import { google } from './idp-answers.ts';
import { CLIENT, rejection, useHermeticServer } from './support.ts';

// No handlers: any request that escapes the injected fetch fails the test.
useHermeticServer();

const base = { ...CLIENT, scopes: ['openid'] };

describe('createUpstream', () => {
  it.each([
    [{ provider: 'github' } as const, 'github'],
    [{ provider: 'azure', tenant: 'common' } as const, 'azure'],
    [
      {
        provider: 'oauth2',
        authorizationEndpoint: 'https://idp.example.com/a',
        tokenEndpoint: 'https://idp.example.com/t',
        userinfoEndpoint: 'https://idp.example.com/u',
      } as const,
      'oauth2',
    ],
  ])('builds the %o provider without network calls', async (settings, name) => {
    const upstream = await createUpstream({ ...base, ...settings });
    expect(upstream.name).toBe(name);
  });

  it.each([
    [{ provider: 'oidc' }, 'UPSTREAM_ISSUER (--upstream-issuer) is required for provider oidc'],
    [{ provider: 'auth0' }, 'UPSTREAM_ISSUER (--upstream-issuer) is required for provider auth0'],
    [{ provider: 'azure' }, 'UPSTREAM_TENANT (--upstream-tenant) is required for provider azure'],
    [
      { provider: 'oauth2' },
      'UPSTREAM_AUTHORIZATION_ENDPOINT (--upstream-authorization-endpoint) is required for provider oauth2',
    ],
    [{ provider: 'github', clientSecret: '' }, 'UPSTREAM_CLIENT_SECRET (--upstream-client-secret) must not be empty'],
    [
      { provider: 'github', timeoutMs: -1 },
      'UPSTREAM_TIMEOUT_MS (--upstream-timeout-ms) must be a whole number of milliseconds from 1 to 600000, got -1',
    ],
  ])('rejects %o with a message naming the setting', async (settings, message) => {
    const err = await rejection(() => createUpstream({ ...base, ...settings } as UpstreamConfig));
    expect(err.message).toBe(message);
  });

  it('routes discovery through the injected fetch', async () => {
    const calls: string[] = [];
    const fakeFetch: typeof fetch = async (input) => {
      calls.push(String(input));
      return Response.json(google.discovery);
    };
    const upstream = await createUpstream({ ...base, provider: 'google' }, { fetch: fakeFetch });
    expect(upstream.name).toBe('google');
    expect(calls).toEqual(['https://accounts.google.com/.well-known/openid-configuration']);
  });

  it('routes token requests through the injected fetch', async () => {
    const calls: string[] = [];
    const fakeFetch: typeof fetch = async (input, init) => {
      calls.push(`${init?.method} ${String(input)}`);
      return Response.json({ access_token: 'at', token_type: 'bearer' });
    };
    const upstream = await createUpstream({ ...base, provider: 'github' }, { fetch: fakeFetch });
    await upstream.exchangeCode({ code: 'c', codeVerifier: 'v', redirectUri: 'https://proxy.example.com/cb' });
    expect(calls).toEqual(['POST https://github.com/login/oauth/access_token']);
  });
});
