// Keeping a grant's upstream tokens usable: when the upstream access token is expired or about to expire and the IdP
// gave a refresh token, it is refreshed upstream "in step" and the grant record updated.
import { OAuthError } from '../errors.ts';
import type { ProxyContext } from '../context.ts';
import { keys, nowSeconds, type GrantRecord } from '../records.ts';
import { UpstreamError } from '../upstream/types.ts';
import { revokeGrant } from './revoke-grant.ts';
import { grantTtlSeconds } from './token-issuance.ts';
import { oauthErrorForUpstreamFailure } from './upstream-failure.ts';

/** Refresh this long before the upstream access token expires, in seconds. */
export const UPSTREAM_REFRESH_MARGIN_SECONDS = 60;

/**
 * Returns the grant with usable upstream tokens. An upstream `invalid_grant` means the user's upstream session is
 * gone: the proxy grant is revoked too and the client gets invalid_grant.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export async function withFreshUpstreamTokens(
  ctx: ProxyContext,
  grantId: string,
  grant: GrantRecord,
): Promise<GrantRecord> {
  const tokens = grant.upstreamTokens;
  const refresh = ctx.settings.upstream.refresh?.bind(ctx.settings.upstream);
  if (tokens.expiresAt === undefined || tokens.expiresAt - nowSeconds() > UPSTREAM_REFRESH_MARGIN_SECONDS) return grant;
  if (tokens.refreshToken === undefined || refresh === undefined) return grant;
  let fresh;
  try {
    fresh = await refresh(tokens.refreshToken);
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
  if (!(await ctx.records.get<GrantRecord>(keys.grant(grantId)))) {
    throw new OAuthError('invalid_grant', 'The grant was revoked');
  }
  await ctx.records.set(keys.grant(grantId), updated, grantTtlSeconds(ctx));
  return updated;
}
