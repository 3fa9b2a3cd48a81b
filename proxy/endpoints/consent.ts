// Step 7: the user's answer on the consent page. Approve: the pending authorization is consumed (single use), the
// upstream transaction is created only now, and the browser goes to the IdP. Deny: back to the client with
// access_denied. Always 303, never 307 (a 307 would re-send the form upstream).
import { consentCookieHeader } from '../consent/cookies.ts';
import { csrfTokenValid, sameOriginRequest } from '../consent/csrf.ts';
import { nowSeconds, type ProxyContext } from '../context.ts';
import { OAuthError } from '../errors.ts';
import { startUpstreamAuthorization } from '../grants/upstream-authorization.ts';
import { errorRedirect, redirect } from '../http/authorization-response.ts';
import { readFormBody, type Params } from '../http/params.ts';
import { renderErrorPage } from '../pages/error-page.ts';
import { keys, type PendingAuthorization } from '../records.ts';

export async function consent(ctx: ProxyContext, request: Request): Promise<Response> {
  let authorization: PendingAuthorization;
  let decision: 'approve' | 'deny';
  try {
    const params = await readFormBody(request);
    assertSameOrigin(ctx, request);
    const pendingId = assertCsrfToken(ctx, params);
    decision = assertDecision(params.get('decision'));
    authorization = await takePendingAuthorization(ctx, pendingId);
  } catch (error) {
    if (error instanceof OAuthError) return renderErrorPage(ctx, error);
    throw error;
  }
  ctx.outcome.clientId = authorization.clientId;
  const audit = { event: 'consent', clientId: authorization.clientId, scopes: authorization.scopes, decision };
  ctx.log.info(audit, `consent ${decision === 'approve' ? 'approved' : 'denied'}`);
  if (decision === 'deny') {
    return errorRedirect(ctx, authorization, new OAuthError('access_denied', 'The user denied the request'), 303);
  }
  const upstreamUrl = await startUpstreamAuthorization(ctx, authorization);
  const response = redirect(upstreamUrl.href, 303);
  if (ctx.settings.consent === 'remember') {
    response.headers.append('Set-Cookie', rememberCookie(ctx, authorization));
  }
  return response;
}

/**
 * A cross-site form post is refused by its Origin / Sec-Fetch-Site (MCP SBP: "Implement CSRF protection").
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.1
 */
function assertSameOrigin(ctx: ProxyContext, request: Request): void {
  if (!sameOriginRequest(request, new URL(ctx.settings.issuer).origin)) {
    throw new OAuthError('access_denied', 'The consent form was submitted from another site', {
      status: 403,
      explanation:
        "This approval did not come from this server's own page, so it was not accepted. If you did not just " +
        'approve an application yourself, another site may have tried to approve one in your name.',
    });
  }
}

/** The form's CSRF token must be the HMAC of its pending authorization id (constant-time check). */
function assertCsrfToken(ctx: ProxyContext, params: Params): string {
  const pendingId = params.get('authorization_id');
  if (pendingId === undefined || !csrfTokenValid(ctx.csrfKey, pendingId, params.get('csrf_token'))) {
    throw new OAuthError('access_denied', 'The consent form is invalid or was tampered with', {
      status: 403,
      explanation: 'This approval form was changed or is not one this server produced, so it was not accepted.',
    });
  }
  return pendingId;
}

function assertDecision(decision: string | undefined): 'approve' | 'deny' {
  if (decision !== 'approve' && decision !== 'deny') {
    throw new OAuthError('invalid_request', 'The decision must be approve or deny');
  }
  return decision;
}

/** The pending authorization is consumed: a form answered twice, or too late, stops here. */
async function takePendingAuthorization(ctx: ProxyContext, pendingId: string): Promise<PendingAuthorization> {
  const authorization = await ctx.records.take(keys.pending(pendingId));
  if (!authorization) {
    throw new OAuthError('invalid_request', 'This authorization request has expired or was already answered', {
      explanation:
        'This approval page has expired or was already answered. Go back to the application and start again.',
    });
  }
  return authorization;
}

function rememberCookie(ctx: ProxyContext, authorization: PendingAuthorization): string {
  return consentCookieHeader(
    { clientId: authorization.clientId, redirectUri: authorization.redirectUri, scopes: authorization.scopes },
    { key: ctx.cookieKey, secure: ctx.settings.secureCookies, maxAgeSeconds: ctx.settings.consentTtlSeconds },
    nowSeconds(ctx),
  );
}
