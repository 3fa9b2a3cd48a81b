// Low-level file operations for the file store: crash-safe writes (temp file, fsync, rename or link) and tolerant
// reads. Kept apart so that file-store.ts reads as the storage protocol only.
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { JsonValue } from './store.ts';

/** What one file holds. The original key is kept so that a file can be checked against the key that named it. */
export interface FileRecord {
  key: string;
  value: JsonValue;
  /** Milliseconds since the epoch after which the record is dead. */
  expiresAt: number;
}

/** Prefix of temporary files that are written, fsynced and then renamed or linked into place. */
export const TEMP_PREFIX = '.tmp-';
/** Infix of files renamed away by `take`; only the caller whose rename succeeded reads them. */
export const TOMBSTONE_INFIX = '.taken-';

export const uniqueSuffix = (): string => randomBytes(8).toString('hex');

export function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

/** Writes `record` to a fresh, fsynced 0600 temp file in `dir` and returns its path. */
async function writeTemp(dir: string, record: FileRecord): Promise<string> {
  const path = join(dir, `${TEMP_PREFIX}${uniqueSuffix()}`);
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(JSON.stringify(record));
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlinkQuietly(path);
    throw error;
  }
  await handle.close();
  return path;
}

/** Makes a rename or link durable; platforms that cannot fsync a directory simply skip it. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort: the rename itself is already atomic, this only narrows the power-loss window.
  } finally {
    await handle?.close();
  }
}

/** Replaces `target` atomically: readers see the old record or the new one, never a partial file. */
export async function replaceFile(dir: string, target: string, record: FileRecord): Promise<void> {
  const temp = await writeTemp(dir, record);
  try {
    await rename(temp, target);
  } catch (error) {
    await unlinkQuietly(temp);
    throw error;
  }
  await syncDirectory(dir);
}

/**
 * Creates `target` only if it does not exist. link() fails with EEXIST when it does, atomically, even across
 * processes. Returns false when another writer got there first.
 */
export async function createFileExclusive(dir: string, target: string, record: FileRecord): Promise<boolean> {
  const temp = await writeTemp(dir, record);
  try {
    await link(temp, target);
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    throw error;
  } finally {
    await unlinkQuietly(temp);
  }
  await syncDirectory(dir);
  return true;
}

/** The record in `path`, or undefined when the file is missing or not a well-formed record. */
export async function readRecord(path: string): Promise<FileRecord | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<FileRecord>;
    if (typeof parsed.key !== 'string' || typeof parsed.expiresAt !== 'number' || !('value' in parsed)) {
      return undefined;
    }
    return parsed as FileRecord;
  } catch {
    // Writes are atomic, so a malformed file was not written by this store; treat it as absent.
    return undefined;
  }
}

export async function unlinkQuietly(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
}
