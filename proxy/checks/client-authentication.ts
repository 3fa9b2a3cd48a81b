// Client authentication at the token and revocation endpoints: public clients (`none`) identify themselves with
// client_id; confidential clients prove their secret in the body or with HTTP Basic; metadata-document clients with
// `private_key_jwt` send a signed assertion (client-assertion.ts). Secrets are compared as hashes in constant time.
import { epochSeconds, type Clock } from '../clock.ts';
import { OAuthError } from '../errors.ts';
import { constantTimeEqual, sha256 } from '../crypto/digest.ts';
import type { Params } from '../http/params.ts';
import type { ClientRecord, Records } from '../records.ts';
import {
  assertionClientId,
  ClientAssertionInvalid,
  JWT_BEARER_ASSERTION,
  verifyClientAssertion,
} from './client-assertion.ts';

interface PresentedCredentials {
  clientId: string;
  clientSecret: string | undefined;
  /** A JWT client assertion (RFC 7523 §2.2). */
  assertion?: string;
  usedBasic: boolean;
}

/** What client authentication needs from the proxy: the clients, the store (used assertions), its URLs and clock. */
export interface ClientAuthenticationContext {
  records: Records;
  /** Registered clients and metadata-document clients alike (clients/client-directory.ts). */
  clients: { find(clientId: string): Promise<ClientRecord | undefined> };
  settings: { issuer: string; urls: { token: string }; clock: Clock };
  outcome: { clientId?: string };
}

/**
 * Authenticates the client of a token or revocation request and returns its record.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export async function authenticateClient(
  ctx: ClientAuthenticationContext,
  request: Request,
  params: Params,
): Promise<ClientRecord> {
  const realm = ctx.settings.issuer;
  const credentials = presentedCredentials(request, params, realm);
  ctx.outcome.clientId = credentials.clientId;
  let client: ClientRecord | undefined;
  try {
    client = await ctx.clients.find(credentials.clientId);
  } catch (error) {
    // A metadata document that cannot be fetched or used: the client cannot be authenticated.
    if (error instanceof OAuthError && error.error === 'invalid_client') {
      throw invalidClient(error.errorDescription ?? 'Unknown client', realm);
    }
    throw error;
  }
  if (!client) throw invalidClient('Unknown client', realm);
  if (client.token_endpoint_auth_method === 'private_key_jwt' || credentials.assertion !== undefined) {
    await assertClientAssertion(ctx, client, credentials, realm);
  } else {
    assertSecretMatchesMethod(client, credentials, realm);
  }
  return client;
}

/**
 * Reads client_id/client_secret from the Authorization header or the body, or a client assertion from the body, never
 * two methods at once (RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each request").
 */
function presentedCredentials(request: Request, params: Params, realm: string): PresentedCredentials {
  const header = request.headers.get('authorization');
  const bodyId = params.get('client_id');
  const bodySecret = params.get('client_secret');
  const assertionType = params.get('client_assertion_type');
  const assertion = params.get('client_assertion');
  if (assertionType !== undefined || assertion !== undefined) {
    return assertionCredentials({ header, bodyId, bodySecret, assertionType, assertion }, realm);
  }
  if (header !== null && /^basic\s/i.test(header)) {
    if (bodySecret !== undefined) {
      throw new OAuthError('invalid_request', 'Use one client authentication method, not both Basic and the body');
    }
    const basic = decodeBasic(header, realm);
    if (bodyId !== undefined && bodyId !== basic.clientId) {
      throw new OAuthError('invalid_request', 'client_id in the body differs from the Authorization header');
    }
    return { ...basic, usedBasic: true };
  }
  if (bodyId === undefined) throw invalidClient('Client authentication is required (client_id)', realm);
  return { clientId: bodyId, clientSecret: bodySecret, usedBasic: false };
}

/**
 * RFC 7523 §2.2: `client_assertion_type` is the JWT bearer type and `client_assertion` holds one JWT; `client_id` is
 * optional and, when sent, must be the assertion's subject. No secret or Basic header alongside.
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.2
 */
