// The file backend: the shared contract, plus persistence across instances, file modes and crash leftovers.
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStore } from '../../storage/file-store.ts';
import { describeStoreContract } from './store-contract.ts';
import { useTempDirs } from './temp-dir.ts';

const tempDir = useTempDirs('file-store');

describeStoreContract('file', () => new FileStore({ directory: join(tempDir(), 'store') }));

describe('FileStore', () => {
  it('lets a second instance on the same directory read what the first wrote (restart persistence)', async () => {
    const directory = tempDir();
    const first = new FileStore({ directory });
    await first.set('client:abc', { client_id: 'abc', redirect_uris: ['https://a.example/cb'] }, 3600);
    await first.close();
    const second = new FileStore({ directory });
    expect(await second.get('client:abc')).toEqual({ client_id: 'abc', redirect_uris: ['https://a.example/cb'] });
    await second.close();
  });

  it('creates its directory with mode 0700 and record files with mode 0600', async () => {
    const directory = join(tempDir(), 'nested', 'store');
    const store = new FileStore({ directory });
    await store.set('k', 'v', 60);
    await store.add('k2', 'v', 60);
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    const files = readdirSync(directory);
    expect(files).toHaveLength(2);
    for (const file of files) expect(statSync(join(directory, file)).mode & 0o777).toBe(0o600);
    await store.close();
  });

  it('names files by the SHA-256 of the key and keeps the original key inside the record', async () => {
    const directory = tempDir();
    const store = new FileStore({ directory });
    await store.set('../../etc/passwd', 1, 60);
    const [file, ...others] = readdirSync(directory);
    expect(others).toEqual([]);
    expect(file).toMatch(/^[0-9a-f]{64}\.json$/);
    expect(JSON.parse(readFileSync(join(directory, file ?? ''), 'utf8'))).toMatchObject({
      key: '../../etc/passwd',
      value: 1,
    });
    await store.close();
  });

  it('leaves no file behind after take and delete', async () => {
    const directory = tempDir();
    const store = new FileStore({ directory });
    await store.set('a', 1, 60);
    await store.set('b', 2, 60);
    await store.take('a');
    await store.delete('b');
    expect(readdirSync(directory)).toEqual([]);
    await store.close();
  });

  it('removes an expired record from disk when it is read', async () => {
    const directory = tempDir();
    let now = Date.now();
    const store = new FileStore({ directory, now: () => now, sweepIntervalMs: 0 });
    await store.set('k', 1, 10);
    now += 10_000;
    expect(await store.get('k')).toBeUndefined();
    expect(readdirSync(directory)).toEqual([]);
    await store.close();
  });

  it('sweeps expired records and stale leftovers of interrupted writes, but keeps live records', async () => {
    const directory = tempDir();
    let now = Date.now();
    const store = new FileStore({ directory, now: () => now, sweepIntervalMs: 0 });
    await store.set('short', 1, 10);
    await store.set('long', 2, 1000);
    const stale = join(directory, '.tmp-deadbeef');
    writeFileSync(stale, '{');
    const past = new Date(now - 120_000);
    utimesSync(stale, past, past);
    const fresh = join(directory, '.tmp-inflight');
    writeFileSync(fresh, '{');
    now += 11_000;
    await store.sweep();
    const remaining = readdirSync(directory);
    expect(remaining).toContain('.tmp-inflight');
    expect(remaining).not.toContain('.tmp-deadbeef');
    expect(remaining.filter((name) => name.endsWith('.json'))).toHaveLength(1);
    expect(await store.get('long')).toBe(2);
    now -= 11_000;
    expect(await store.get('short')).toBeUndefined();
    await store.close();
  });

  it('keeps take and add atomic between two instances on one directory, which share no in-process lock', async () => {
    const directory = tempDir();
    const stores = [new FileStore({ directory }), new FileStore({ directory })];
    const pick = (i: number) => stores[i % 2] as FileStore;
    await pick(0).set('code', 'once', 60);
    const taken = await Promise.all(Array.from({ length: 50 }, (_, i) => pick(i).take('code')));
    expect(taken.filter((value) => value !== undefined)).toEqual(['once']);
    const added = await Promise.all(Array.from({ length: 50 }, (_, i) => pick(i).add('marker', i, 60)));
    expect(added.filter(Boolean)).toHaveLength(1);
    await Promise.all(stores.map((store) => store.close()));
  });

  it('treats a corrupt record file as absent', async () => {
    const directory = tempDir();
    const store = new FileStore({ directory });
    await store.set('k', 1, 60);
    const [file] = readdirSync(directory);
    writeFileSync(join(directory, file ?? ''), 'not json');
    expect(await store.get('k')).toBeUndefined();
    await store.close();
  });
});
