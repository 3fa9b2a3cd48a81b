// Step 4: Dynamic Client Registration (RFC 7591). Open registration (no initial access token, RFC 7591 §3.1 SHOULD),
// bounded by a per-address rate limit, a body limit and an expiry for clients that never complete a grant.
import type { Context } from 'hono';
import { nowSeconds, type ProxyContext } from '../context.ts';
import { OAuthError } from '../errors.ts';
import { sha256 } from '../crypto/digest.ts';
import { randomToken } from '../crypto/random.ts';
import { clientAddress } from '../http/client-address.ts';
import { jsonResponse } from '../http/json.ts';
import { mediaType, readBodyText } from '../http/params.ts';
import { validateClientMetadata } from '../clients/client-metadata.ts';
import { keys, type ClientRecord } from '../records.ts';

/** POST /register. `c` gives the peer address (rate limit) on runtimes that expose it. */
export async function register(ctx: ProxyContext, request: Request, c: Context): Promise<Response> {
  const { settings } = ctx;
  assertWithinRateLimit(ctx, clientAddress(c, settings.trustProxyHeaders));
  const body = await readJsonObject(request);
  const metadata = validateClientMetadata(body, {
    allowlist: settings.redirectUriAllowlist,
    ownCallback: new URL(settings.urls.callback),
    scopesSupported: settings.scopesSupported,
  });
  const clientSecret = metadata.token_endpoint_auth_method === 'none' ? undefined : randomToken();
  const client: ClientRecord = {
    // base64url: never starts with https://, so a registered id cannot be mistaken for a metadata document URL
    // (draft-ietf-oauth-client-id-metadata-document-01: such servers "SHOULD ensure that the client_id strings it
    // generates do not start with https://").
    client_id: randomToken(),
    client_id_issued_at: nowSeconds(ctx),
    ...(clientSecret !== undefined ? { client_secret_hash: sha256(clientSecret) } : {}),
    ...metadata,
  };
  await ctx.records.set(keys.client(client.client_id), client, settings.unusedClientTtlSeconds);
  ctx.outcome.clientId = client.client_id;
  const audit = {
    event: 'client-registered',
    clientId: client.client_id,
    clientName: client.client_name,
    method: client.token_endpoint_auth_method,
  };
  ctx.log.info(audit, 'client registered');
  return jsonResponse(registrationResponse(client, clientSecret), 201);
}

/**
 * "The authorization server MUST return all registered metadata about this client, including any fields provisioned
 * by the authorization server itself." The secret appears only here, once; `client_secret_expires_at: 0` = never.
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3.2.1
 */
function registrationResponse(client: ClientRecord, clientSecret: string | undefined): Record<string, unknown> {
  const { client_secret_hash: _hash, used: _used, ...metadata } = client;
  return clientSecret === undefined
    ? metadata
    : { ...metadata, client_secret: clientSecret, client_secret_expires_at: 0 };
}

/**
 * "These requests MAY be rate-limited" (RFC 7591 §3.1). Answered 429 with Retry-After and an OAuth-shaped body using
 * `temporarily_unavailable`, the closest registered code, so every client can parse it.
 * @see https://www.rfc-editor.org/rfc/rfc6585#section-4
 */
function assertWithinRateLimit(ctx: ProxyContext, address: string): void {
  const retryAfter = ctx.registrationLimiter.hit(address, ctx.settings.clock.now());
  if (retryAfter > 0) {
    throw new OAuthError('temporarily_unavailable', 'Too many registrations from this address; retry later', {
      status: 429,
      headers: { 'Retry-After': String(retryAfter) },
    });
  }
}

/**
 * "The client registration endpoint MUST accept HTTP POST messages with request parameters encoded in the entity body
 * using the application/json format." Other types → 415; malformed JSON or a non-object → invalid_client_metadata.
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-3.1
 */
async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  if (mediaType(request.headers.get('content-type')) !== 'application/json') {
    throw new OAuthError('invalid_request', 'The registration request must be application/json', { status: 415 });
  }
  const text = await readBodyText(request);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new OAuthError('invalid_client_metadata', 'The request body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new OAuthError('invalid_client_metadata', 'The request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}
