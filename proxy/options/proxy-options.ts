// What createOAuthProxy() takes: the scalar options of the table (proxy-option-table.ts: units, defaults, ranges and
// docs live there) plus the objects that have no text form. The server (proxy/server/) builds these from flags,
// environment variables and a config file; embedders pass them directly.
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { McpHandler } from '../resource/auth-info.ts';
import type { Store } from '../storage/store.ts';
import type { UpstreamProvider } from '../upstream/types.ts';
import type { PROXY_OPTIONS, ProxyTableOptions } from './proxy-option-table.ts';
import type { ValueOf } from './option.ts';

export type ConsentMode = ValueOf<(typeof PROXY_OPTIONS)['consent']>;

/** How the proxy signs its access tokens (RFC 9068 JWTs). */
export type SigningOptions =
  /** HS256 with a key derived (HKDF-SHA256) from this secret. Only this proxy can verify. At least 32 characters. */
  | { kind: 'secret'; secret: string }
  /**
   * ES256 or EdDSA from private JWKs (the first signs; all are published at `jwks_uri` without private parts), so
   * that other resource servers can verify without sharing a secret.
   */
  | { kind: 'jwks'; keys: JsonWebKeyWithKid[] };

export interface JsonWebKeyWithKid {
  kid: string;
  kty: string;
  alg?: string;
  crv?: string;
  [parameter: string]: unknown;
}

/**
 * Resolves a host name to all its addresses. Used only for client metadata document fetches, whose every address is
 * vetted before the proxy connects; default `dns.promises.lookup(host, { all: true })`. Tests stub DNS with it.
 */
export type HostResolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export interface ProxyOptions extends ProxyTableOptions {
  /** The issuer; see PROXY_OPTIONS.baseUrl. */
  baseUrl: string;
  /** The upstream IdP, from createUpstream(). */
  upstream: UpstreamProvider;
  /** Storage for clients, transactions, codes and grants. Secrets in it are hashed or encrypted. */
  store: Store;
  signing: SigningOptions;
  /** Serves authenticated MCP requests at `mcpPath` (the demo server or a gateway); none: no MCP route. */
  mcpHandler?: McpHandler;
  /** Structured logger; default a pino logger on stdout. Each request logs through a child with its request id. */
  logger?: Logger;
  /** Time source for every expiry the proxy computes; default the system clock. Tests set the time with it. */
  clock?: Clock;
  /** Name resolution for client metadata document fetches; default the system resolver. */
  hostResolver?: HostResolver;
}
