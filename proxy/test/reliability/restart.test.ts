// A restart of the standalone server on persistent storage (file, Redis) loses no client and no grant: an
// authorization begun before the restart completes after it, and after a second restart the refresh token, the
// access token and the registered client all still work.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockIdp, type MockIdp } from '../../../mock-idp/index.ts';
import type { RunningProxy } from '../../server/start.ts';
import { TestBrowser } from '../../../testkit/test-browser.ts';
import {
  authorizeHttp,
  exchangeCodeHttp,
  refreshHttp,
  registerHttpClient,
  type FlowTokens,
} from '../../../testkit/http-flow.ts';
import { newPkce } from '../../../testkit/pkce.ts';
import { startRedisServer, type RedisServerHandle } from '../../../testkit/redis-server.ts';
import { consentFields, form } from '../support/test-proxy.ts';
import { useTempDirs } from '../storage/temp-dir.ts';
import { freePort, mcpInitialize, startProxyOn } from './server-support.ts';

const tempDir = useTempDirs('proxy-restart');
let idp: MockIdp;
let redis: RedisServerHandle;

beforeAll(async () => {
  idp = await startMockIdp({ flavor: 'oidc' });
  redis = await startRedisServer();
});

afterAll(async () => {
  await idp?.close();
  await redis?.stop();
});

describe.each([
  ['file', () => `file:${tempDir()}`],
  ['redis', () => redis.url],
])('restarting the server on %s storage', (_name, storageSpec) => {
  let storage: string;
  let port: number;
  let running: RunningProxy | undefined;

  beforeAll(async () => {
    storage = storageSpec();
    port = await freePort();
  });
  afterAll(async () => {
    await running?.close();
  });

  async function restart(): Promise<string> {
    await running?.close();
    running = await startProxyOn(idp, port, storage);
    return running.url;
  }

  it('completes an authorization begun before the restart, and keeps the client and grant across another', async () => {
    let base = await restart();
    const browser = new TestBrowser();
    const client = await registerHttpClient(base, { flavor: 'oidc', browser });
    const { verifier, challenge } = newPkce();
    const authorize = new URL(`${base}/authorize`);
    authorize.search = form({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: client.redirectUri,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      state: 'across-restart',
      resource: `${base}/mcp`,
    }).toString();
    const consentPage = await browser.fetch(authorize.href);
    expect(consentPage.status).toBe(200);
    const fields = consentFields(await consentPage.text());

    base = await restart();
    const approved = await browser.fetch(`${base}/consent`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form({ ...fields, decision: 'approve' }),
    });
    expect(approved.status).toBe(303);
    const upstream = new URL(approved.headers.get('location') ?? '');
    upstream.searchParams.set('login_hint', 'alice');
    const redirect = await browser.followUntil(upstream.href, (u) => u.href.startsWith(client.redirectUri));
    expect(redirect.searchParams.get('state')).toBe('across-restart');
    const code = redirect.searchParams.get('code') ?? '';
    const exchanged = await exchangeCodeHttp(client, code, verifier);
    expect(exchanged.status).toBe(200);
    const tokens = (await exchanged.json()) as FlowTokens;

    base = await restart();
    expect((await mcpInitialize(base, tokens.access_token)).status).toBe(200);
    const refreshed = await refreshHttp(client, tokens.refresh_token);
    expect(refreshed.status).toBe(200);
    const successor = (await refreshed.json()) as FlowTokens;
    expect((await mcpInitialize(base, successor.access_token)).status).toBe(200);
    // The client registered two restarts ago can still run a whole new authorization.
    const again = await authorizeHttp(client, { flavor: 'oidc' });
    expect((await exchangeCodeHttp(client, again.code, again.verifier)).status).toBe(200);
  });
});
