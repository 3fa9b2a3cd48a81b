// Revoking a grant: one atomic take of the grant record ends every access and refresh token issued under it (both
// are checked against the grant on use); the upstream token is then revoked where the IdP allows, best effort.
import type { ProxyContext } from '../context.ts';
import { keys, type GrantRecord } from '../records.ts';

/**
 * @param reason logged, e.g. `code-replay`, `refresh-reuse`, `revocation-request`.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2
 */
export async function revokeGrant(ctx: ProxyContext, grantId: string, reason: string): Promise<void> {
  const grant = await ctx.records.take<GrantRecord>(keys.grant(grantId));
  const log = ctx.settings.logger;
  log.info({ event: 'grant-revoked', grantId, reason, found: grant !== undefined }, 'grant revoked');
  if (!grant || !ctx.settings.upstream.revoke) return;
  try {
    await ctx.settings.upstream.revoke(grant.upstreamTokens);
  } catch (error) {
    log.warn({ event: 'upstream-revoke-failed', grantId, err: errorSummary(error) }, 'upstream revocation failed');
  }
}

/** An error's name and message only: upstream errors never carry tokens, but stacks need not reach the logs. */
export function errorSummary(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
