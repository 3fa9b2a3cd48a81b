// Reads a file store's directory from the outside, so that tests against a running server can check what the proxy
// left behind: the number of live records per key prefix (`grant`, `code`, `txn`, `authz`, `refresh` …).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type StoreSnapshot = Record<string, number>;

/** Live records per key prefix (the part of the key before the first `:`). */
export async function snapshotFileStore(directory: string): Promise<StoreSnapshot> {
  const counts: StoreSnapshot = {};
  const now = Date.now();
  for (const name of await readdir(directory)) {
    if (!name.endsWith('.json')) continue;
    let record: { key?: unknown; expiresAt?: unknown };
    try {
      record = JSON.parse(await readFile(join(directory, name), 'utf8')) as typeof record;
    } catch {
      continue;
    }
    if (typeof record.key !== 'string' || typeof record.expiresAt !== 'number' || record.expiresAt <= now) continue;
    const prefix = record.key.split(':')[0] ?? '';
    counts[prefix] = (counts[prefix] ?? 0) + 1;
  }
  return counts;
}

/** The snapshot without the given prefixes (e.g. `client`, which every test registers anew). */
export function without(snapshot: StoreSnapshot, ...prefixes: string[]): StoreSnapshot {
  return Object.fromEntries(Object.entries(snapshot).filter(([prefix]) => !prefixes.includes(prefix)));
}
