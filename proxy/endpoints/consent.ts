// Step 7: the user's answer on the consent page. Approve: the pending authorization is consumed (single use), the
// upstream transaction is created only now, and the browser goes to the IdP. Deny: back to the client with
// access_denied. Always 303, never 307 (a 307 would re-send the form upstream).
import { OAuthError } from '../errors.ts';
import type { ProxyContext } from '../context.ts';
import { consentCookieHeader } from '../consent/cookies.ts';
import { csrfTokenValid, sameOriginRequest } from '../consent/csrf.ts';
import { renderErrorPage } from '../consent/layout.ts';
import { startUpstreamAuthorization } from '../grants/upstream-authorization.ts';
import { errorRedirect, redirect } from '../http/authorization-response.ts';
import { readFormBody, type Params } from '../http/params.ts';
import { keys, nowSeconds, type PendingAuthorization } from '../records.ts';

export function consentEndpoint(ctx: ProxyContext) {
  const ownOrigin = new URL(ctx.settings.issuer).origin;
  return async (request: Request): Promise<Response> => {
    let params: Params;
    let pendingId: string;
    let decision: 'approve' | 'deny';
    try {
      params = await readFormBody(request);
      assertSameOrigin(request, ownOrigin);
      pendingId = assertCsrfToken(ctx, params);
      decision = assertDecision(params.get('decision'));
    } catch (error) {
      if (error instanceof OAuthError) return renderErrorPage(error.error, error.errorDescription, error.status);
      throw error;
    }
    const authorization = await ctx.records.take<PendingAuthorization>(keys.pending(pendingId));
    if (!authorization) {
      return renderErrorPage('invalid_request', 'This authorization request has expired or was already answered.');
    }
    const target = { redirectUri: authorization.redirectUri, state: authorization.state, issuer: ctx.settings.issuer };
    if (decision === 'deny') {
      return errorRedirect(target, new OAuthError('access_denied', 'The user denied the request'), 303);
    }
    const upstreamUrl = await startUpstreamAuthorization(ctx, authorization);
    const response = redirect(upstreamUrl.href, 303);
    if (ctx.settings.consent === 'remember') {
      response.headers.append('Set-Cookie', rememberCookie(ctx, authorization));
    }
    return response;
  };
}

/**
 * A cross-site form post is refused by its Origin / Sec-Fetch-Site (MCP SBP: "Implement CSRF protection").
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.1
 */
function assertSameOrigin(request: Request, ownOrigin: string): void {
  if (!sameOriginRequest(request, ownOrigin)) {
    throw new OAuthError('access_denied', 'The consent form was submitted from another site', { status: 403 });
  }
}

/** The form's CSRF token must be the HMAC of its pending authorization id (constant-time check). */
function assertCsrfToken(ctx: ProxyContext, params: Params): string {
  const pendingId = params.get('authorization_id');
  if (pendingId === undefined || !csrfTokenValid(ctx.csrfKey, pendingId, params.get('csrf_token'))) {
    throw new OAuthError('access_denied', 'The consent form is invalid or was tampered with', { status: 403 });
  }
  return pendingId;
}

function assertDecision(decision: string | undefined): 'approve' | 'deny' {
  if (decision !== 'approve' && decision !== 'deny') {
    throw new OAuthError('invalid_request', 'The decision must be approve or deny');
  }
  return decision;
}

function rememberCookie(ctx: ProxyContext, authorization: PendingAuthorization): string {
  return consentCookieHeader(
    { clientId: authorization.clientId, redirectUri: authorization.redirectUri, scopes: authorization.scopes },
    { key: ctx.cookieKey, secure: ctx.settings.secureCookies, maxAgeSeconds: ctx.settings.consentTtlSeconds },
    nowSeconds(),
  );
}
