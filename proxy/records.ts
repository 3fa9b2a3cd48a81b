// Every record the proxy keeps, its key prefix and its shape: the code form of the "Schema" table in
// proxy/storage/README.md. Secrets are stored as SHA-256 hashes in the key (codes, refresh tokens) or the record
// (client secrets); upstream tokens sit in grant records, which the encryption wrapper encrypts at rest.
import { touchRecord, type JsonValue, type Store } from './storage/store.ts';
import type { UpstreamTokens } from './upstream/types.ts';

export type ApplicationType = 'web' | 'native';

/** A JSON Web Key Set with public keys only (RFC 7517 §5). */
export interface PublicJwks {
  keys: Array<Record<string, JsonValue>>;
}

/**
 * A client: dynamically registered (RFC 7591 §3.2.1 metadata in wire names, plus server-side fields), or resolved
 * from its client ID metadata document (then `metadata_document` is true, `client_id` is the document's URL, and the
 * record lives in the document cache, never under `client:`).
 */
export interface ClientRecord {
  client_id: string;
  client_id_issued_at: number;
  /** SHA-256 of the client secret (base64url); absent for public clients. */
  client_secret_hash?: string;
  /** `private_key_jwt` only for metadata-document clients, whose keys are in `jwks`. */
  token_endpoint_auth_method: 'none' | 'client_secret_post' | 'client_secret_basic' | 'private_key_jwt';
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  scope?: string;
  contacts?: string[];
  tos_uri?: string;
  policy_uri?: string;
  software_id?: string;
  software_version?: string;
  /** Absent only on records written before application_type was enforced. */
  application_type?: ApplicationType;
  /** The document's own `jwks`, or the keys fetched from its `jwks_uri` (private_key_jwt clients). */
  jwks?: PublicJwks;
  /** The document's `jwks_uri`, when the keys came from there. */
  jwks_uri?: string;
  /** Resolved from a client ID metadata document (draft-ietf-oauth-client-id-metadata-document). */
  metadata_document?: true;
  /** Set at the first successful token grant: the record then lives clientTtlSeconds instead of unusedClientTtlSeconds. */
  used?: boolean;
}

/** An /authorize request that passed every check and waits for the user's consent. */
export interface PendingAuthorization {
  clientId: string;
  /** The redirect URI the code goes to (as requested, or the only registered one). */
  redirectUri: string;
  /** Whether the client sent redirect_uri; then the token request may repeat it and it must match. */
  redirectUriSent: boolean;
  codeChallenge: string;
  /** The client's state, byte-exact; absent when the client sent none. */
  state?: string;
  scopes: string[];
  /** The resource the client named (RFC 8707), or absent. */
  resource?: string;
  createdAt: number;
}

/** The upstream leg of one authorization: created only after consent (MCP SBP, CONSENT-05). */
export interface UpstreamTransaction {
  authorization: PendingAuthorization;
  /** The proxy's own PKCE verifier for the upstream token request. */
  codeVerifier: string;
}

/** The user's grant to one client: what access tokens and refresh tokens stand for. Deleting it revokes both. */
export interface GrantRecord {
  clientId: string;
  user: { sub: string; name?: string; email?: string; login?: string };
  scopes: string[];
  resource: string;
  upstreamTokens: UpstreamTokens;
  createdAt: number;
}

/** A proxy authorization code, stored under the hash of the code. */
export interface CodeRecord {
  clientId: string;
  redirectUri: string;
  redirectUriSent: boolean;
  codeChallenge: string;
  grantId: string;
  scopes: string[];
  resource: string;
}

/** Left behind when a code is redeemed, so that a replay can be recognised (RFC 6749 §10.5). */
export interface UsedCodeRecord {
  clientId: string;
  codeChallenge: string;
  grantId: string;
}

/** A live refresh token, stored under the hash of the token. */
export interface RefreshRecord {
  grantId: string;
  clientId: string;
  scopes: string[];
  /** 1 for the token issued with the code, +1 per rotation. */
  generation: number;
}

