// Redis going away: the proxy answers at once with 503 temporarily_unavailable (the store fails fast instead of
// queueing), a hung Redis is cut off by the command timeout, and once Redis is back the proxy serves again without
// a restart of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHttpFlow, type FlowTokens } from '../../../testkit/http-flow.ts';
import { startRedisServer, type RedisServerHandle } from '../../../testkit/redis-server.ts';
import { startStack, type Stack } from '../../../testkit/stack.ts';
import { mcpInitialize } from './server-support.ts';

const REGISTRATION = JSON.stringify({
  redirect_uris: ['http://127.0.0.1:65000/callback'],
  token_endpoint_auth_method: 'none',
});

describe('a Redis outage', () => {
  let redis: RedisServerHandle;
  let stack: Stack;
  let base: string;

  beforeAll(async () => {
    redis = await startRedisServer();
    stack = await startStack('oidc', { PROXY_STORAGE: redis.url });
    base = stack.proxy.url;
  });
  afterAll(async () => {
    await stack?.close();
    await redis?.stop();
  });

  const register = () =>
    fetch(`${base}/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: REGISTRATION });
  const refresh = (clientId: string, refreshToken: string) =>
    fetch(`${base}/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId }),
    });

  async function expectUnavailable(response: Response): Promise<void> {
    expect({ status: response.status, body: await response.json() }).toMatchObject({
      status: 503,
      body: { error: 'temporarily_unavailable' },
    });
    expect(response.headers.get('cache-control')).toContain('no-store');
  }

  /** Retries until the answer has the wanted status; the deadline only bounds the wait for reconnection. */
  async function eventuallyStatus(request: () => Promise<Response>, status: number): Promise<Response> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const response = await request();
      if (response.status === status || Date.now() > deadline) return response;
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('answers 503 temporarily_unavailable while Redis is down, and serves again once it is back', async () => {
    const client: { clientId: string; tokens: FlowTokens } = await runHttpFlow(base, { flavor: 'oidc' });

    await redis.stop();
    await expectUnavailable(await register());
    await expectUnavailable(await refresh(client.clientId, client.tokens.refresh_token));
    await expectUnavailable(await mcpInitialize(base, client.tokens.access_token));

    // A fresh, empty Redis: earlier grants are gone with it, but the proxy reconnects by itself.
    await redis.restart();
    expect((await eventuallyStatus(register, 201)).status).toBe(201);
    const after = await runHttpFlow(base, { flavor: 'oidc' });
    expect((await refresh(after.clientId, after.tokens.refresh_token)).status).toBe(200);
  });

  it('answers 503 instead of hanging while Redis is frozen, and recovers when it resumes', async () => {
    const client = await runHttpFlow(base, { flavor: 'oidc' });
    redis.pause();
    try {
      await expectUnavailable(await register());
      await expectUnavailable(await refresh(client.clientId, client.tokens.refresh_token));
    } finally {
      redis.resume();
    }
    expect((await eventuallyStatus(() => refresh(client.clientId, client.tokens.refresh_token), 200)).status).toBe(200);
  });
});
