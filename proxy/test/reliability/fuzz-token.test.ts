// Property-based fuzzing of the token endpoint (both grants) and the revocation endpoint: whatever the body, content
// type or client authentication, the answer is a token response (or RFC 7009's empty 200) or an RFC 6749 §5.2 error
// with Cache-Control: no-store, never a 5xx.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE, CLIENT_REDIRECT, obtainCode, obtainTokens } from '../support/test-proxy.ts';
import { authorizationHeader, encodedForm, extraHeaders, formContentType, invalidUtf8 } from './arbitraries.ts';
import { createFuzzFixture, fuzzParameters, fuzzTimeoutMs, send, type FuzzFixture } from './fuzz-fixture.ts';
import { assertJsonApiAnswer } from './invariants.ts';

/** Placeholders the generated body carries where a fresh code, verifier or refresh token is put in per case. */
const FRESH = {
  code: 'FRESHCODEPLACEHOLDER',
  verifier: 'FRESHVERIFIERPLACEHOLDER',
  refresh: 'FRESHREFRESHPLACEHOLDER',
};

describe('the token and revocation endpoints under hostile input', () => {
  let f: FuzzFixture;
  beforeAll(async () => {
    f = await createFuzzFixture();
  });
  afterAll(async () => {
    await f.close();
  });

  const basic = (id: string, secret: string) => Buffer.from(`${id}:${secret}`).toString('base64');

  /** Replaces the placeholders with a code and a refresh token minted for this case. */
  async function withFreshCredentials(body: string): Promise<string> {
    let result = body;
    if (result.includes(FRESH.code) || result.includes(FRESH.verifier)) {
      const flow = await obtainCode(f.t, { clientId: f.publicClientId });
      result = result.replaceAll(FRESH.code, flow.code).replaceAll(FRESH.verifier, flow.verifier);
    }
    if (result.includes(FRESH.refresh)) {
      const { tokens } = await obtainTokens(f.t);
      result = result.replaceAll(FRESH.refresh, tokens.refresh_token);
    }
    return result;
  }

  it(
    'answers every token request with tokens or an RFC-shaped no-store error, never a 5xx',
    async () => {
      const params = {
        grant_type: ['authorization_code', 'refresh_token', 'password', 'client_credentials', 'urn:x'],
        client_id: f.clientIds,
        client_secret: [f.confidentialSecret, 'wrong-secret'],
        code: [FRESH.code, f.liveCode, f.usedCode],
        code_verifier: [FRESH.verifier, f.liveVerifier, f.verifier, 'a'.repeat(43)],
        redirect_uri: [CLIENT_REDIRECT, `${CLIENT_REDIRECT}/`, 'https://evil.example/cb'],
        resource: [`${BASE}/mcp`, 'https://evil.example/mcp', `${BASE}/mcp#x`],
        refresh_token: [FRESH.refresh, f.refreshToken],
        scope: ['read', 'read write', ''],
      };
      await fc.assert(
        fc.asyncProperty(
          fc.oneof({ arbitrary: encodedForm(params), weight: 6 }, { arbitrary: invalidUtf8, weight: 1 }),
          formContentType,
          authorizationHeader([]),
          fc.oneof(
            { arbitrary: fc.constant(null), weight: 4 },
            {
              arbitrary: fc.constantFrom(
                basic(f.confidentialClientId, f.confidentialSecret),
                basic(f.publicClientId, ''),
              ),
              weight: 1,
            },
          ),
          extraHeaders,
          async (body, type, authorization, goodBasic, headers) => {
            const a = await send(f.t.proxy, {
              method: 'POST',
              path: '/token',
              headers: {
                ...headers,
                'content-type': type,
                authorization: goodBasic !== null ? `Basic ${goodBasic}` : authorization,
              },
              body: typeof body === 'string' ? await withFreshCredentials(body) : body,
            });
            assertJsonApiAnswer(a, [200]);
            if (a.status === 200) {
              const tokens = JSON.parse(a.text) as Record<string, unknown>;
              expect(tokens.token_type).toBe('Bearer');
              expect(typeof tokens.access_token).toBe('string');
              expect(typeof tokens.refresh_token).toBe('string');
              expect(a.headers.get('cache-control')).toContain('no-store');
            }
          },
        ),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs,
  );

  it(
    'answers every revocation request with 200 or an RFC-shaped no-store error, never a 5xx',
    async () => {
      const params = {
        token: [f.accessToken, f.refreshToken, f.revokedAccessToken, FRESH.refresh, `${f.accessToken}x`, 'a.b.c'],
        token_type_hint: ['access_token', 'refresh_token', 'id_token', 'unknown'],
        client_id: f.clientIds,
        client_secret: [f.confidentialSecret, 'wrong-secret'],
      };
      await fc.assert(
        fc.asyncProperty(
          fc.oneof({ arbitrary: encodedForm(params), weight: 6 }, { arbitrary: invalidUtf8, weight: 1 }),
          formContentType,
          authorizationHeader([]),
          async (body, type, authorization) => {
            const a = await send(f.t.proxy, {
              method: 'POST',
              path: '/revoke',
              headers: { 'content-type': type, authorization },
              body: typeof body === 'string' ? await withFreshCredentials(body) : body,
            });
            assertJsonApiAnswer(a, [200]);
          },
        ),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs,
  );
});
