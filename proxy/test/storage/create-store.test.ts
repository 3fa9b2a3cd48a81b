// Parsing the operator's storage setting into a backend, with or without encryption.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../storage/create-store.ts';
import { EncryptedStore } from '../../storage/encrypted-store.ts';
import { FileStore } from '../../storage/file-store.ts';
import { MemoryStore } from '../../storage/memory-store.ts';
import { RedisStore } from '../../storage/redis-store.ts';
import { StoreUnavailableError } from '../../storage/store.ts';
import { startRedisServer, type RedisServerHandle } from '../../../testkit/redis-server.ts';
import { useTempDirs } from './temp-dir.ts';

const tempDir = useTempDirs('create-store');
const SECRET = 'create-store-test-secret-0123456789abcdef';

describe('createStore', () => {
  let server: RedisServerHandle;

  beforeAll(async () => {
    server = await startRedisServer();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('creates a memory store for "memory"', async () => {
    const store = await createStore('memory');
    expect(store).toBeInstanceOf(MemoryStore);
    await store.close();
  });

  it('creates a file store for "file:PATH" and for a file:// URL', async () => {
    const directory = tempDir();
    const byPath = await createStore(`file:${directory}`);
    expect(byPath).toBeInstanceOf(FileStore);
    await byPath.set('k', 'v', 60);
    const byUrl = await createStore(pathToFileURL(directory).href);
    expect(await byUrl.get('k')).toBe('v');
    await Promise.all([byPath.close(), byUrl.close()]);
  });

  it('creates a connected Redis store for a redis:// URL', async () => {
    const store = await createStore(server.url);
    expect(store).toBeInstanceOf(RedisStore);
    await store.set('k', 'v', 60);
    expect(await store.get('k')).toBe('v');
    await store.close();
  });

  it('rejects with StoreUnavailableError when the Redis URL points nowhere', async () => {
    const gone = await startRedisServer();
    await gone.stop();
    await expect(createStore(gone.url)).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('wraps the backend in encryption when secrets are given, so the files hold no plaintext', async () => {
    const directory = tempDir();
    const store = await createStore(`file:${directory}`, { encryptionSecrets: [SECRET] });
    expect(store).toBeInstanceOf(EncryptedStore);
    await store.set('grant:g', { upstream_access_token: 'plain-upstream-token' }, 60);
    expect(await store.get('grant:g')).toEqual({ upstream_access_token: 'plain-upstream-token' });
    const [file] = readdirSync(directory);
    expect(readFileSync(join(directory, file ?? ''), 'utf8')).not.toContain('plain-upstream-token');
    await store.close();
  });

  it('does not wrap when the secret list is empty', async () => {
    const store = await createStore('memory', { encryptionSecrets: [] });
    expect(store).toBeInstanceOf(MemoryStore);
    await store.close();
  });

  it.each([
    ['', /Missing storage/],
    ['file:', /a directory is required/],
    ['postgres://user:hunter2@db/x', /Unknown storage scheme "postgres:"/],
    ['/var/lib/oauth', /Unknown storage "\/var\/lib\/oauth".*file:PATH/],
    ['redis://user:hunter2@[bad', /Redis URL does not parse/],
  ])('explains what is wrong with the spec %j', async (spec, message) => {
    const error: unknown = await createStore(spec).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('refuses a short encryption secret', async () => {
    await expect(createStore('memory', { encryptionSecrets: ['short'] })).rejects.toThrow(/shorter than 32/);
  });
});
