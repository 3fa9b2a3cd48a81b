// Open registration is the one endpoint that creates state for anonymous callers, so a flood must not grow memory
// without bound: the per-address rate limit caps what one address can store, and the unused-client TTL (with the
// memory store's sweep) caps what many addresses can store. Memory is measured as the number of store entries.
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../storage/memory-store.ts';
import { BASE, createTestProxy, type TestProxy } from '../support/test-proxy.ts';

const FLOOD = 100_000;
/** One address is capped after 30 requests whatever the total; a tenth of the flood shows it as well. */
const FLOOD_FROM_ONE_ADDRESS = 10_000;
const BATCH = 1_000;
/** Generous: the flood is CPU-bound, and shared CI machines can be several times slower than a developer's. */
const FLOOD_TIMEOUT_MS = 600_000;
const REGISTRATION = JSON.stringify({
  redirect_uris: ['https://client.test/callback'],
  token_endpoint_auth_method: 'none',
  client_name: 'Flood',
});

function register(t: TestProxy, address: string): Promise<Response> {
  return t.proxy.fetch(
    new Request(`${BASE}/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': address },
      body: REGISTRATION,
    }),
  );
}

/** Sends `count` registrations, BATCH at a time; returns how many answered each status. */
async function flood(t: TestProxy, count: number, address: (i: number) => string): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  for (let start = 0; start < count; start += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - start) }, (_, i) => register(t, address(start + i)));
    for (const response of await Promise.all(batch)) {
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      await response.body?.cancel();
    }
  }
  return statuses;
}

describe('a registration flood', () => {
  let t: TestProxy | undefined;
  afterEach(async () => {
    await t?.proxy.close();
    t = undefined;
  });

  it(
    `keeps at most one TTL's worth of unused clients through ${FLOOD.toLocaleString('en')} registrations without a rate limit`,
    async () => {
      let now = Date.parse('2026-01-01T00:00:00Z');
      const store = new MemoryStore({ sweepIntervalMs: 0, now: () => now });
      t = await createTestProxy({ store, registrationRateLimitPerMinute: 0, unusedClientTtlSeconds: 60 });
      const waves = 10;
      const perWave = FLOOD / waves;
      for (let wave = 0; wave < waves; wave += 1) {
        const statuses = await flood(t, perWave, (i) => `10.${wave}.${i >> 8}.${i & 255}`);
        expect(statuses).toEqual(new Map([[201, perWave]]));
        // Half a TTL later the previous wave has expired: after the sweep only this wave remains.
        now += 30_000;
        store.sweep();
        expect(store.size).toBe(perWave);
      }
      now += 30_000;
      store.sweep();
      expect(store.size).toBe(0);
    },
    FLOOD_TIMEOUT_MS,
  );

  it(
    `stores only the rate limit's worth of clients when ${FLOOD_FROM_ONE_ADDRESS.toLocaleString('en')} registrations come from one address`,
    async () => {
      const store = new MemoryStore({ sweepIntervalMs: 0 });
      t = await createTestProxy({ store, trustProxyHeaders: true });
      const statuses = await flood(t, FLOOD_FROM_ONE_ADDRESS, () => '192.0.2.1');
      expect(statuses).toEqual(
        new Map([
          [201, 30],
          [429, FLOOD_FROM_ONE_ADDRESS - 30],
        ]),
      );
      expect(store.size).toBe(30);
    },
    FLOOD_TIMEOUT_MS,
  );

  it('answers the 31st registration from one address within a minute with 429 and Retry-After, others unaffected', async () => {
    t = await createTestProxy({ trustProxyHeaders: true });
    for (let i = 0; i < 30; i += 1) expect((await register(t, '198.51.100.7')).status).toBe(201);
    const refused = await register(t, '198.51.100.7');
    expect({ status: refused.status, body: await refused.json() }).toMatchObject({
      status: 429,
      body: { error: 'temporarily_unavailable' },
    });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await register(t, '198.51.100.8')).status).toBe(201);
  });
});
