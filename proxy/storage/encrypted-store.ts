// Encryption at rest around any backend: records are sealed with AES-256-GCM before they reach disk or Redis, with
// the record key as associated data so that a ciphertext copied to another key does not decrypt.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { deriveKey, MIN_SECRET_LENGTH } from '../crypto/hmac.ts';
import { touchRecord, type JsonValue, type Store } from './store.ts';

/** HKDF `info`: binds derived keys to this purpose and format version, so the same secret elsewhere yields other keys. */
const HKDF_INFO = 'mcp-oauth-proxy storage v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export { MIN_SECRET_LENGTH };

/** What the inner store holds: format version, random 96-bit IV, and ciphertext followed by the GCM tag. */
// A type alias rather than an interface so that it is assignable to JsonValue.
export type SealedRecord = {
  v: 1;
  /** base64url, 12 bytes. */
  iv: string;
  /** base64url of ciphertext || 16-byte authentication tag. */
  ct: string;
};

export interface EncryptedStoreOptions {
  /**
   * Secrets the encryption keys are derived from (HKDF-SHA256, no salt, info 'mcp-oauth-proxy storage v1'). The first
   * encrypts every write; all are tried on read, so a new secret can be put first while old records are still read.
   * Each must be at least 32 characters of high-entropy random text.
   */
  secrets: readonly string[];
}

export class EncryptedStore implements Store {
  readonly #inner: Store;
  readonly #keys: Buffer[];

  constructor(inner: Store, options: EncryptedStoreOptions) {
    if (options.secrets.length === 0) throw new Error('EncryptedStore needs at least one secret');
    for (const [index, secret] of options.secrets.entries()) {
      if (secret.length < MIN_SECRET_LENGTH) {
        throw new Error(`EncryptedStore secret #${index + 1} is shorter than ${MIN_SECRET_LENGTH} characters`);
      }
    }
    this.#inner = inner;
    this.#keys = options.secrets.map((secret) => deriveKey(secret, HKDF_INFO, ''));
  }

  async get<T extends JsonValue>(key: string): Promise<T | undefined> {
    return this.#open<T>(key, await this.#inner.get(key));
  }

  async set(key: string, value: JsonValue, ttlSeconds: number): Promise<void> {
    await this.#inner.set(key, this.#seal(key, value), ttlSeconds);
  }

  async add(key: string, value: JsonValue, ttlSeconds: number): Promise<boolean> {
    return this.#inner.add(key, this.#seal(key, value), ttlSeconds);
  }

  async take<T extends JsonValue>(key: string): Promise<T | undefined> {
    return this.#open<T>(key, await this.#inner.take(key));
  }

  /** The sealed record is kept as it is: its associated data is the key, which does not change. */
  async touch(key: string, ttlSeconds: number): Promise<boolean> {
    return touchRecord(this.#inner, key, ttlSeconds);
  }

  async delete(key: string): Promise<void> {
    await this.#inner.delete(key);
  }

  async close(): Promise<void> {
    await this.#inner.close();
  }

  #seal(key: string, value: JsonValue): SealedRecord {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#keys[0] as Buffer, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(key, 'utf8'));
    const ciphertext = Buffer.concat([
      cipher.update(JSON.stringify(value), 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return { v: 1, iv: iv.toString('base64url'), ct: ciphertext.toString('base64url') };
  }

  /**
   * The plaintext of a sealed record, or undefined when it is absent, not in the v1 format, or fails to authenticate
   * under every key. Failures are deliberately silent: the caller treats the record as missing, and nothing about the
   * ciphertext or keys is logged.
   */
  #open<T extends JsonValue>(key: string, sealed: JsonValue | undefined): T | undefined {
    if (!isSealedRecord(sealed)) return undefined;
    const iv = Buffer.from(sealed.iv, 'base64url');
    const data = Buffer.from(sealed.ct, 'base64url');
    if (iv.length !== IV_BYTES || data.length < TAG_BYTES) return undefined;
    const ciphertext = data.subarray(0, data.length - TAG_BYTES);
    const tag = data.subarray(data.length - TAG_BYTES);
    for (const secretKey of this.#keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', secretKey, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(key, 'utf8'));
        decipher.setAuthTag(tag);
        const plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
        return JSON.parse(plaintext) as T;
      } catch {
        // Wrong key or tampered data: try the next key.
      }
    }
    return undefined;
  }
}

function isSealedRecord(value: JsonValue | undefined): value is SealedRecord {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    value.v === 1 &&
    typeof value.iv === 'string' &&
    typeof value.ct === 'string'
  );
}