function assertionCredentials(
  presented: {
    header: string | null;
    bodyId: string | undefined;
    bodySecret: string | undefined;
    assertionType: string | undefined;
    assertion: string | undefined;
  },
  realm: string,
): PresentedCredentials {
  if (presented.bodySecret !== undefined || (presented.header !== null && /^basic\s/i.test(presented.header))) {
    throw new OAuthError('invalid_request', 'Use one client authentication method, not a secret and an assertion');
  }
  if (presented.assertionType !== JWT_BEARER_ASSERTION || presented.assertion === undefined) {
    throw invalidClient(`client_assertion_type must be ${JWT_BEARER_ASSERTION}, with client_assertion`, realm);
  }
  const clientId = presented.bodyId ?? assertionClientId(presented.assertion);
  if (clientId === undefined) throw invalidClient('The client assertion names no client', realm);
  return { clientId, clientSecret: undefined, assertion: presented.assertion, usedBasic: false };
}

/** A private_key_jwt client must send a valid assertion, and only such a client may send one. */
async function assertClientAssertion(
  ctx: ClientAuthenticationContext,
  client: ClientRecord,
  presented: PresentedCredentials,
  realm: string,
): Promise<void> {
  if (client.token_endpoint_auth_method !== 'private_key_jwt') {
    throw invalidClient(`This client authenticates with ${client.token_endpoint_auth_method}, not an assertion`, realm);
  }
  if (presented.assertion === undefined) {
    throw invalidClient('This client authenticates with private_key_jwt: send client_assertion', realm);
  }
  try {
    await verifyClientAssertion(ctx.records, client, presented.assertion, {
      audiences: [ctx.settings.issuer, ctx.settings.urls.token],
      now: epochSeconds(ctx.settings.clock),
    });
  } catch (error) {
    if (error instanceof ClientAssertionInvalid) throw invalidClient(error.message, realm);
    throw error;
  }
}

/**
 * HTTP Basic with the RFC 6749 §2.3.1 twist: client_id and client_secret are form-urlencoded before being joined.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
function decodeBasic(header: string, realm: string): { clientId: string; clientSecret: string } {
  const encoded = header.replace(/^basic\s+/i, '').trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw invalidClient('Malformed Basic credentials', realm);
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw invalidClient('Malformed Basic credentials', realm);
  try {
    const clientId = formDecode(decoded.slice(0, colon));
    const clientSecret = formDecode(decoded.slice(colon + 1));
    if (clientId === '') throw invalidClient('Malformed Basic credentials', realm);
    return { clientId, clientSecret };
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    throw invalidClient('Malformed Basic credentials', realm);
  }
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/**
 * A public client must not present a secret; a confidential client must present the right one (by either method:
 * OAuth 2.1 §2.4.1 requires the body, RFC 6749 §2.3.1 requires Basic, so both are accepted).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2.1
 */
function assertSecretMatchesMethod(client: ClientRecord, presented: PresentedCredentials, realm: string): void {
  if (client.token_endpoint_auth_method === 'none') {
    if (presented.clientSecret !== undefined || client.client_secret_hash !== undefined) {
      throw invalidClient('This client is registered without a secret (token_endpoint_auth_method none)', realm);
    }
    return;
  }
  if (presented.clientSecret === undefined || client.client_secret_hash === undefined) {
    throw invalidClient('Client authentication failed', realm);
  }
  if (!constantTimeEqual(sha256(presented.clientSecret), client.client_secret_hash)) {
    throw invalidClient('Client authentication failed', realm);
  }
}

/**
 * invalid_client is a 401 with a Basic challenge: "If the client attempted to authenticate via the Authorization
 * request header field, the authorization server MUST respond with an HTTP 401 … and include the WWW-Authenticate
 * response header field"; sending the challenge always also tells other clients which scheme works.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
function invalidClient(description: string, realm: string): OAuthError {
  return new OAuthError('invalid_client', description, {
    status: 401,
    headers: { 'WWW-Authenticate': `Basic realm="${realm}", charset="UTF-8"` },
  });
}
