// The memory backend: the shared contract, plus the sweep that keeps memory bounded.
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../storage/memory-store.ts';
import { describeStoreContract } from './store-contract.ts';

describeStoreContract('memory', () => new MemoryStore());

describe('MemoryStore', () => {
  it('sweeps expired records it was never asked about again', async () => {
    let now = 1_000_000;
    const store = new MemoryStore({ now: () => now, sweepIntervalMs: 0 });
    await store.set('short', 1, 10);
    await store.set('long', 2, 100);
    now += 11_000;
    store.sweep();
    // Moving the clock back shows that the sweep deleted the record rather than merely hiding it.
    now -= 11_000;
    expect(await store.get('short')).toBeUndefined();
    expect(await store.get('long')).toBe(2);
    await store.close();
  });

  it('honours a fractional TTL on an injected clock', async () => {
    let now = 0;
    const store = new MemoryStore({ now: () => now, sweepIntervalMs: 0 });
    await store.set('k', 'v', 0.5);
    now = 499;
    expect(await store.get('k')).toBe('v');
    now = 500;
    expect(await store.get('k')).toBeUndefined();
    await store.close();
  });

  it('rejects use after close', async () => {
    const store = new MemoryStore();
    await store.close();
    await expect(store.get('k')).rejects.toThrow(/closed/);
  });
});
