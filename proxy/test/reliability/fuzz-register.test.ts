// Property-based fuzzing of RFC 7591 dynamic client registration: whatever the body, content type or headers, the
// answer is 201 with a client or an RFC-shaped JSON error with Cache-Control: no-store, never a 5xx.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentType, extraHeaders, hostileString, invalidUtf8, registrationJson } from './arbitraries.ts';
import { createFuzzFixture, fuzzParameters, fuzzTimeoutMs, send, type FuzzFixture } from './fuzz-fixture.ts';
import { assertJsonApiAnswer } from './invariants.ts';

const METADATA = {
  redirect_uris: ['https://client.test/callback'],
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  client_name: 'Fuzz',
  client_uri: 'https://client.test',
  logo_uri: 'https://client.test/logo.png',
  scope: 'read',
  contacts: ['ops@client.test'],
  application_type: 'native',
  software_id: 'fuzz',
  jwks_uri: 'https://client.test/jwks',
};

describe('RFC 7591 registration under hostile input', () => {
  let f: FuzzFixture;
  beforeAll(async () => {
    f = await createFuzzFixture();
  });
  afterAll(async () => {
    await f.close();
  });

  it(
    'answers every registration request with a client or an RFC-shaped error, never a 5xx',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            { arbitrary: registrationJson(METADATA), weight: 5 },
            { arbitrary: hostileString, weight: 1 },
            { arbitrary: invalidUtf8, weight: 1 },
          ),
          contentType,
          extraHeaders,
          async (body, type, headers) => {
            const a = await send(f.t.proxy, {
              method: 'POST',
              path: '/register',
              headers: { ...headers, 'content-type': type },
              body,
            });
            assertJsonApiAnswer(a, [201]);
            if (a.status === 201) {
              const client = JSON.parse(a.text) as Record<string, unknown>;
              expect(typeof client.client_id).toBe('string');
              expect(client).not.toHaveProperty('client_secret_hash');
              expect(Object.prototype).not.toHaveProperty('polluted');
            }
          },
        ),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs,
  );

  it(
    'answers any other method on /register with 405 or a CORS preflight, never a 5xx',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
          extraHeaders,
          async (method, headers) => {
            const a = await send(f.t.proxy, {
              method,
              path: '/register',
              headers: { ...headers },
            });
            assertJsonApiAnswer(a, []);
          },
        ),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs,
  );
});
