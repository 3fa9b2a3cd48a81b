// Concurrent redemption on every storage backend: 50 parallel token requests with one authorization code, and 50
// with one refresh token, yield exactly one token response and 49 invalid_grant. A loser that proves possession
// (same verifier, or a rotated-out refresh token) may revoke the grant (RFC 6749 §10.5, RFC 9700 §4.14.2); when one
// did, the winner's tokens must be refused afterwards: a revocation is never undone by the concurrent redemption.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStore } from '../../storage/file-store.ts';
import { MemoryStore } from '../../storage/memory-store.ts';
import { RedisStore } from '../../storage/redis-store.ts';
import { touchRecord, type JsonValue, type Store } from '../../storage/store.ts';
import type { MockIdpFlavor } from '../../../mock-idp/index.ts';
import { refreshHttp, runHttpFlow } from '../../../testkit/http-flow.ts';
import { startRedisServer, type RedisServerHandle } from '../../../testkit/redis-server.ts';
import { startStack, type Stack } from '../../../testkit/stack.ts';
import {
  BASE,
  callMcp,
  createTestProxy,
  exchangeCode,
  obtainCode,
  obtainTokens,
  postForm,
  type TestProxy,
  type Tokens,
} from '../support/test-proxy.ts';
import { useTempDirs } from '../storage/temp-dir.ts';
import { mcpInitialize } from './server-support.ts';

const PARALLEL = 50;

interface Outcome {
  status: number;
  body: Record<string, unknown>;
}

async function outcome(response: Response): Promise<Outcome> {
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Exactly one 200, every other answer invalid_grant; returns the winner's tokens. */
function assertExactlyOneSuccess(outcomes: Outcome[]): Tokens {
  const successes = outcomes.filter((o) => o.status === 200);
  const failures = outcomes.filter((o) => o.status !== 200);
  expect(successes, JSON.stringify(failures.slice(0, 3))).toHaveLength(1);
  expect(failures).toHaveLength(PARALLEL - 1);
  for (const failure of failures) {
    expect(failure.status).toBe(400);
    expect(failure.body.error).toBe('invalid_grant');
  }
  return successes[0]?.body as unknown as Tokens;
}

/** Watches a store for grant revocations (a successful take of a `grant:` record). */
class RevocationWatch implements Store {
  revoked = 0;
  constructor(private readonly inner: Store) {}
  get<T extends JsonValue>(key: string) {
    return this.inner.get<T>(key);
  }
  set(key: string, value: JsonValue, ttlSeconds: number) {
    return this.inner.set(key, value, ttlSeconds);
  }
  add(key: string, value: JsonValue, ttlSeconds: number) {
    return this.inner.add(key, value, ttlSeconds);
  }
  async take<T extends JsonValue>(key: string) {
    const value = await this.inner.take<T>(key);
    if (key.startsWith('grant:') && value !== undefined) this.revoked += 1;
    return value;
  }
  touch(key: string, ttlSeconds: number) {
    return touchRecord(this.inner, key, ttlSeconds);
  }
  delete(key: string) {
    return this.inner.delete(key);
  }
  close() {
    return this.inner.close();
  }
}

/** After the race: a grant a loser revoked refuses the winner's tokens; an unrevoked grant honours them. */
async function assertRevocationHolds(t: TestProxy, watch: RevocationWatch, tokens: Tokens, clientId: string) {
  const revoked = watch.revoked > 0;
  const mcp = await callMcp(t.proxy, tokens.access_token);
  expect(mcp.status, `revoked during the race: ${revoked}`).toBe(revoked ? 401 : 200);
  const refresh = await postForm(t.proxy, '/token', {
    grant_type: 'refresh_token',
    refresh_token: tokens.refresh_token,
    client_id: clientId,
  });
  expect(refresh.status, `revoked during the race: ${revoked}`).toBe(revoked ? 400 : 200);
}

const tempDir = useTempDirs('proxy-concurrency');
let redis: RedisServerHandle;

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  await redis?.stop();
});

const backends: [string, () => Promise<Store>][] = [
  ['memory', async () => new MemoryStore({ sweepIntervalMs: 0 })],
  ['file', async () => new FileStore({ directory: tempDir(), sweepIntervalMs: 0 })],
  ['redis', () => RedisStore.connect({ url: redis.url, keyPrefix: `concurrency-${Date.now()}-${Math.random()}:` })],
];

describe.each(backends)('concurrent redemption on the %s store', (_name, createStore) => {
  let t: TestProxy;
  let watch: RevocationWatch;
  beforeAll(async () => {
    watch = new RevocationWatch(await createStore());
    t = await createTestProxy({ store: watch });
  });
  afterAll(async () => {
    await t.proxy.close();
  });

  it(`redeems one authorization code exactly once among ${PARALLEL} parallel token requests`, async () => {
    const flow = await obtainCode(t);
    watch.revoked = 0;
    const outcomes = await Promise.all(
      Array.from({ length: PARALLEL }, async () => outcome(await exchangeCode(t, flow))),
    );
    const tokens = assertExactlyOneSuccess(outcomes);
    await assertRevocationHolds(t, watch, tokens, flow.clientId);
  });

  it(`rotates one refresh token exactly once among ${PARALLEL} parallel refresh requests`, async () => {
    const { flow, tokens } = await obtainTokens(t);
    watch.revoked = 0;
    const outcomes = await Promise.all(
      Array.from({ length: PARALLEL }, async () =>
        outcome(
          await postForm(t.proxy, '/token', {
            grant_type: 'refresh_token',
            refresh_token: tokens.refresh_token,
            client_id: flow.clientId,
            resource: `${BASE}/mcp`,
          }),
        ),
      ),
    );
    const successor = assertExactlyOneSuccess(outcomes);
    await assertRevocationHolds(t, watch, successor, flow.clientId);
  });
});

// Each concurrent refresh would otherwise refresh upstream first: with an IdP that rotates its refresh tokens, all
// but one of those upstream calls fail as reuse and the grant is lost. The upstream is refreshed exactly once.
describe.each<MockIdpFlavor>(['oidc', 'github'])('concurrent refresh while the %s upstream token is due', (flavor) => {
  let stack: Stack;
  beforeAll(async () => {
    // Upstream access tokens always inside the refresh margin: every proxy refresh refreshes upstream first.
    stack = await startStack(flavor, {}, { expiringTokens: true, accessTokenTtlSeconds: 30 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it(`rotates one refresh token exactly once among ${PARALLEL} parallel refresh requests`, async () => {
    const client = await runHttpFlow(stack.proxy.url, { flavor });
    const outcomes = await Promise.all(
      Array.from({ length: PARALLEL }, async () => outcome(await refreshHttp(client, client.tokens.refresh_token))),
    );
    const successor = assertExactlyOneSuccess(outcomes);
    const upstreamRefreshes = stack.idp
      .requests()
      .filter((r) => r.path === new URL(stack.idp.endpoints.token).pathname && r.form.grant_type === 'refresh_token');
    expect(upstreamRefreshes).toHaveLength(1);
    const accepted = (await mcpInitialize(stack.proxy.url, successor.access_token)).status === 200;
    const refreshed = (await refreshHttp(client, successor.refresh_token)).status === 200;
    expect({ accessTokenAccepted: accepted }).toEqual({ accessTokenAccepted: refreshed });
  });
});
