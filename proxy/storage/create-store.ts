// Turns the operator's storage setting (flag, env var or config file) into a backend, wrapped in encryption when
// secrets are configured. This is the only place that knows the spec syntax.
import { fileURLToPath } from 'node:url';
import { EncryptedStore } from './encrypted-store.ts';
import { FileStore } from './file-store.ts';
import { MemoryStore } from './memory-store.ts';
import { RedisStore } from './redis-store.ts';
import type { Store } from './store.ts';

export interface CreateStoreOptions {
  /**
   * Secrets for encryption at rest (see EncryptedStore): the first encrypts, all decrypt. Omitted or empty means
   * records are stored as plain JSON.
   */
  encryptionSecrets?: readonly string[];
}

const SPEC_HELP = 'expected "memory", "file:PATH" (or a file:// URL), "redis://…" or "rediss://…"';

/**
 * Creates the backend named by `spec`:
 * - `memory`: in-process, lost on restart (development and single-process use).
 * - `file:PATH` or `file:///abs/path`: one file per key under PATH (relative paths resolve against the cwd).
 * - `redis://…` / `rediss://…`: a shared Redis; resolves once connected, rejects with StoreUnavailableError if not.
 */
export async function createStore(spec: string, options: CreateStoreOptions = {}): Promise<Store> {
  const backend = await createBackend(spec.trim());
  const secrets = options.encryptionSecrets ?? [];
  if (secrets.length === 0) return backend;
  try {
    return new EncryptedStore(backend, { secrets });
  } catch (error) {
    await backend.close();
    throw error;
  }
}

async function createBackend(spec: string): Promise<Store> {
  if (spec === 'memory') return new MemoryStore();
  if (spec.startsWith('file:')) return new FileStore({ directory: fileDirectory(spec) });
  if (spec.startsWith('redis://') || spec.startsWith('rediss://')) {
    try {
      new URL(spec);
    } catch {
      // The URL may carry a password, so it is not echoed.
      throw new Error('Invalid storage: the Redis URL does not parse');
    }
    return RedisStore.connect({ url: spec });
  }
  if (spec === '') throw new Error(`Missing storage: ${SPEC_HELP}`);
  // Only the scheme is echoed: a mistyped URL may still contain credentials.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(spec)?.[0];
  throw new Error(`Unknown storage ${scheme === undefined ? `"${spec}"` : `scheme "${scheme}"`}: ${SPEC_HELP}`);
}

function fileDirectory(spec: string): string {
  if (spec.startsWith('file://')) {
    try {
      return fileURLToPath(spec);
    } catch (error) {
      throw new Error(`Invalid storage "${spec}": ${(error as Error).message}`);
    }
  }
  const path = spec.slice('file:'.length);
  if (path === '') throw new Error('Invalid storage "file:": a directory is required, e.g. "file:./data/oauth"');
  return path;
}
