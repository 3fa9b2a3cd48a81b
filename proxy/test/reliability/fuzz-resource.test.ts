// Property-based fuzzing of the protected MCP endpoint, the metadata documents and everything else a client could
// request: any token that is not a live access token gets 401 with the RFC 9728 challenge, metadata stays metadata
// whatever the query and headers, and no path or method produces a 5xx.
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE } from '../support/test-proxy.ts';
import {
  authorizationHeader,
  contentType,
  cookieHeader,
  encodedForm,
  extraHeaders,
  hostileString,
  httpMethod,
} from './arbitraries.ts';
import { PRM_URL, createFuzzFixture, fuzzParameters, fuzzTimeoutMs, send, type FuzzFixture } from './fuzz-fixture.ts';
import { assertBearerChallenge, assertNoServerError } from './invariants.ts';

const METADATA_PATHS = [
  '/.well-known/oauth-authorization-server',
  '/.well-known/oauth-protected-resource/mcp',
  '/.well-known/oauth-protected-resource',
];

describe('the MCP endpoint, metadata and unknown routes under hostile input', () => {
  let f: FuzzFixture;
  let forged: string[];
  beforeAll(async () => {
    f = await createFuzzFixture();
    const [header = '', payload = ''] = f.accessToken.split('.');
    const claims = { client_id: f.publicClientId, gid: 'g', scope: '' };
    forged = [
      f.revokedAccessToken,
      `${f.accessToken.slice(0, -4)}AAAA`,
      `${header}.${payload}.`,
      `${Buffer.from('{"alg":"none","typ":"at+jwt"}').toString('base64url')}.${payload}.`,
      await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
        .setIssuer(BASE)
        .setAudience(`${BASE}/mcp`)
        .setSubject('1001')
        .setJti('j')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('another-secret-0123456789abcdef0123456789')),
    ];
  });
  afterAll(async () => {
    await f.close();
  });

  it(
    'answers the MCP endpoint with 401 and a resource_metadata challenge for every token that is not live',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('GET', 'POST', 'DELETE', 'PUT'),
          fc.oneof(
            authorizationHeader(),
            fc.constantFrom(...forged).map((t) => `Bearer ${t}`),
          ),
          fc.option(encodedForm({ access_token: [f.accessToken], jsonrpc: ['2.0'] })),
          contentType,
          cookieHeader(f.consentCookieNames),
          async (method, authorization, query, type, cookie) => {
            const a = await send(f.t.proxy, {
              method,
              path: '/mcp',
              ...(query !== null ? { query } : {}),
              headers: { authorization, 'content-type': type, cookie },
              body: query ?? '{"jsonrpc":"2.0","id":1,"method":"ping"}',
            });
            assertBearerChallenge(a, PRM_URL);
          },
        ),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs,
  );

  it(
    'lets the live access token through whatever else the request carries, unless a form body carries one too',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          contentType,
          cookieHeader(),
          extraHeaders,
          hostileString,
          async (type, cookie, headers, body) => {
            const a = await send(f.t.proxy, {
              method: 'POST',
              path: '/mcp',
              headers: {
                ...headers,
                'content-type': type,
                cookie,
                authorization: `Bearer ${f.accessToken}`,
              },
              body: body.replaceAll('access_token', 'token'),
            });
            assertNoServerError(a);
            expect([200, 401], a.sent.slice(0, 300)).toContain(a.status);
            if (a.status === 401) {
              // Only a form body carrying an access_token parameter may turn the live token away.
              expect(type?.toLowerCase().startsWith('application/x-www-form-urlencoded')).toBe(true);
              assertBearerChallenge(a, PRM_URL);
            }
          },
        ),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs,
  );

  it(
    'serves the metadata documents unchanged whatever the query and headers',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...METADATA_PATHS),
          fc.option(encodedForm({ resource: [`${BASE}/mcp`], issuer: ['https://evil.example'] })),
          extraHeaders,
          cookieHeader(),
          async (path, query, headers, cookie) => {
            const a = await send(f.t.proxy, {
              method: 'GET',
              path,
              ...(query !== null ? { query } : {}),
              headers: { ...headers, cookie },
            });
            expect(a.status, a.sent.slice(0, 300)).toBe(200);
            const document = JSON.parse(a.text) as Record<string, unknown>;
            if (path.includes('authorization-server')) expect(document.issuer).toBe(BASE);
            else expect(document.authorization_servers).toEqual([BASE]);
          },
        ),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs,
  );

  it(
    'answers any method on any path without a 5xx',
    async () => {
      const paths = fc.oneof(
        fc.constantFrom(
          '/',
          '/register',
          '/token',
          '/revoke',
          '/authorize',
          '/consent',
          '/auth/callback',
          '/mcp',
          '/mcp/',
          '/MCP',
          '/jwks.json',
          '/.well-known/openid-configuration',
          '/.well-known/oauth-authorization-server/extra',
          '//evil.example/x',
          '/%2e%2e/%2e%2e/etc/passwd',
          '/%',
          '/%zz',
          '/%00',
          '/a%0d%0aSet-Cookie:x=1',
          '/__proto__',
          '/constructor/prototype',
        ),
        fc.webPath(),
        fc.string({ maxLength: 40 }).map((s) => `/${encodeURI(s.replace(/[\uD800-\uDFFF]/g, ''))}`),
      );
      await fc.assert(
        fc.asyncProperty(
          httpMethod,
          paths,
          fc.option(encodedForm({ client_id: f.clientIds })),
          contentType,
          authorizationHeader([f.accessToken]),
          extraHeaders,
          async (method, path, query, type, authorization, headers) => {
            const a = await send(f.t.proxy, {
              method,
              path: path.startsWith('/') ? path : `/${path}`,
              ...(query !== null ? { query } : {}),
              headers: { ...headers, 'content-type': type, authorization },
              body: query ?? '',
            });
            assertNoServerError(a);
          },
        ),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs,
  );
});
