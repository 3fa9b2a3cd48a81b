import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../storage/memory-store.ts';
import {
  callMcp,
  createTestProxy,
  obtainTokens,
  postForm,
  registerClient,
  type TestProxy,
  type Tokens,
} from '../support/test-proxy.ts';

function refresh(t: TestProxy, refreshToken: string, clientId: string, extra: Record<string, string> = {}) {
  return postForm(t.proxy, '/token', {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: clientId,
    ...extra,
  });
}

async function errorOf(response: Response) {
  return { status: response.status, error: ((await response.json()) as { error: string }).error };
}

describe('refresh token rotation', () => {
  it('rotates on every use, and the successor works', async () => {
    const t = await createTestProxy();
    const { flow, tokens } = await obtainTokens(t);
    const second = (await (await refresh(t, tokens.refresh_token, flow.clientId)).json()) as Tokens;
    expect(second.refresh_token).not.toBe(tokens.refresh_token);
    const third = await refresh(t, second.refresh_token, flow.clientId);
    expect(third.status).toBe(200);
  });

  it('revokes the whole grant when a rotated-out token is presented again', async () => {
    const t = await createTestProxy();
    const { flow, tokens } = await obtainTokens(t);
    const second = (await (await refresh(t, tokens.refresh_token, flow.clientId)).json()) as Tokens;
    expect(await errorOf(await refresh(t, tokens.refresh_token, flow.clientId))).toEqual({
      status: 400,
      error: 'invalid_grant',
    });
    expect(await errorOf(await refresh(t, second.refresh_token, flow.clientId))).toEqual({
      status: 400,
      error: 'invalid_grant',
    });
    expect((await callMcp(t.proxy, second.access_token)).status).toBe(401);
    expect(t.upstream.calls.revoke).toHaveLength(1);
  });

  it('does not bring back a grant revoked while a refresh of it runs: that refresh fails too', async () => {
    // A store that lets a revocation land between the refresh token's take and the grant's extension.
    const store = new MemoryStore({ sweepIntervalMs: 0 });
    const [take, set] = [store.take.bind(store), store.set.bind(store)];
    const grantKeys = new Set<string>();
    let revokeOnTake = false;
    store.set = (key, value, ttl) => {
      if (key.startsWith('grant:')) grantKeys.add(key);
      return set(key, value, ttl);
    };
    store.take = async (key) => {
      const value = await take(key);
      if (revokeOnTake && key.startsWith('refresh:')) for (const grantKey of grantKeys) await store.delete(grantKey);
      return value as never;
    };
    const t = await createTestProxy({ store });
    const { flow, tokens } = await obtainTokens(t);
    revokeOnTake = true;
    expect(await errorOf(await refresh(t, tokens.refresh_token, flow.clientId))).toEqual({
      status: 400,
      error: 'invalid_grant',
    });
    expect(grantKeys.size).toBe(1);
    for (const grantKey of grantKeys) expect(await store.get(grantKey)).toBeUndefined();
    expect((await callMcp(t.proxy, tokens.access_token)).status).toBe(401);
  });

  it('gives exactly one success to concurrent refreshes of one token', async () => {
    const t = await createTestProxy();
    const { flow, tokens } = await obtainTokens(t);
    const results = await Promise.all(Array.from({ length: 5 }, () => refresh(t, tokens.refresh_token, flow.clientId)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
  });

  it('refuses a refresh token presented by another client without revoking it', async () => {
    const t = await createTestProxy();
    const { flow, tokens } = await obtainTokens(t);
    const other = await registerClient(t.proxy);
    expect(await errorOf(await refresh(t, tokens.refresh_token, other.body.client_id))).toEqual({
      status: 400,
      error: 'invalid_grant',
    });
    expect((await refresh(t, tokens.refresh_token, flow.clientId)).status).toBe(200);
  });

  it('refuses scope escalation with invalid_scope and allows narrowing', async () => {
    const t = await createTestProxy({ scopesSupported: ['mcp:read', 'mcp:write'] });
    const { flow, tokens } = await obtainTokens(t);
    expect(await errorOf(await refresh(t, tokens.refresh_token, flow.clientId, { scope: 'mcp:read admin' }))).toEqual({
      status: 400,
      error: 'invalid_scope',
    });
    const narrowed = await refresh(t, tokens.refresh_token, flow.clientId, { scope: 'mcp:read' });
    expect(((await narrowed.json()) as Tokens).scope).toBe('mcp:read');
  });

  it('refuses another resource with invalid_target', async () => {
    const t = await createTestProxy();
    const { flow, tokens } = await obtainTokens(t);
    const response = await refresh(t, tokens.refresh_token, flow.clientId, { resource: 'https://other.test/mcp' });
    expect(await errorOf(response)).toEqual({ status: 400, error: 'invalid_target' });
  });

  it('with a grace window, repeats the same successor for a retried refresh instead of revoking', async () => {
    const t = await createTestProxy({ refreshGraceSeconds: 30 });
    const { flow, tokens } = await obtainTokens(t);
    const first = (await (await refresh(t, tokens.refresh_token, flow.clientId)).json()) as Tokens;
    const retry = await refresh(t, tokens.refresh_token, flow.clientId);
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as Tokens).refresh_token).toBe(first.refresh_token);
    expect((await refresh(t, first.refresh_token, flow.clientId)).status).toBe(200);
  });
});

describe('upstream tokens during refresh', () => {
  it('refreshes the upstream token in step when it is about to expire', async () => {
    const t = await createTestProxy();
    t.upstream.accessTokenTtl = 30;
    const { flow, tokens } = await obtainTokens(t);
    expect((await refresh(t, tokens.refresh_token, flow.clientId)).status).toBe(200);
    expect(t.upstream.calls.refresh).toEqual(['ghr_upstream_refresh_1']);
  });

  it('leaves a fresh upstream token alone', async () => {
    const t = await createTestProxy();
    const { flow, tokens } = await obtainTokens(t);
    expect((await refresh(t, tokens.refresh_token, flow.clientId)).status).toBe(200);
    expect(t.upstream.calls.refresh).toEqual([]);
  });

  it('revokes the grant when the upstream refuses its refresh token', async () => {
    const t = await createTestProxy();
    t.upstream.accessTokenTtl = 30;
    const { flow, tokens } = await obtainTokens(t);
    t.upstream.failNext.refresh = 'invalid_grant';
    expect(await errorOf(await refresh(t, tokens.refresh_token, flow.clientId))).toEqual({
      status: 400,
      error: 'invalid_grant',
    });
    expect((await callMcp(t.proxy, tokens.access_token)).status).toBe(401);
  });

  it('keeps the refresh token usable when the upstream is unavailable', async () => {
    const t = await createTestProxy();
    t.upstream.accessTokenTtl = 30;
    const { flow, tokens } = await obtainTokens(t);
    t.upstream.failNext.refresh = 'unavailable';
    expect(await errorOf(await refresh(t, tokens.refresh_token, flow.clientId))).toEqual({
      status: 503,
      error: 'temporarily_unavailable',
    });
    expect((await refresh(t, tokens.refresh_token, flow.clientId)).status).toBe(200);
  });
});
