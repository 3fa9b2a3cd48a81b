// Where every endpoint looks a client up (/authorize, /token, /revoke; the consent page shows what it found). A
// client_id is either an id this proxy minted at registration (stored under `client:`), or an https URL naming the
// client's metadata document, which is fetched server-side (never by the browser), validated, and cached by its HTTP
// caching headers within the operator's bounds. Failures are invalid_client with a reason for the developer and a
// plain explanation for the user; a failed fetch or an invalid document is never cached.
// @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization/client-registration#client-id-metadata-documents
// @see https://www.ietf.org/archive/id/draft-ietf-oauth-client-id-metadata-document-00.html#section-4
import type { Logger } from 'pino';
import { sha256 } from '../crypto/digest.ts';
import { OAuthError } from '../errors.ts';
import { keys, type ClientRecord, type Records } from '../records.ts';
import type { MetadataPolicy } from './client-metadata.ts';
import {
  DocumentFetchError,
  fetchJsonDocument,
  freshnessSeconds,
  type FetchedDocument,
  type FetchPolicy,
} from './metadata-document-fetch.ts';
import { assertDocumentUrl, isUrlClientId, jwksUriOf, validateMetadataDocument } from './metadata-document.ts';

export interface ClientDirectory {
  /**
   * The client named by `clientId`, or undefined when no client was registered under it. Throws OAuthError
   * invalid_client (with an explanation for an error page) when it is a metadata document URL that cannot be used.
   */
  find(clientId: string): Promise<ClientRecord | undefined>;
}

export interface ClientDirectoryOptions {
  records: Records;
  /** Whether URL client_ids are resolved at all (the clientIdMetadataDocuments option). */
  metadataDocuments: boolean;
  /** The registration rules documents are held to. */
  policy: MetadataPolicy;
  fetch: FetchPolicy;
  /** Bounds on how long a document is reused, whatever its caching headers say (draft §4.4 allows both). */
  cacheSeconds: { min: number; max: number };
  /** Proxy clock in milliseconds. */
  now: () => number;
  log: Logger;
}

export function clientDirectory(options: ClientDirectoryOptions): ClientDirectory {
  // Concurrent lookups of one uncached document share one fetch (per instance).
  const inFlight = new Map<string, Promise<ClientRecord>>();
  return {
    async find(clientId) {
      if (!isUrlClientId(clientId)) return options.records.get(keys.client(clientId));
      if (!options.metadataDocuments) {
        throw unusable(
          'This server does not accept client ID metadata documents; register with its registration endpoint',
          'The application identified itself in a way this server does not accept.',
        );
      }
      assertDocumentUrlOrExplain(clientId);
      const cached = await options.records.get(keys.clientDocument(sha256(clientId)));
      if (cached && cached.expiresAt * 1000 > options.now()) return cached.client;
      let pending = inFlight.get(clientId);
      if (!pending) {
        pending = resolveDocument(options, clientId).finally(() => inFlight.delete(clientId));
        inFlight.set(clientId, pending);
      }
      return pending;
    },
  };
}

async function resolveDocument(options: ClientDirectoryOptions, clientId: string): Promise<ClientRecord> {
  const host = new URL(clientId).host;
  const document = await fetchOrExplain(options, clientId, 'The client metadata document', host);
  const jwksUri = jwksUriOf(document.body);
  const jwks =
    jwksUri === undefined ? undefined : await fetchOrExplain(options, jwksUri, "The client's jwks_uri", host);
  const nowSeconds = Math.floor(options.now() / 1000);
  let client: ClientRecord;
  try {
    client = validateMetadataDocument(clientId, document.body, options.policy, nowSeconds, jwks?.body);
  } catch (error) {
    if (error instanceof OAuthError) {
      options.log.info(
        { event: 'client-document-invalid', clientId, reason: error.errorDescription },
        'invalid client document',
      );
      throw unusable(error.errorDescription ?? 'The client metadata document is invalid', explanation(host));
    }
    throw error;
  }
  const ttl = cacheTtl(options, [document, ...(jwks ? [jwks] : [])]);
  if (ttl > 0) {
    await options.records.set(keys.clientDocument(sha256(clientId)), { client, expiresAt: nowSeconds + ttl }, ttl);
  }
  options.log.info(
    { event: 'client-document-fetched', clientId, method: client.token_endpoint_auth_method, cacheSeconds: ttl },
    'client metadata document fetched',
  );
  return client;
}

function assertDocumentUrlOrExplain(clientId: string): void {
  try {
    assertDocumentUrl(clientId);
  } catch (error) {
    if (error instanceof OAuthError) {
      throw unusable(
        error.errorDescription ?? 'The client_id URL is invalid',
        'The application identified itself with an address this server does not accept, so it cannot tell who is ' +
          'asking or where to send you back.',
      );
    }
    throw error;
  }
}

async function fetchOrExplain(
  options: ClientDirectoryOptions,
  url: string,
  what: string,
  host: string,
): Promise<FetchedDocument> {
  try {
    return await fetchJsonDocument(url, options.fetch);
  } catch (error) {
    if (!(error instanceof DocumentFetchError)) throw error;
    options.log.warn(
      { event: 'client-document-fetch-failed', url, reason: error.reason, detail: error.detail },
      'client metadata fetch failed',
    );
    throw unusable(`${what} ${error.reason}`, explanation(host));
  }
}

/**
 * Draft §4.4: "The authorization server SHOULD respect HTTP cache headers {{RFC9111}} when caching client metadata,
 * but MAY define its own upper and/or lower bounds on an acceptable cache lifetime as well." `no-store` on either
 * response is honoured as written (RFC 9111 §5.2.2.5: MUST NOT store), whatever the lower bound.
 */
function cacheTtl(options: ClientDirectoryOptions, responses: FetchedDocument[]): number {
  let ttl = options.cacheSeconds.max;
  for (const response of responses) {
    const fresh = freshnessSeconds(response.headers, options.now());
    if (fresh === undefined) return 0;
    ttl = Math.min(ttl, Math.max(fresh, options.cacheSeconds.min));
  }
  return ttl;
}

function explanation(host: string): string {
  return (
    `The application says it is described by a document at ${host}, but this server could not use that document, ` +
    'so it cannot tell who is asking or where it is safe to send you back. Start again from the application; if it ' +
    'keeps happening, tell its developer.'
  );
}

function unusable(description: string, explanation: string): OAuthError {
  return new OAuthError('invalid_client', description, { explanation });
}
