// The one behavioural contract every storage backend must pass. Each backend's test file calls
// describeStoreContract with a factory; the proxy's flows rely on exactly these guarantees.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JsonValue, Store } from '../../storage/store.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const nested: JsonValue = {
  client_id: 'c-1',
  redirect_uris: ['https://app.example.com/cb', 'http://127.0.0.1/cb'],
  scopes: { read: true, write: false, none: null },
  count: 42,
  ratio: -0.125,
  text: 'Grüße, 世界 🔐 "quoted" \\ \n newline',
  deep: [[{ a: [1, [2, [3]]] }], []],
  empty: {},
};

const hostileKeys = [
  '../../etc/passwd',
  '..\\..\\windows\\system32',
  'a:b',
  'a_b',
  'code:with space/and/slash',
  'ключ-🔑-鍵',
  '',
  '.',
  'x'.repeat(500),
  'nul\u0000byte',
];

export function describeStoreContract(name: string, makeStore: () => Store | Promise<Store>): void {
  describe(`${name} store contract`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await makeStore();
    });

    afterEach(async () => {
      await store.close();
    });

    it('answers undefined for a key never written', async () => {
      expect(await store.get('never-written')).toBeUndefined();
    });

    it('returns a nested JSON value unchanged after set', async () => {
      await store.set('k', nested, 60);
      expect(await store.get('k')).toEqual(nested);
    });

    it('stores every JSON scalar at the top level', async () => {
      for (const value of [null, true, false, 0, -1.5, '', 'text', [], {}] as JsonValue[]) {
        await store.set('scalar', value, 60);
        expect(await store.get('scalar')).toEqual(value);
      }
    });

    it('replaces the previous record on set', async () => {
      await store.set('k', { v: 1 }, 60);
      await store.set('k', { v: 2 }, 60);
      expect(await store.get('k')).toEqual({ v: 2 });
    });

    it('does not let callers mutate a stored record through the objects they passed in or got back', async () => {
      const value = { list: [1, 2], inner: { flag: true } };
      await store.set('k', value, 60);
      value.list.push(3);
      value.inner.flag = false;
      const read = await store.get<{ list: number[]; inner: { flag: boolean } }>('k');
      read?.list.push(4);
      expect(await store.get('k')).toEqual({ list: [1, 2], inner: { flag: true } });
    });

    it('rejects a TTL that is zero, negative or not finite', async () => {
      await expect(store.set('k', 1, 0)).rejects.toThrow(RangeError);
      await expect(store.set('k', 1, -5)).rejects.toThrow(RangeError);
      await expect(store.add('k', 1, Number.NaN)).rejects.toThrow(RangeError);
      expect(await store.get('k')).toBeUndefined();
    });

    it('adds a record only when none is live, and leaves the existing one untouched', async () => {
      expect(await store.add('k', 'first', 60)).toBe(true);
      expect(await store.add('k', 'second', 60)).toBe(false);
      expect(await store.get('k')).toBe('first');
    });

    it('takes a record exactly once', async () => {
      await store.set('k', { code: 'abc' }, 60);
      expect(await store.take('k')).toEqual({ code: 'abc' });
      expect(await store.take('k')).toBeUndefined();
      expect(await store.get('k')).toBeUndefined();
    });

    it('answers undefined when taking a key never written', async () => {
      expect(await store.take('never-written')).toBeUndefined();
    });

    it('deletes a record, and deleting an absent key is fine', async () => {
      await store.set('k', 1, 60);
      await store.delete('k');
      expect(await store.get('k')).toBeUndefined();
      await expect(store.delete('k')).resolves.toBeUndefined();
    });

    it('expires records after their TTL for get, take and add', async () => {
      await store.set('for-get', 'g', 1);
      await store.set('for-take', 't', 1);
      await store.set('for-add', 'old', 1);
      await store.set('long-lived', 'l', 60);
      expect(await store.get('for-get')).toBe('g');
      await sleep(1_200);
      expect(await store.get('for-get')).toBeUndefined();
      expect(await store.take('for-take')).toBeUndefined();
      expect(await store.add('for-add', 'new', 60)).toBe(true);
      expect(await store.get('for-add')).toBe('new');
      expect(await store.get('long-lived')).toBe('l');
    });

    it('touch gives a live record a new TTL and leaves its value alone', async () => {
      await store.set('short', { v: 1 }, 1);
      expect(await store.touch!('short', 60)).toBe(true);
      await sleep(1_200);
      expect(await store.get('short')).toEqual({ v: 1 });
      await store.set('shortened', 'x', 60);
      expect(await store.touch!('shortened', 1)).toBe(true);
      await sleep(1_200);
      expect(await store.get('shortened')).toBeUndefined();
    });

    it('touch brings back nothing: a deleted, taken or expired key stays absent', async () => {
      expect(await store.touch!('never-written', 60)).toBe(false);
      await store.set('deleted', 1, 60);
      await store.delete('deleted');
      expect(await store.touch!('deleted', 60)).toBe(false);
      await store.set('taken', 1, 60);
      await store.take('taken');
      expect(await store.touch!('taken', 60)).toBe(false);
      await store.set('expired', 1, 1);
      await sleep(1_200);
      expect(await store.touch!('expired', 60)).toBe(false);
      for (const key of ['never-written', 'deleted', 'taken', 'expired']) expect(await store.get(key)).toBeUndefined();
      await expect(store.touch!('k', 0)).rejects.toThrow(RangeError);
    });

    it('keeps keys with hostile characters apart and intact', async () => {
      for (const key of hostileKeys) await store.set(key, { key }, 60);
      for (const key of hostileKeys) expect(await store.get(key)).toEqual({ key });
      await store.delete('a:b');
      expect(await store.get('a_b')).toEqual({ key: 'a_b' });
      expect(await store.take('../../etc/passwd')).toEqual({ key: '../../etc/passwd' });
      expect(await store.get('../../etc/passwd')).toBeUndefined();
    });

    it('gives the value to exactly one of 50 concurrent takes', async () => {
      await store.set('race', { prize: 1 }, 60);
      const results = await Promise.all(Array.from({ length: 50 }, () => store.take('race')));
      const winners = results.filter((result) => result !== undefined);
      expect(winners).toEqual([{ prize: 1 }]);
    });

    it('lets exactly one of 50 concurrent adds win, and keeps the winner’s value', async () => {
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.add('race', { i }, 60)));
      const winners = results.flatMap((won, i) => (won ? [i] : []));
      expect(winners).toHaveLength(1);
      expect(await store.get('race')).toEqual({ i: winners[0] });
    });
  });
}
