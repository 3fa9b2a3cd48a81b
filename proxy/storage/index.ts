// The storage module's public surface: the interface, the backends, the encryption wrapper and the spec parser.
export { StoreUnavailableError, touchRecord, type JsonValue, type Store } from './store.ts';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.ts';
export { FileStore, type FileStoreOptions } from './file-store.ts';
export { RedisStore, type RedisStoreOptions } from './redis-store.ts';
export { EncryptedStore, MIN_SECRET_LENGTH, type EncryptedStoreOptions, type SealedRecord } from './encrypted-store.ts';
export { createStore, type CreateStoreOptions } from './create-store.ts';
