// Steps 8-10: the IdP sends the browser back to the proxy's fixed callback. The transaction named by `state` is
// consumed (single use); the upstream code is exchanged server-side with the proxy's verifier; the user's grant is
// stored with the upstream tokens; the client receives a new, proxy-issued code at its own redirect URI.
import { nowSeconds, type ProxyContext } from '../context.ts';
import { sha256 } from '../crypto/digest.ts';
import { randomToken } from '../crypto/random.ts';
import { errorSummary, OAuthError } from '../errors.ts';
import { upstreamCall } from '../grants/upstream-call.ts';
import { oauthErrorForUpstreamErrorParam, oauthErrorForUpstreamFailure } from '../grants/upstream-failure.ts';
import { codeRedirect, errorRedirect } from '../http/authorization-response.ts';
import { parseUniqueParams, type Params } from '../http/params.ts';
import { renderErrorPage } from '../pages/error-page.ts';
import { keys, type CodeRecord, type GrantRecord, type UpstreamTransaction } from '../records.ts';
import type { UpstreamTokens, UpstreamUser } from '../upstream/types.ts';

export async function callback(ctx: ProxyContext, request: Request): Promise<Response> {
  let params: Params;
  let transaction: UpstreamTransaction;
  try {
    params = parseUniqueParams(new URL(request.url).search);
    transaction = await takeTransaction(ctx, params.get('state'));
  } catch (error) {
    if (error instanceof OAuthError) return renderErrorPage(ctx, error);
    throw error;
  }
  const { authorization } = transaction;
  ctx.outcome.clientId = authorization.clientId;
  try {
    const upstreamCode = assertUpstreamCode(params);
    const { tokens, user } = await exchangeUpstreamCode(ctx, transaction, upstreamCode);
    const code = await issueAuthorizationCode(ctx, transaction, tokens, user);
    ctx.log.info(
      { event: 'grant-issued', clientId: authorization.clientId, sub: user.sub, scopes: authorization.scopes },
      'user signed in; authorization code issued',
    );
    return codeRedirect(ctx, authorization, code);
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    ctx.log.warn({ event: 'callback-failed', error: error.error, detail: error.detail }, 'callback failed');
    return errorRedirect(ctx, authorization, error, 302);
  }
}

/**
 * The state must name a live transaction, which is consumed: missing, unknown, expired or replayed states are refused
 * with a page, never a redirect (the client's redirect URI comes only from the stored transaction, UP-04).
 * MCP SBP: "Reject any callback requests where the state parameter is missing or does not match"; single use.
 */
async function takeTransaction(ctx: ProxyContext, state: string | undefined): Promise<UpstreamTransaction> {
  const explanation =
    'This sign-in response has expired, was already used, or did not start here. Start the sign-in again from ' +
    'the application.';
  if (state === undefined) {
    throw new OAuthError('invalid_request', 'The sign-in response carries no state', { explanation });
  }
  const transaction = await ctx.records.take(keys.transaction(state));
  if (!transaction) {
    throw new OAuthError('invalid_request', 'This sign-in response is unknown, expired or was already used', {
      explanation,
    });
  }
  return transaction;
}

/**
 * An upstream error response becomes the client's error (access_denied stays access_denied); a success must carry a
 * code.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1
 */
function assertUpstreamCode(params: Params): string {
  const upstreamError = params.get('error');
  if (upstreamError !== undefined) throw oauthErrorForUpstreamErrorParam(upstreamError);
  const code = params.get('code');
  if (code === undefined) {
    throw new OAuthError('server_error', 'The identity provider returned no authorization code', {
      redirectable: true,
    });
  }
  return code;
}

async function exchangeUpstreamCode(
  ctx: ProxyContext,
  transaction: UpstreamTransaction,
  code: string,
): Promise<{ tokens: UpstreamTokens; user: UpstreamUser }> {
  const { upstream, urls } = ctx.settings;
  try {
    const tokens = await upstreamCall(ctx, 'exchange-code', () =>
      upstream.exchangeCode({ code, codeVerifier: transaction.codeVerifier, redirectUri: urls.callback }),
    );
    const user = await upstreamCall(ctx, 'userinfo', () => upstream.userInfo(tokens.accessToken));
    return { tokens, user };
  } catch (error) {
    ctx.log.warn({ event: 'upstream-exchange-failed', err: errorSummary(error) }, 'upstream failed');
    throw oauthErrorForUpstreamFailure(error, { redirectable: true });
  }
}

/**
 * Stores the grant and a proxy authorization code for it: 256 bits, stored only as its hash, short-lived, bound to
 * the client, the redirect URI, the client's PKCE challenge and the resource (RFC 6749 §4.1.2; OAuth 2.1 §4.1.2).
 * The grant lives only as long as the code until the code is redeemed.
 */
async function issueAuthorizationCode(
  ctx: ProxyContext,
  transaction: UpstreamTransaction,
  tokens: UpstreamTokens,
  user: UpstreamUser,
): Promise<string> {
  const { authorization } = transaction;
  const { settings } = ctx;
  const grantId = randomToken();
  const grant: GrantRecord = {
    clientId: authorization.clientId,
    user: {
      sub: user.sub,
      ...(user.name !== undefined ? { name: user.name } : {}),
      ...(user.email !== undefined ? { email: user.email } : {}),
      ...(user.login !== undefined ? { login: user.login } : {}),
    },
    scopes: authorization.scopes,
    resource: settings.resource,
    upstreamTokens: tokens,
    createdAt: nowSeconds(ctx),
  };
  const code = randomToken();
  const record: CodeRecord = {
    clientId: authorization.clientId,
    redirectUri: authorization.redirectUri,
    redirectUriSent: authorization.redirectUriSent,
    codeChallenge: authorization.codeChallenge,
    grantId,
    scopes: authorization.scopes,
    resource: settings.resource,
  };
  await ctx.records.set(keys.grant(grantId), grant, settings.authorizationCodeTtlSeconds + 60);
  try {
    await ctx.records.set(keys.code(sha256(code)), record, settings.authorizationCodeTtlSeconds);
  } catch (error) {
    await ctx.records.delete(keys.grant(grantId)).catch(() => undefined);
    throw error;
  }
  return code;
}