/** A rotated-out refresh token: presenting it again revokes the grant (RFC 9700 §4.14.2). */
export interface UsedRefreshRecord {
  grantId: string;
  clientId: string;
  rotatedAt: number;
}

/**
 * Only with refreshGraceSeconds > 0, and only for that long: the response a rotation produced, so that an honest
 * retry of the same refresh (a lost response) gets the same successor pair instead of revoking the grant.
 */
export interface RefreshGraceRecord {
  clientId: string;
  response: TokenResponseBody;
}

/** The token endpoint's success body (RFC 6749 §5.1). */
export interface TokenResponseBody {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope?: string;
}

/**
 * A client ID metadata document that was fetched and validated, cached for as long as its HTTP caching headers allow
 * (bounded by the cimdCache* options). Invalid documents and failed fetches are never stored (draft §4.4).
 */
export interface ClientDocumentRecord {
  client: ClientRecord;
  /** Proxy clock, epoch seconds: after this the document is fetched again (the store TTL is a backstop). */
  expiresAt: number;
}

/** A private_key_jwt assertion's `jti` seen once: a second use is refused until the assertion would have expired. */
export interface UsedAssertionRecord {
  clientId: string;
  exp: number;
}

/** A store key that carries the type of the record stored under it, so reads need no type argument. */
export type RecordKey<T> = string & { readonly [recordOf]?: T };
declare const recordOf: unique symbol;

function prefixed<T>(prefix: string): (id: string) => RecordKey<T> {
  return (id) => `${prefix}:${id}` as RecordKey<T>;
}

export const keys = {
  client: prefixed<ClientRecord>('client'),
  pending: prefixed<PendingAuthorization>('authz'),
  transaction: prefixed<UpstreamTransaction>('txn'),
  grant: prefixed<GrantRecord>('grant'),
  code: prefixed<CodeRecord>('code'),
  usedCode: prefixed<UsedCodeRecord>('code-used'),
  refresh: prefixed<RefreshRecord>('refresh'),
  usedRefresh: prefixed<UsedRefreshRecord>('refresh-used'),
  refreshGrace: prefixed<RefreshGraceRecord>('refresh-grace'),
  /** Keyed by the SHA-256 of the client_id URL (URLs can be long and hold any character). */
  clientDocument: prefixed<ClientDocumentRecord>('cimd'),
  /** Keyed by the SHA-256 of client_id and jti together. */
  usedAssertion: prefixed<UsedAssertionRecord>('assertion-used'),
} as const;

/**
 * Typed views over the untyped store: the records above are plain JSON. `onRemove` hears every key taken or deleted
 * through these views, before and after the store call (the bearer check's grant cache forgets a revoked grant at once,
 * and a read that overlapped the removal is not cached).
 */
export function records(store: Store, onRemove?: (key: string) => void) {
  return {
    get: <T>(key: RecordKey<T>) => store.get<JsonValue>(key) as Promise<T | undefined>,
    take: async <T>(key: RecordKey<T>) => {
      onRemove?.(key);
      try {
        return (await store.take<JsonValue>(key)) as T | undefined;
      } finally {
        onRemove?.(key);
      }
    },
    set: <T>(key: RecordKey<T>, value: T, ttlSeconds: number) => store.set(key, toJson(value), ttlSeconds),
    add: <T>(key: RecordKey<T>, value: T, ttlSeconds: number) => store.add(key, toJson(value), ttlSeconds),
    /** A new TTL for a live record, unchanged; false when it is gone (nothing is written then). */
    touch: (key: RecordKey<unknown>, ttlSeconds: number) => touchRecord(store, key, ttlSeconds),
    delete: async (key: RecordKey<unknown>) => {
      onRemove?.(key);
      try {
        await store.delete(key);
      } finally {
        onRemove?.(key);
      }
    },
  };
}

export type Records = ReturnType<typeof records>;

/** Drops undefined fields so the value is plain JSON. */
function toJson(value: unknown): JsonValue {
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}
