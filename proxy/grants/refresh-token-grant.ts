// Step 13: the refresh token grant with rotation. Every use consumes the token (atomic take) and issues a successor;
// a rotated-out token that comes back means one of the two holders is an attacker, so the whole grant is revoked.
import { errorSummary, OAuthError } from '../errors.ts';
import { nowSeconds, type ProxyContext } from '../context.ts';
import { assertResource } from '../checks/resource.ts';
import { assertScopeSubset } from '../checks/scope.ts';
import { sha256 } from '../crypto/digest.ts';
import { requireParam, type Params } from '../http/params.ts';
import {
  keys,
  type ClientRecord,
  type RefreshGraceRecord,
  type RefreshRecord,
  type TokenResponseBody,
  type UsedRefreshRecord,
} from '../records.ts';
import { revokeGrant } from './revoke-grant.ts';
import { grantTtlSeconds, issueTokens, markClientUsed } from './token-issuance.ts';
import { withFreshUpstreamTokens } from './upstream-refresh.ts';

export async function refreshTokenGrant(
  ctx: ProxyContext,
  params: Params,
  client: ClientRecord,
): Promise<TokenResponseBody> {
  const tokenHash = sha256(requireParam(params, 'refresh_token'));
  const record = await ctx.records.get(keys.refresh(tokenHash));
  if (!record) return rejectReusedRefreshToken(ctx, tokenHash, client);
  assertRefreshTokenIssuedToClient(record, client);
  const scopes = assertScopeSubset(params.get('scope'), record.scopes);
  assertResource(params.get('resource'), ctx.settings.resource);
  const stored = await ctx.records.get(keys.grant(record.grantId));
  if (!stored) throw new OAuthError('invalid_grant', 'The grant behind this refresh token was revoked or expired');
  // Consumed before anything goes upstream: of concurrent requests with this token only one refreshes upstream (an
  // IdP that rotates its refresh tokens would see the others as reuse and end the user's session there).
  if (!(await ctx.records.take(keys.refresh(tokenHash)))) {
    return rejectReusedRefreshToken(ctx, tokenHash, client);
  }
  const grant = await withFreshUpstreamTokens(ctx, record.grantId, stored).catch(async (error: unknown) => {
    if (!(error instanceof OAuthError && error.error === 'invalid_grant'))
      await restoreRefreshToken(ctx, tokenHash, record);
    throw error;
  });
  // Extended before the rotated-out token is remembered, and only extended (touch writes no record): a grant revoked
  // meanwhile, by reuse detection or at /revoke, stays revoked, and this refresh fails with it: revocation invalidates
  // the grant's tokens (RFC 7009 §2.1), and a refresh running at the same time must not undo it.
  // @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
  if (!(await ctx.records.touch(keys.grant(record.grantId), grantTtlSeconds(ctx)))) {
    throw new OAuthError('invalid_grant', 'The grant behind this refresh token was revoked');
  }
  const response = await issueTokens(ctx, {
    grantId: record.grantId,
    grant,
    accessScopes: scopes,
    refreshScopes: record.scopes,
    generation: record.generation + 1,
  });
  await rememberRotation(ctx, tokenHash, record, response);
  await markClientUsed(ctx, client);
  return response;
}

/**
 * The refresh token must have been issued to this client (OAuth 2.1 §4.3.1).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
function assertRefreshTokenIssuedToClient(record: RefreshRecord, client: ClientRecord): void {
  if (record.clientId !== client.client_id) {
    throw new OAuthError('invalid_grant', 'The refresh token was issued to another client');
  }
}

/**
 * A token that is not live is refused. If it is a rotated-out token of this client, the grant is revoked ("the
 * authorization server … will revoke the active refresh token" and the grant), unless refreshGraceSeconds lets an
 * honest retry inside the window receive the same successor again.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2
 */
async function rejectReusedRefreshToken(
  ctx: ProxyContext,
  tokenHash: string,
  client: ClientRecord,
): Promise<TokenResponseBody> {
  const grace = await ctx.records.get(keys.refreshGrace(tokenHash));
  if (grace && grace.clientId === client.client_id) return grace.response;
  const used = await ctx.records.get(keys.usedRefresh(tokenHash));
  if (used && used.clientId === client.client_id) {
    ctx.log.warn(
      { event: 'refresh-token-reuse-detected', clientId: client.client_id, grantId: used.grantId },
      'a rotated-out refresh token was presented again: revoking the grant',
    );
    await revokeGrant(ctx, used.grantId, 'refresh-token-reuse');
  }
  throw new OAuthError('invalid_grant', 'The refresh token is invalid, expired, revoked or was already used');
}

/**
 * When the IdP fails (unavailable, bad answer), the client did nothing wrong: its refresh token is put back so that a
 * retry works. Only an upstream invalid_grant, which revokes the grant, leaves it consumed.
 */
async function restoreRefreshToken(ctx: ProxyContext, tokenHash: string, record: RefreshRecord): Promise<void> {
  try {
    await ctx.records.add(keys.refresh(tokenHash), record, ctx.settings.refreshTokenTtlSeconds);
  } catch (error) {
    ctx.log.warn({ event: 'refresh-restore-failed', err: errorSummary(error) }, 'refresh token lost');
  }
}

/** Keeps the rotated-out token's hash for reuse detection, and, within the grace window, the response. */
async function rememberRotation(
  ctx: ProxyContext,
  tokenHash: string,
  record: RefreshRecord,
  response: TokenResponseBody,
): Promise<void> {
  const used: UsedRefreshRecord = { grantId: record.grantId, clientId: record.clientId, rotatedAt: nowSeconds(ctx) };
  await ctx.records.set(keys.usedRefresh(tokenHash), used, ctx.settings.refreshTokenTtlSeconds);
  if (ctx.settings.refreshGraceSeconds > 0) {
    const grace: RefreshGraceRecord = { clientId: record.clientId, response };
    await ctx.records.set(keys.refreshGrace(tokenHash), grace, ctx.settings.refreshGraceSeconds);
  }
}
