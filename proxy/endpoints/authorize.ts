// Step 5: the authorization endpoint. First the checks that decide whether the client can be trusted with a redirect
// at all (errors render a page), then the redirectable checks (errors go back to the client), then consent.
import { findRegisteredRedirectUri } from '../checks/redirect-uri.ts';
import { isRemoteHttps } from '../clients/client-metadata.ts';
import { assertPkceChallenge } from '../checks/pkce.ts';
import { assertResource } from '../checks/resource.ts';
import { grantedScopes } from '../checks/scope.ts';
import { hasRememberedConsent } from '../consent/cookies.ts';
import { nowSeconds, type ProxyContext } from '../context.ts';
import { randomToken } from '../crypto/random.ts';
import { OAuthError } from '../errors.ts';
import { startUpstreamAuthorization } from '../grants/upstream-authorization.ts';
import { errorRedirect, redirect } from '../http/authorization-response.ts';
import { parseUniqueParams, readFormBody, type Params } from '../http/params.ts';
import { renderConsentPage } from '../pages/consent-page.ts';
import { renderErrorPage } from '../pages/error-page.ts';
import { keys, type ClientRecord, type PendingAuthorization } from '../records.ts';

/** GET /authorize (and POST with a form body, OAuth 2.1 §3.1: the endpoint MAY support POST). */
export async function authorize(ctx: ProxyContext, request: Request): Promise<Response> {
  const isPost = request.method === 'POST';
  let params: Params;
  let client: ClientRecord;
  let redirectUri: string;
  try {
    params = isPost ? await readFormBody(request) : parseUniqueParams(new URL(request.url).search);
    client = await assertKnownClient(ctx, params.get('client_id'));
    redirectUri = assertRegisteredRedirectUri(client, params.get('redirect_uri'));
  } catch (error) {
    if (error instanceof OAuthError) return renderErrorPage(ctx, error);
    throw error;
  }
  try {
    const authorization = checkAuthorizationRequest(ctx, params, client, redirectUri);
    return await proceedToConsent(ctx, request, client, authorization);
  } catch (error) {
    if (error instanceof OAuthError && error.redirectable) {
      return errorRedirect(ctx, { redirectUri, state: params.get('state') }, error, isPost ? 303 : 302);
    }
    throw error;
  }
}

/**
 * The client_id must name a registered client or a usable client metadata document (fetched here, server-side);
 * otherwise there is no redirect URI to trust. Document failures (invalid_client with an explanation) render the
 * error page like an unknown client: draft-ietf-oauth-client-id-metadata-document-00 §4.3, "If fetching the metadata
 * document fails, the authorization server SHOULD abort the authorization request."
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1
 * @see https://www.ietf.org/archive/id/draft-ietf-oauth-client-id-metadata-document-00.html#section-4.3
 */
async function assertKnownClient(ctx: ProxyContext, clientId: string | undefined): Promise<ClientRecord> {
  if (clientId === undefined) {
    throw new OAuthError('invalid_request', 'The client_id parameter is required', {
      explanation: 'The application did not say who it is, so this server cannot let you sign in to it.',
    });
  }
  ctx.outcome.clientId = clientId;
  const client = await ctx.clients.find(clientId);
  if (!client) {
    throw new OAuthError('invalid_client', 'This client is not registered (or its registration expired)', {
      explanation:
        'The application that sent you here is not registered with this server, or its registration has expired. ' +
        'Start the sign-in again from the application.',
    });
  }
  return client;
}

/**
 * redirect_uri must exactly match a registered one (loopback: any port); it may be omitted only when exactly one is
 * registered. A mismatch never redirects. For a metadata-document client the registered URIs are the document's:
 * MCP 2026-07-28, the AS "MUST validate redirect URIs presented in an authorization request against those in the
 * metadata document". A `web` client never gets a loopback or non-https redirect, even from a record written before
 * application_type was enforced at registration (OIDC Registration §2).
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.1.3
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.1.2.3
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization/client-registration#implementation-requirements
 */
