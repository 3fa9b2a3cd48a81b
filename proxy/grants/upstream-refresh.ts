// Keeping a grant's upstream tokens usable: when the upstream access token is expired or about to expire and the IdP
// gave a refresh token, it is refreshed upstream "in step" and the grant record updated.
import { OAuthError } from '../errors.ts';
import { nowSeconds, type ProxyContext } from '../context.ts';
import { keys, type GrantRecord } from '../records.ts';
import { UpstreamError } from '../upstream/types.ts';
import { revokeGrant } from './revoke-grant.ts';
import { upstreamCall } from './upstream-call.ts';
import { grantTtlSeconds } from './token-issuance.ts';
import { oauthErrorForUpstreamFailure } from './upstream-failure.ts';

/** Refresh this long before the upstream access token expires, in seconds. */
export const UPSTREAM_REFRESH_MARGIN_SECONDS = 60;

/** Upstream refreshes in flight, per proxy (its settings object) and grant: concurrent callers share one call. */
const inFlight = new WeakMap<ProxyContext['settings'], Map<string, Promise<GrantRecord>>>();

/**
 * Returns the grant with usable upstream tokens. Concurrent callers for one grant (several MCP requests arriving as
 * the upstream token runs out) share a single upstream refresh: an IdP that rotates refresh tokens would treat a
 * second call with the same refresh token as reuse and revoke the user's session. (Within one instance; the refresh
 * grant at /token, which can race across instances, consumes its token atomically instead.)
 */
export function withFreshUpstreamTokens(ctx: ProxyContext, grantId: string, grant: GrantRecord): Promise<GrantRecord> {
  const tokens = grant.upstreamTokens;
  if (tokens.expiresAt === undefined || tokens.expiresAt - nowSeconds(ctx) > UPSTREAM_REFRESH_MARGIN_SECONDS) {
    return Promise.resolve(grant);
  }
  let pending = inFlight.get(ctx.settings);
  if (!pending) inFlight.set(ctx.settings, (pending = new Map()));
  const running = pending.get(grantId);
  if (running) return running;
  const started = refreshUpstreamTokens(ctx, grantId, grant).finally(() => pending.delete(grantId));
  pending.set(grantId, started);
  return started;
}

/**
 * Refreshes the grant's upstream tokens. An upstream `invalid_grant` means the user's upstream session is
 * gone: the proxy grant is revoked too and the client gets invalid_grant.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
async function refreshUpstreamTokens(ctx: ProxyContext, grantId: string, grant: GrantRecord): Promise<GrantRecord> {
  const tokens = grant.upstreamTokens;
  const refresh = ctx.settings.upstream.refresh?.bind(ctx.settings.upstream);
  if (tokens.refreshToken === undefined || refresh === undefined) return grant;
  let fresh;
  try {
    const refreshToken = tokens.refreshToken;
    fresh = await upstreamCall(ctx, 'refresh', () => refresh(refreshToken));
  } catch (error) {
    if (error instanceof UpstreamError && error.kind === 'invalid_grant') {
      await revokeGrant(ctx, grantId, 'upstream-invalid-grant');
      throw new OAuthError('invalid_grant', 'The sign-in at the identity provider is no longer valid', {
        detail: error.message,
      });
    }
    throw oauthErrorForUpstreamFailure(error, { redirectable: false });
  }
  const updated: GrantRecord = {
    ...grant,
    upstreamTokens: { ...fresh, refreshToken: fresh.refreshToken ?? tokens.refreshToken },
  };
  // Do not resurrect a grant revoked while the upstream call was in flight.
  if (!(await ctx.records.get(keys.grant(grantId)))) {
    throw new OAuthError('invalid_grant', 'The grant was revoked');
  }
  await ctx.records.set(keys.grant(grantId), updated, grantTtlSeconds(ctx));
  return updated;
}
