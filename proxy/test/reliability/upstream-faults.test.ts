// Upstream failures reach the MCP client as the documented OAuth errors (proxy/grants/upstream-failure.ts, table in
// proxy/README.md): a fault at the upstream token exchange, userinfo or refresh call, or a denial at the upstream
// authorization step, ends the request with that error, and the store holds nothing half-written: no grant, code or
// transaction from the failed sign-in, and an unchanged refresh token after a failed refresh.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FaultKind, FaultSpec, MockIdpFlavor } from '../../../mock-idp/index.ts';
import { TestBrowser } from '../../../testkit/test-browser.ts';
import { refreshHttp, registerHttpClient, runHttpFlow } from '../../../testkit/http-flow.ts';
import { newPkce } from '../../../testkit/pkce.ts';
import { startStack, type Stack } from '../../../testkit/stack.ts';
import { consentFields, form } from '../support/test-proxy.ts';
import { snapshotFileStore, without } from './store-snapshot.ts';

/** Short, so that the timeout cases are quick; the delay fault outlasts it. */
const UPSTREAM_TIMEOUT_MS = 300;
const DELAY_MS = 1000;

type Expected = { error: string; status?: number };

/** The documented mapping for a fault at the upstream token exchange (at the callback: a redirect to the client). */
const EXCHANGE_FAULTS: [FaultKind, Expected][] = [
  ['status', { error: 'temporarily_unavailable' }],
  ['delay', { error: 'temporarily_unavailable' }],
  ['drop', { error: 'temporarily_unavailable' }],
  ['garbage', { error: 'server_error' }],
  ['deny', { error: 'access_denied' }],
];

/** At userinfo a 403 means the proxy's upstream token lacks a scope: misconfiguration, hence server_error. */
const USERINFO_FAULTS: [FaultKind, Expected][] = [
  ['status', { error: 'temporarily_unavailable' }],
  ['delay', { error: 'temporarily_unavailable' }],
  ['drop', { error: 'temporarily_unavailable' }],
  ['garbage', { error: 'server_error' }],
  ['deny', { error: 'server_error' }],
];

/** At the proxy's token endpoint (refresh grant): JSON errors with these statuses. */
const REFRESH_FAULTS: [FaultKind, Expected][] = [
  ['status', { error: 'temporarily_unavailable', status: 503 }],
  ['delay', { error: 'temporarily_unavailable', status: 503 }],
  ['drop', { error: 'temporarily_unavailable', status: 503 }],
  ['garbage', { error: 'server_error', status: 500 }],
  ['deny', { error: 'access_denied', status: 400 }],
];

/** Register, authorize, consent and follow the upstream sign-in until the browser is sent to the client. */
async function signIn(stack: Stack, flavor: MockIdpFlavor): Promise<URL> {
  const base = stack.proxy.url;
  const browser = new TestBrowser();
  const client = await registerHttpClient(base, { flavor, browser });
  const authorize = new URL(`${base}/authorize`);
  authorize.search = form({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    code_challenge: newPkce().challenge,
    code_challenge_method: 'S256',
    state: 'fault-state',
    resource: `${base}/mcp`,
  }).toString();
  const page = await browser.fetch(authorize.href);
  const approved = await browser.fetch(`${base}/consent`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form({ ...consentFields(await page.text()), decision: 'approve' }),
  });
  const upstream = new URL(approved.headers.get('location') ?? '');
  upstream.searchParams.set(flavor === 'oidc' ? 'login_hint' : 'login', 'alice');
  return browser.followUntil(upstream.href, (u) => u.href.startsWith(client.redirectUri));
}

describe.each<MockIdpFlavor>(['oidc', 'github'])('upstream faults with the %s mock IdP', (flavor) => {
  let stack: Stack;
  let directory: string;
  const path = (url: string) => new URL(url).pathname;
  const fault = (endpoint: string, kind: FaultKind): FaultSpec => ({
    endpoint,
    kind,
    ...(kind === 'delay' ? { delayMs: DELAY_MS } : {}),
  });

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), `proxy-faults-${flavor}-`));
    stack = await startStack(
      flavor,
      { UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS), PROXY_STORAGE: `file:${directory}` },
      // Upstream access tokens that are always within the refresh margin: every proxy refresh calls upstream.
      { expiringTokens: true, accessTokenTtlSeconds: 30 },
    );
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(directory, { recursive: true, force: true });
  });
  beforeEach(() => stack.idp.clearFaults());

  async function expectFailedSignIn(expected: Expected): Promise<void> {
    const before = without(await snapshotFileStore(directory), 'client');
    const redirect = await signIn(stack, flavor);
    expect(Object.fromEntries(redirect.searchParams)).toMatchObject({
      error: expected.error,
      state: 'fault-state',
      iss: stack.proxy.issuer,
    });
    expect(redirect.searchParams.has('code')).toBe(false);
    expect(without(await snapshotFileStore(directory), 'client')).toEqual(before);
  }

  it.each(EXCHANGE_FAULTS)('a %s fault at the upstream token exchange reaches the client as %o', async (kind, e) => {
    stack.idp.addFault(fault(path(stack.idp.endpoints.token), kind));
    await expectFailedSignIn(e);
  });

  it.each(USERINFO_FAULTS)('a %s fault at the upstream userinfo call reaches the client as %o', async (kind, e) => {
    stack.idp.addFault(fault(path(stack.idp.endpoints.userinfo), kind));
    await expectFailedSignIn(e);
  });

  it('a denial at the upstream authorization step reaches the client as access_denied', async () => {
    stack.idp.addFault(fault(path(stack.idp.endpoints.authorization), 'deny'));
    await expectFailedSignIn({ error: 'access_denied' });
  });

  it.each(REFRESH_FAULTS)('a %s fault at the upstream refresh reaches the client as %o', async (kind, e) => {
    const client = await runHttpFlow(stack.proxy.url, { flavor });
    const before = await snapshotFileStore(directory);
    expect(before).toMatchObject({ grant: expect.any(Number), refresh: expect.any(Number) });
    stack.idp.addFault(fault(path(stack.idp.endpoints.token), kind));
    const response = await refreshHttp(client, client.tokens.refresh_token);
    expect({ status: response.status, body: await response.json() }).toMatchObject({
      status: e.status,
      body: { error: e.error },
    });
    expect(response.headers.get('cache-control')).toContain('no-store');
    expect(await snapshotFileStore(directory)).toEqual(before);
    if (kind !== 'delay') {
      // The refresh token was not consumed: once the IdP answers again, the same token refreshes. (After a delay
      // the IdP did rotate its own token, late; that is the IdP's state, not the proxy's.)
      stack.idp.clearFaults();
      expect((await refreshHttp(client, client.tokens.refresh_token)).status).toBe(200);
    }
  });
});