function assertRegisteredRedirectUri(client: ClientRecord, requested: string | undefined): string {
  const redirectUri = matchRegisteredRedirectUri(client, requested);
  if (client.application_type === 'web' && !isRemoteHttps(redirectUri)) {
    throw new OAuthError('invalid_request', 'A web client may only use https redirect URIs on a non-loopback host', {
      explanation:
        'The application is registered as a web application but asked to send you back to this computer. To ' +
        'protect your account, the sign-in stops here.',
    });
  }
  return redirectUri;
}

function matchRegisteredRedirectUri(client: ClientRecord, requested: string | undefined): string {
  if (requested === undefined) {
    const only = client.redirect_uris.length === 1 ? client.redirect_uris[0] : undefined;
    if (only === undefined) {
      throw new OAuthError('invalid_request', 'redirect_uri is required for this client', {
        explanation: 'The application did not say where to send you back after signing in.',
      });
    }
    return only;
  }
  if (findRegisteredRedirectUri(requested, client.redirect_uris) === undefined) {
    throw new OAuthError('invalid_request', 'redirect_uri does not match any URI registered for this client', {
      explanation:
        'The application asked to send you back to an address it has not registered with this server. To protect ' +
        'your account, the sign-in stops here.',
    });
  }
  return requested;
}

/** The redirectable checks, in order; returns the authorization to store. */
function checkAuthorizationRequest(
  ctx: ProxyContext,
  params: Params,
  client: ClientRecord,
  redirectUri: string,
): PendingAuthorization {
  assertResponseTypeCode(params.get('response_type'));
  const codeChallenge = assertPkceChallenge(params.get('code_challenge'), params.get('code_challenge_method'));
  const resource = assertResource(params.get('resource'), ctx.settings.resource, { redirectable: true });
  const scopes = grantedScopes(params.get('scope') ?? client.scope, ctx.settings.scopes, { redirectable: true });
  const state = params.get('state');
  return {
    clientId: client.client_id,
    redirectUri,
    redirectUriSent: params.has('redirect_uri'),
    codeChallenge,
    ...(state !== undefined ? { state } : {}),
    scopes,
    ...(resource !== undefined ? { resource } : {}),
    createdAt: nowSeconds(ctx),
  };
}

/**
 * Only the authorization code flow exists (OAuth 2.1 §10.1 removes the implicit grant).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1
 */
function assertResponseTypeCode(responseType: string | undefined): void {
  if (responseType === undefined) {
    throw new OAuthError('invalid_request', 'The response_type parameter is required', { redirectable: true });
  }
  if (responseType !== 'code') {
    throw new OAuthError('unsupported_response_type', 'Only response_type=code is supported', { redirectable: true });
  }
}

/**
 * Per-client consent before anything goes upstream (MCP "Confused Deputy Problem"): the consent page, unless the
 * operator turned consent off or a signed cookie remembers this client's approval.
 */
async function proceedToConsent(
  ctx: ProxyContext,
  request: Request,
  client: ClientRecord,
  authorization: PendingAuthorization,
): Promise<Response> {
  const { settings } = ctx;
  const remembered =
    settings.consent === 'remember' &&
    hasRememberedConsent(
      request.headers.get('cookie'),
      { clientId: client.client_id, redirectUri: authorization.redirectUri, scopes: authorization.scopes },
      { key: ctx.cookieKey, secure: settings.secureCookies },
      nowSeconds(ctx),
    );
  if (settings.consent === 'off' || remembered) {
    const upstreamUrl = await startUpstreamAuthorization(ctx, authorization);
    return redirect(upstreamUrl.href, request.method === 'POST' ? 303 : 302);
  }
  const pendingId = randomToken();
  await ctx.records.set(keys.pending(pendingId), authorization, settings.transactionTtlSeconds);
  return renderConsentPage(ctx, { pendingId, client, authorization });
}
