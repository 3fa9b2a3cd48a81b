// Property-based fuzzing of the browser-facing endpoints: /authorize (GET and POST), /consent and /auth/callback.
// Whatever arrives, the answer is the HTML error page (400/403 with anti-framing headers), the consent page, or a
// redirect to a URI a known client registered (or, after an approved consent, to the upstream IdP); never a 5xx.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { BASE, CLIENT_REDIRECT, authorizeUrl, consentFields, form } from '../support/test-proxy.ts';
import {
  contentType,
  cookieHeader,
  encodedForm,
  extraHeaders,
  hostileString,
  httpMethod,
  invalidUtf8,
} from './arbitraries.ts';
import {
  LOOPBACK_REDIRECT,
  createFuzzFixture,
  fuzzParameters,
  fuzzTimeoutMs,
  send,
  type FuzzFixture,
} from './fuzz-fixture.ts';
import { assertNoServerError, assertPageOrSafeRedirect } from './invariants.ts';

const STATES = ['xyz', 'a b+c/=', 'state\r\nLocation: https://evil.example', '%0d%0aSet-Cookie:x=1', '\0'];

describe('the authorization endpoints under hostile input', () => {
  let f: FuzzFixture;
  beforeAll(async () => {
    f = await createFuzzFixture({ consent: 'remember' });
  });
  afterAll(async () => {
    await f.close();
  });

  const authorizeParams = () => ({
    response_type: ['code', 'token', 'code id_token'],
    client_id: f.clientIds,
    redirect_uri: [
      CLIENT_REDIRECT,
      LOOPBACK_REDIRECT,
      'http://127.0.0.1:1/cb',
      'http://localhost:8765/cb',
      `${CLIENT_REDIRECT}/`,
      `${CLIENT_REDIRECT}?x=1`,
      'https://CLIENT.test/callback',
      'https://evil.example/callback',
    ],
    code_challenge: [f.challenge, 'short'],
    code_challenge_method: ['S256', 'plain', 's256'],
    state: STATES,
    scope: ['read', 'read write', 'offline_access', '"bad"'],
    resource: [`${BASE}/mcp`, `${BASE}/other`, 'https://evil.example/mcp', `${BASE}/mcp#frag`],
  });

  /** A consent page that is still waiting for an answer. */
  async function freshPending(): Promise<{ authorization_id: string; csrf_token: string }> {
    const page = await f.t.proxy.fetch(
      new Request(
        authorizeUrl({
          response_type: 'code',
          client_id: f.publicClientId,
          redirect_uri: CLIENT_REDIRECT,
          code_challenge: f.challenge,
          code_challenge_method: 'S256',
          state: 'fresh',
        }),
      ),
    );
    return consentFields(await page.text());
  }

  /** The state of an upstream transaction that waits for its callback. */
  async function freshTransactionState(): Promise<string> {
    const approved = await f.t.proxy.fetch(
      new Request(`${BASE}/consent`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form({ ...(await freshPending()), decision: 'approve' }),
      }),
    );
    return new URL(approved.headers.get('location') ?? '').searchParams.get('state') ?? '';
  }

  it(
    'answers GET /authorize with the error page, the consent page or a redirect to a registered URI',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          encodedForm(authorizeParams()),
          cookieHeader(f.consentCookieNames),
          extraHeaders,
          async (query, cookie, headers) => {
            const a = await send(f.t.proxy, {
              method: 'GET',
              path: '/authorize',
              query,
              headers: { ...headers, cookie },
            });
            assertPageOrSafeRedirect(a, f.redirectTargets, { pageStatuses: [200] });
          },
        ),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs,
  );

  it(
    'answers POST /authorize with any body and content type the same way',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof({ arbitrary: encodedForm(authorizeParams()), weight: 4 }, { arbitrary: invalidUtf8, weight: 1 }),
          contentType,
          cookieHeader(f.consentCookieNames),
          async (body, type, cookie) => {
            const a = await send(f.t.proxy, {
              method: 'POST',
              path: '/authorize',
              headers: { 'content-type': type, cookie },
              body,
            });
            assertPageOrSafeRedirect(a, f.redirectTargets, { pageStatuses: [200] });
          },
        ),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs,
  );

  it(
    'answers POST /consent with the error page or a redirect to a registered URI or the upstream IdP',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.boolean(),
          fc.oneof(
            {
              arbitrary: fc.tuple(
                encodedForm({ decision: ['approve', 'deny', 'APPROVE'], authorization_id: [], csrf_token: [] }),
                fc.constant(undefined),
              ),
              weight: 2,
            },
            {
              arbitrary: fc.tuple(
                fc.constantFrom('approve', 'deny', 'maybe'),
                fc.constantFrom<'valid' | 'swapped' | 'tampered'>('valid', 'swapped', 'tampered'),
              ),
              weight: 3,
            },
            { arbitrary: fc.tuple(invalidUtf8, fc.constant(undefined)), weight: 1 },
          ),
          contentType,
          cookieHeader(f.consentCookieNames),
          extraHeaders,
          async (fresh, [bodyOrDecision, csrf], type, cookie, headers) => {
            let body: string | Uint8Array<ArrayBuffer> = bodyOrDecision;
            if (csrf !== undefined && typeof bodyOrDecision === 'string') {
              const pending = fresh ? await freshPending() : f.pending;
              const fields = {
                authorization_id: csrf === 'swapped' ? f.pending.authorization_id : pending.authorization_id,
                csrf_token: csrf === 'tampered' ? `${pending.csrf_token.slice(0, -2)}AA` : pending.csrf_token,
                decision: bodyOrDecision,
              };
              body = form(fields).toString();
            }
            const a = await send(f.t.proxy, {
              method: 'POST',
              path: '/consent',
              headers: { ...headers, 'content-type': type, cookie },
              body,
            });
            assertPageOrSafeRedirect(a, [...f.redirectTargets, f.upstreamAuthorize]);
          },
        ),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs,
  );

  it(
    'answers GET /auth/callback with the error page or a redirect to the registered URI of the transaction',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.boolean(),
          encodedForm({
            code: ['upstream-code'],
            state: [],
            error: ['access_denied', 'temporarily_unavailable', 'server_error', 'invalid_scope'],
            error_description: ['denied'],
            iss: ['https://idp.test'],
          }),
          fc.boolean(),
          async (withLiveState, query, stateFirst) => {
            let fullQuery = query;
            if (withLiveState) {
              const state = `state=${encodeURIComponent(await freshTransactionState())}`;
              fullQuery = stateFirst ? `${state}&${query}` : `${query}&${state}`;
            }
            const a = await send(f.t.proxy, { method: 'GET', path: '/auth/callback', query: fullQuery });
            assertPageOrSafeRedirect(a, f.redirectTargets);
          },
        ),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs,
  );

  it(
    'answers other methods on the browser endpoints without a 5xx',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          httpMethod,
          fc.constantFrom('/authorize', '/consent', '/auth/callback'),
          hostileString,
          async (method, path, body) => {
            const a = await send(f.t.proxy, { method, path, headers: { 'content-type': 'text/plain' }, body });
            assertNoServerError(a);
          },
        ),
        fuzzParameters(),
      );
    },
    fuzzTimeoutMs,
  );
});
