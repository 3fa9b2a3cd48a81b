// Step 11/13: minting the proxy's own token pair for a grant. The access token is a JWT bound to the MCP resource;
// the refresh token is an opaque random string stored only as its hash. Upstream tokens never leave the server
// (unless the operator set dangerouslyPassUpstreamTokens).
import { nowSeconds, type ProxyContext } from '../context.ts';
import { sha256 } from '../crypto/digest.ts';
import { randomToken } from '../crypto/random.ts';
import { keys, type ClientRecord, type GrantRecord, type RefreshRecord, type TokenResponseBody } from '../records.ts';
import { signAccessToken } from '../tokens/access-token.ts';

export interface IssueInput {
  grantId: string;
  grant: GrantRecord;
  /** Scopes of this access token (may be narrower than the grant on refresh). */
  accessScopes: string[];
  /** Scopes of the new refresh token: always those of the grant or of the refresh token presented. */
  refreshScopes: string[];
  generation: number;
}

/**
 * Issues the pair and returns the RFC 6749 §5.1 body. `scope` is always included (OAuth 2.1 §3.2.3 makes it
 * REQUIRED when it differs from the request, and sending it always is simplest for clients).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export async function issueTokens(ctx: ProxyContext, input: IssueInput): Promise<TokenResponseBody> {
  const { settings } = ctx;
  const refreshToken = randomToken();
  const refresh: RefreshRecord = {
    grantId: input.grantId,
    clientId: input.grant.clientId,
    scopes: input.refreshScopes,
    generation: input.generation,
  };
  await ctx.records.set(keys.refresh(sha256(refreshToken)), refresh, settings.refreshTokenTtlSeconds);
  const { accessToken, expiresIn } = settings.dangerouslyPassUpstreamTokens
    ? passUpstreamAccessToken(input.grant, nowSeconds(ctx))
    : {
        accessToken: signAccessToken(ctx.keys, {
          issuer: settings.issuer,
          resource: settings.resource,
          sub: input.grant.user.sub,
          clientId: input.grant.clientId,
          scopes: input.accessScopes,
          grantId: input.grantId,
          ttlSeconds: settings.accessTokenTtlSeconds,
          now: nowSeconds(ctx),
        }),
        expiresIn: settings.accessTokenTtlSeconds,
      };
  ctx.log.info(
    {
      event: 'tokens-issued',
      grant: input.generation === 1 ? 'authorization_code' : 'refresh_token',
      clientId: input.grant.clientId,
      sub: input.grant.user.sub,
      grantId: input.grantId,
      scopes: input.accessScopes,
      generation: input.generation,
    },
    input.generation === 1 ? 'tokens issued for a new grant' : 'tokens refreshed (rotation)',
  );
  return {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: expiresIn,
    refresh_token: refreshToken,
    ...(input.accessScopes.length > 0 ? { scope: input.accessScopes.join(' ') } : {}),
  };
}

/**
 * DANGEROUS (off by default): hands the upstream access token to the MCP client. This is the "token passthrough"
 * anti-pattern the MCP specification forbids; it exists only for legacy backends and is logged at startup.
 */
function passUpstreamAccessToken(grant: GrantRecord, now: number): { accessToken: string; expiresIn: number } {
  const expiresAt = grant.upstreamTokens.expiresAt;
  return {
    accessToken: grant.upstreamTokens.accessToken,
    expiresIn: expiresAt === undefined ? 3600 : Math.max(0, expiresAt - now),
  };
}

/** How long a grant lives once tokens exist: as long as its longest-lived token. */
export function grantTtlSeconds(ctx: ProxyContext): number {
  return Math.max(ctx.settings.refreshTokenTtlSeconds, ctx.settings.accessTokenTtlSeconds);
}

/**
 * A client that completed a grant is kept for clientTtlSeconds from now (until then it had unusedClientTtlSeconds).
 * A metadata-document client is not stored as a client at all: its document is its registration.
 */
export async function markClientUsed(ctx: ProxyContext, client: ClientRecord): Promise<void> {
  if (client.metadata_document) return;
  const key = keys.client(client.client_id);
  // Marked at its first grant; after that only its lifetime moves, and a client deleted meanwhile stays deleted.
  if (client.used) await ctx.records.touch(key, ctx.settings.clientTtlSeconds);
  else await ctx.records.set(key, { ...client, used: true }, ctx.settings.clientTtlSeconds);
}
