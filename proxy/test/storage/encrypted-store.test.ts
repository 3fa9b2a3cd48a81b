// The encryption wrapper: the shared contract over memory and file, plus what encryption at rest must guarantee.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EncryptedStore, type SealedRecord } from '../../storage/encrypted-store.ts';
import { FileStore } from '../../storage/file-store.ts';
import { MemoryStore } from '../../storage/memory-store.ts';
import type { Store } from '../../storage/store.ts';
import { describeStoreContract } from './store-contract.ts';
import { useTempDirs } from './temp-dir.ts';

const tempDir = useTempDirs('encrypted-store');
const SECRET_A = 'a'.repeat(16) + 'first-secret-for-tests';
const SECRET_B = 'b'.repeat(16) + 'second-secret-for-tests';

describeStoreContract('encrypted(memory)', () => new EncryptedStore(new MemoryStore(), { secrets: [SECRET_A] }));
describeStoreContract(
  'encrypted(file)',
  () => new EncryptedStore(new FileStore({ directory: join(tempDir(), 'store') }), { secrets: [SECRET_A] }),
);

/** A backend written before Store.touch existed: everything but touch, so the read-and-write fallback is used. */
function withoutTouch(inner: Store): Store {
  return {
    get: (key) => inner.get(key),
    set: (key, value, ttl) => inner.set(key, value, ttl),
    add: (key, value, ttl) => inner.add(key, value, ttl),
    take: (key) => inner.take(key),
    delete: (key) => inner.delete(key),
    close: () => inner.close(),
  };
}
describeStoreContract(
  'encrypted(a backend without touch)',
  () => new EncryptedStore(withoutTouch(new MemoryStore()), { secrets: [SECRET_A] }),
);

function setup(secrets: string[] = [SECRET_A]) {
  const inner = new MemoryStore();
  return { inner, store: new EncryptedStore(inner, { secrets }) };
}

describe('EncryptedStore', () => {
  it('keeps no plaintext in the inner store, only {v, iv, ct} in base64url', async () => {
    const { inner, store } = setup();
    await store.set('refresh:h', { upstream_token: 'gho_SuperSecretUpstreamToken' }, 60);
    const sealed = await inner.get<SealedRecord>('refresh:h');
    expect(Object.keys(sealed ?? {}).sort()).toEqual(['ct', 'iv', 'v']);
    expect(sealed?.v).toBe(1);
    expect(sealed?.iv).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(sealed?.ct).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(JSON.stringify(sealed)).not.toContain('SuperSecret');
    expect(JSON.stringify(sealed)).not.toContain('upstream_token');
  });

  it('uses a fresh IV on every write, so equal values give different ciphertexts', async () => {
    const { inner, store } = setup();
    await store.set('a', 'same', 60);
    await store.set('b', 'same', 60);
    const [a, b] = [await inner.get<SealedRecord>('a'), await inner.get<SealedRecord>('b')];
    expect(a?.iv).not.toBe(b?.iv);
    expect(a?.ct).not.toBe(b?.ct);
  });

  it('does not decrypt a ciphertext moved to another key', async () => {
    const { inner, store } = setup();
    await store.set('grant:victim', { scope: 'admin' }, 60);
    await inner.set('grant:attacker', (await inner.get('grant:victim')) ?? null, 60);
    expect(await store.get('grant:attacker')).toBeUndefined();
    expect(await store.take('grant:attacker')).toBeUndefined();
    expect(await store.get('grant:victim')).toEqual({ scope: 'admin' });
  });

  it('answers undefined for a tampered ciphertext, IV or format version', async () => {
    const { inner, store } = setup();
    await store.set('k', { secret: 'value' }, 60);
    const sealed = (await inner.get<SealedRecord>('k')) as SealedRecord;
    const ct = Buffer.from(sealed.ct, 'base64url');
    ct[0] = (ct[0] ?? 0) ^ 0x01;
    await inner.set('k', { ...sealed, ct: ct.toString('base64url') }, 60);
    expect(await store.get('k')).toBeUndefined();
    await inner.set('k', { ...sealed, iv: Buffer.alloc(12).toString('base64url') }, 60);
    expect(await store.get('k')).toBeUndefined();
    await inner.set('k', { ...sealed, v: 2 }, 60);
    expect(await store.get('k')).toBeUndefined();
    await inner.set('k', 'plaintext written by someone else', 60);
    expect(await store.get('k')).toBeUndefined();
    await inner.set('k', sealed, 60);
    expect(await store.get('k')).toEqual({ secret: 'value' });
  });

  it('reads records written under an older secret after rotation, and writes with the first secret', async () => {
    const inner = new MemoryStore();
    await new EncryptedStore(inner, { secrets: [SECRET_A] }).set('old', 'written before rotation', 60);
    const rotated = new EncryptedStore(inner, { secrets: [SECRET_B, SECRET_A] });
    expect(await rotated.get('old')).toBe('written before rotation');
    await rotated.set('new', 'written after rotation', 60);
    expect(await new EncryptedStore(inner, { secrets: [SECRET_B] }).get('new')).toBe('written after rotation');
    expect(await new EncryptedStore(inner, { secrets: [SECRET_A] }).get('new')).toBeUndefined();
  });

  it('answers undefined when no configured secret matches', async () => {
    const inner = new MemoryStore();
    await new EncryptedStore(inner, { secrets: [SECRET_A] }).set('k', 'v', 60);
    expect(await new EncryptedStore(inner, { secrets: [SECRET_B] }).get('k')).toBeUndefined();
  });

  it('refuses to start without a secret or with a short one', () => {
    expect(() => new EncryptedStore(new MemoryStore(), { secrets: [] })).toThrow(/at least one secret/);
    expect(() => new EncryptedStore(new MemoryStore(), { secrets: [SECRET_A, 'short'] })).toThrow(
      /secret #2 is shorter than 32/,
    );
  });
});
