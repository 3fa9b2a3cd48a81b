// One in-process proxy per fuzz file, with the state a fuzzer needs to get past the first checks: a public, a
// confidential and a loopback client, live and used codes, refresh and access tokens, and a pending consent.
import fc from 'fast-check';
import type { OAuthProxy } from '../../app.ts';
import { consentCookieName } from '../../consent/cookies.ts';
import type { ProxyOptions } from '../../options/proxy-options.ts';
import { FAKE_IDP } from '../support/fake-upstream.ts';
import { newPkce } from '../../../testkit/pkce.ts';
import {
  BASE,
  CLIENT_REDIRECT,
  authorizeUrl,
  consentFields,
  createTestProxy,
  obtainCode,
  obtainTokens,
  registerClient,
  type TestProxy,
} from '../support/test-proxy.ts';
import { answer, type Answer } from './invariants.ts';
import { FUZZ_RUNS } from './arbitraries.ts';

export const LOOPBACK_REDIRECT = 'http://127.0.0.1:8765/cb';
export const PRM_URL = `${BASE}/.well-known/oauth-protected-resource/mcp`;

export interface FuzzFixture {
  t: TestProxy;
  publicClientId: string;
  confidentialClientId: string;
  confidentialSecret: string;
  loopbackClientId: string;
  clientIds: string[];
  /** Every redirect URI a known client registered (the only places /authorize may send a browser). */
  redirectTargets: string[];
  upstreamAuthorize: string;
  challenge: string;
  verifier: string;
  /** A redeemed code (its replay must not crash anything) and a code nobody redeemed. */
  usedCode: string;
  liveCode: string;
  liveVerifier: string;
  refreshToken: string;
  accessToken: string;
  /** An access token whose grant was revoked. */
  revokedAccessToken: string;
  pending: { authorization_id: string; csrf_token: string };
  consentCookieNames: string[];
  close(): Promise<void>;
}

export async function createFuzzFixture(overrides: Partial<ProxyOptions> = {}): Promise<FuzzFixture> {
  const t = await createTestProxy({ registrationRateLimitPerMinute: 0, ...overrides });
  const publicClientId = (await registerClient(t.proxy)).body.client_id;
  const confidential = await registerClient(t.proxy, { token_endpoint_auth_method: 'client_secret_post' });
  const loopbackClientId = (await registerClient(t.proxy, { redirect_uris: [LOOPBACK_REDIRECT] })).body.client_id;
  const used = await obtainTokens(t);
  const revoked = await obtainTokens(t);
  await t.proxy.fetch(
    new Request(`${BASE}/revoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: revoked.tokens.refresh_token, client_id: revoked.flow.clientId }),
    }),
  );
  const live = await obtainCode(t, { clientId: publicClientId });
  const { challenge, verifier } = newPkce();
  const page = await t.proxy.fetch(
    new Request(
      authorizeUrl({
        response_type: 'code',
        client_id: publicClientId,
        redirect_uri: CLIENT_REDIRECT,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: 'fuzz',
      }),
    ),
  );
  const pending = consentFields(await page.text());
  const clientIds = [publicClientId, confidential.body.client_id, loopbackClientId, used.flow.clientId];
  return {
    t,
    publicClientId,
    confidentialClientId: confidential.body.client_id,
    confidentialSecret: confidential.body.client_secret ?? '',
    loopbackClientId,
    clientIds,
    redirectTargets: [CLIENT_REDIRECT, LOOPBACK_REDIRECT],
    upstreamAuthorize: `${FAKE_IDP}/login/oauth/authorize`,
    challenge,
    verifier,
    usedCode: used.flow.code,
    liveCode: live.code,
    liveVerifier: live.verifier,
    refreshToken: used.tokens.refresh_token,
    accessToken: used.tokens.access_token,
    revokedAccessToken: revoked.tokens.access_token,
    pending,
    consentCookieNames: clientIds.flatMap((id) => [consentCookieName(id, true), consentCookieName(id, false)]),
    close: () => t.proxy.close(),
  };
}

export interface FuzzRequest {
  method: string;
  path: string;
  query?: string;
  headers?: Record<string, string | undefined>;
  body?: string | Uint8Array<ArrayBuffer>;
}

/** Sends one fuzz request in process and reads the answer; a rejected fetch (a crash) fails the case. */
export async function send(proxy: OAuthProxy, request: FuzzRequest): Promise<Answer> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value !== undefined) headers.set(name, value);
  }
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD' && request.body !== undefined;
  const url = `${BASE}${request.path}${request.query !== undefined ? `?${request.query}` : ''}`;
  const response = await proxy.fetch(
    new Request(url, { method: request.method, headers, ...(hasBody ? { body: request.body } : {}) }),
  );
  const body =
    request.body === undefined
      ? ''
      : typeof request.body === 'string'
        ? request.body
        : `<${request.body.length} bytes>`;
  return answer(response, `${request.method} ${url.slice(0, 400)} ${JSON.stringify(request.headers ?? {})} ${body}`);
}

/**
 * fast-check settings shared by every fuzz property. A counterexample may hold a megabyte of input, so the failure
 * message is cut to a readable length (the seed and path in it replay the case).
 */
export function fuzzParameters<T>(): fc.Parameters<T> {
  return {
    numRuns: FUZZ_RUNS,
    endOnFailure: true,
    reporter(details) {
      if (!details.failed) return;
      const message = fc.defaultReportMessage(details) ?? 'property failed';
      throw new Error(message.length > 6000 ? `${message.slice(0, 6000)}… (cut)` : message, {
        cause: details.errorInstance,
      });
    },
  };
}

/** The test timeout of a fuzz property: generous, and proportional to the number of runs. */
export const fuzzTimeoutMs = Math.max(60_000, FUZZ_RUNS * 100);
