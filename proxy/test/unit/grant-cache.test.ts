// The bearer check's grant cache: a grant read moments ago is reused, a revocation through the same instance ends it
// at once, and another instance sharing the store sees a revocation within PROXY_GRANT_CACHE_MS. Time moves by the
// injected clock, never by sleeping.
import { describe, expect, it } from 'vitest';
import type { GrantRecord } from '../../records.ts';
import { GrantCache } from '../../tokens/grant-cache.ts';
import { MemoryStore } from '../../storage/memory-store.ts';
import { callMcp, createTestProxy, obtainTokens, postForm } from '../support/test-proxy.ts';

const grant = (clientId: string): GrantRecord => ({
  clientId,
  user: { sub: '1001' },
  scopes: [],
  resource: 'https://mcp.example.com/mcp',
  upstreamTokens: { accessToken: 'gho' } as GrantRecord['upstreamTokens'],
  createdAt: 0,
});

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('GrantCache', () => {
  it('reuses a grant within its time and reads the store again after it', async () => {
    const time = clock();
    const cache = new GrantCache(1000, time);
    let loads = 0;
    const load = async () => ((loads += 1), grant('c'));
    expect(await cache.get('g', load)).toEqual({ clientId: 'c', user: { sub: '1001' } });
    time.advance(999);
    await cache.get('g', load);
    expect(loads).toBe(1);
    time.advance(1);
    await cache.get('g', load);
    expect(loads).toBe(2);
  });

  it('answers fresh() from the cache alone: while the entry lasts, never after it, a forget() or with time 0', async () => {
    const time = clock();
    const cache = new GrantCache(1000, time);
    expect(cache.fresh('g')).toBeUndefined();
    await cache.get('g', async () => grant('c'));
    expect(cache.fresh('g')).toEqual({ clientId: 'c', user: { sub: '1001' } });
    time.advance(1000);
    expect(cache.fresh('g')).toBeUndefined();
    await cache.get('g', async () => grant('c'));
    cache.forget('g');
    expect(cache.fresh('g')).toBeUndefined();
    const off = new GrantCache(0, time);
    await off.get('g', async () => grant('c'));
    expect(off.fresh('g')).toBeUndefined();
  });

  it('keeps only live entries: expired ones leave as new ones come, instead of waiting for the size bound', async () => {
    const time = clock();
    const cache = new GrantCache(1000, time);
    for (const id of ['a', 'b', 'c']) await cache.get(id, async () => grant(id));
    time.advance(600);
    await cache.get('d', async () => grant('d'));
    expect(cache.size).toBe(4);
    time.advance(400);
    await cache.get('e', async () => grant('e'));
    expect(cache.size).toBe(2);
    expect(cache.fresh('d')).toBeDefined();
    expect(cache.fresh('e')).toBeDefined();
  });

  it('never caches an absent grant, and reads every time when the time is 0', async () => {
    const absent = new GrantCache(1000, clock());
    let loads = 0;
    await absent.get('g', async () => ((loads += 1), undefined));
    await absent.get('g', async () => ((loads += 1), undefined));
    expect(loads).toBe(2);
    const off = new GrantCache(0, clock());
    await off.get('g', async () => ((loads += 1), grant('c')));
    await off.get('g', async () => ((loads += 1), grant('c')));
    expect(loads).toBe(4);
    expect(off.size).toBe(0);
  });

  it('forgets a grant at once, and does not cache a read that overlapped its removal', async () => {
    const cache = new GrantCache(1000, clock());
    await cache.get('g', async () => grant('c'));
    cache.forget('g');
    expect(await cache.get('g', async () => undefined)).toBeUndefined();

    let release!: () => void;
    const slow = cache.get('h', () => new Promise<GrantRecord>((resolve) => (release = () => resolve(grant('c')))));
    cache.forget('h');
    release();
    expect(await slow).toEqual({ clientId: 'c', user: { sub: '1001' } });
    expect(await cache.get('h', async () => undefined)).toBeUndefined();
  });
});

describe('the bearer check with the grant cache', () => {
  it('refuses a token at once after its grant is revoked through the same instance, though just used', async () => {
    const t = await createTestProxy({ grantCacheMs: 60_000 });
    const { flow, tokens } = await obtainTokens(t);
    expect((await callMcp(t.proxy, tokens.access_token)).status).toBe(200);
    const revoked = await postForm(t.proxy, '/revoke', { token: tokens.refresh_token, client_id: flow.clientId });
    expect(revoked.status).toBe(200);
    expect((await callMcp(t.proxy, tokens.access_token)).status).toBe(401);
  });

  it('another instance on the same store sees the revocation within the cache time, not later', async () => {
    const time = clock(Date.now());
    const store = new MemoryStore({ sweepIntervalMs: 0 });
    const a = await createTestProxy({ store, clock: time, grantCacheMs: 1000 });
    const b = await createTestProxy({ store, clock: time, grantCacheMs: 1000 });
    const { flow, tokens } = await obtainTokens(a);
    expect((await callMcp(b.proxy, tokens.access_token)).status).toBe(200);
    expect((await postForm(a.proxy, '/revoke', { token: tokens.refresh_token, client_id: flow.clientId })).status).toBe(
      200,
    );
    expect((await callMcp(a.proxy, tokens.access_token)).status).toBe(401);
    time.advance(1000);
    expect((await callMcp(b.proxy, tokens.access_token)).status).toBe(401);
  });
});
