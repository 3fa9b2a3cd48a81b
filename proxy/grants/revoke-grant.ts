// Revoking a grant: one atomic take of the grant record ends every access and refresh token issued under it (both
// are checked against the grant on use); the upstream token is then revoked where the IdP allows, best effort.
import type { ProxyContext } from '../context.ts';
import { errorSummary } from '../errors.ts';
import { keys } from '../records.ts';
import { upstreamCall } from './upstream-call.ts';

/**
 * @param reason logged, e.g. `code-replay`, `refresh-reuse`, `revocation-request`.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2
 */
export async function revokeGrant(ctx: ProxyContext, grantId: string, reason: string): Promise<void> {
  const grant = await ctx.records.take(keys.grant(grantId));
  const log = ctx.log;
  log.info(
    { event: 'grant-revoked', grantId, reason, clientId: grant?.clientId, sub: grant?.user.sub, found: !!grant },
    `grant revoked (${reason})`,
  );
  const revoke = ctx.settings.upstream.revoke?.bind(ctx.settings.upstream);
  if (!grant || !revoke) return;
  try {
    await upstreamCall(ctx, 'revoke', () => revoke(grant.upstreamTokens));
  } catch (error) {
    log.warn({ event: 'upstream-revoke-failed', grantId, err: errorSummary(error) }, 'upstream revocation failed');
  }
}
