// The Redis backend against a real redis-server: the shared contract, the key prefix, the Lua fallback for servers
// without GETDEL, and failing fast during an outage then recovering without a restart of the proxy.
import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../storage/redis-store.ts';
import { StoreUnavailableError } from '../../storage/store.ts';
import { startRedisServer, type RedisServerHandle } from '../../../testkit/redis-server.ts';
import { describeStoreContract } from './store-contract.ts';

let server: RedisServerHandle;

beforeAll(async () => {
  server = await startRedisServer();
});

afterAll(async () => {
  await server?.stop();
});

// A fresh prefix per store keeps tests apart on the one shared server.
describeStoreContract('redis', () => RedisStore.connect({ url: server.url, keyPrefix: `test-${randomUUID()}:` }));

async function rawClient(url: string) {
  const client = createClient({ url });
  await client.connect();
  return client;
}

async function eventually<T>(attempt: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('RedisStore', () => {
  it('stores JSON under the configured prefix, and under mcp-oauth-proxy: by default', async () => {
    const raw = await rawClient(server.url);
    const custom = await RedisStore.connect({ url: server.url, keyPrefix: 'tenant-a:' });
    const byDefault = await RedisStore.connect({ url: server.url });
    await custom.set('client:1', { client_id: '1' }, 60);
    await byDefault.set('client:2', { client_id: '2' }, 60);
    expect(await raw.get('tenant-a:client:1')).toBe('{"client_id":"1"}');
    expect(await raw.get('mcp-oauth-proxy:client:2')).toBe('{"client_id":"2"}');
    expect(await raw.get('client:1')).toBeNull();
    const ttl = await raw.pTTL('tenant-a:client:1');
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await Promise.all([custom.close(), byDefault.close(), raw.close()]);
  });

  it('rejects connect to a port where nothing listens with StoreUnavailableError', async () => {
    const stopped = await startRedisServer();
    await stopped.stop();
    await expect(RedisStore.connect({ url: stopped.url, connectTimeoutMs: 500 })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
  });
});

describe('RedisStore on a server without GETDEL', () => {
  let legacy: RedisServerHandle;

  beforeAll(async () => {
    legacy = await startRedisServer({ args: ['--rename-command', 'GETDEL', ''] });
  });

  afterAll(async () => {
    await legacy?.stop();
  });

  it('falls back to the Lua script and still takes exactly once', async () => {
    const raw = await rawClient(legacy.url);
    await expect(raw.getDel('probe')).rejects.toThrow(/unknown command/i);
    await raw.close();
    const store = await RedisStore.connect({ url: legacy.url });
    await store.set('code', { v: 1 }, 60);
    const results = await Promise.all(Array.from({ length: 50 }, () => store.take('code')));
    expect(results.filter((result) => result !== undefined)).toEqual([{ v: 1 }]);
    expect(await store.take('code')).toBeUndefined();
    await store.close();
  });
});

describe('RedisStore during an outage', () => {
  let flaky: RedisServerHandle;

  beforeAll(async () => {
    flaky = await startRedisServer();
  });

  afterAll(async () => {
    await flaky?.stop();
  });

  it.each([
    ['shuts down', () => flaky.stop()],
    ['crashes', () => flaky.kill()],
  ])('rejects with StoreUnavailableError after Redis %s, and works again once it is back', async (_, outage) => {
    const store = await RedisStore.connect({ url: flaky.url, maxReconnectDelayMs: 200 });
    await store.set('before', 1, 60);
    await outage();
    for (const operation of [
      () => store.get('k'),
      () => store.set('k', 1, 60),
      () => store.add('k', 1, 60),
      () => store.take('k'),
      () => store.delete('k'),
    ]) {
      await expect(operation()).rejects.toBeInstanceOf(StoreUnavailableError);
    }
    await flaky.restart();
    await eventually(() => store.set('after', 2, 60));
    expect(await store.get('after')).toBe(2);
    // The restarted server is empty: nothing was persisted.
    expect(await store.get('before')).toBeUndefined();
    await store.close();
  });

  it('rejects with StoreUnavailableError instead of hanging when Redis stops answering', async () => {
    const store = await RedisStore.connect({ url: flaky.url, commandTimeoutMs: 300 });
    flaky.pause();
    try {
      await expect(store.get('k')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.take('k')).rejects.toThrow(/timed out/);
    } finally {
      flaky.resume();
    }
    await eventually(() => store.set('after', 1, 60));
    await store.close();
  });

  it('closes cleanly even while Redis is down', async () => {
    const store = await RedisStore.connect({ url: flaky.url });
    await flaky.stop();
    await expect(store.close()).resolves.toBeUndefined();
    await expect(store.get('k')).rejects.toThrow(/closed/);
    await flaky.restart();
  });
});
