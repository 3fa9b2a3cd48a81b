// Step 14: token revocation (RFC 7009). Revoking either token of a grant revokes the whole grant, and with it the
// upstream token where the IdP supports revocation. The answer is 200 whether or not anything was revoked.
import { authenticateClient } from '../checks/client-authentication.ts';
import { nowSeconds, type ProxyContext } from '../context.ts';
import { sha256 } from '../crypto/digest.ts';
import { revokeGrant } from '../grants/revoke-grant.ts';
import { readFormBody, requireParam } from '../http/params.ts';
import { NO_STORE } from '../http/json.ts';
import { keys, type ClientRecord } from '../records.ts';
import { AccessTokenInvalid, verifyAccessToken } from '../tokens/access-token.ts';

export async function revoke(ctx: ProxyContext, request: Request): Promise<Response> {
  const params = await readFormBody(request);
  const client = await authenticateClient(ctx, request, params);
  const grantId = await grantOfToken(ctx, requireParam(params, 'token'), client);
  if (grantId !== undefined) await revokeGrant(ctx, grantId, 'revocation-request');
  return new Response(null, { status: 200, headers: NO_STORE });
}

/**
 * The grant a token belongs to, if it was issued to this client. token_type_hint is only a hint: every kind is
 * tried (RFC 7009 §2.1: the server "MUST extend its search across all of its supported token types"). A token of
 * another client is not revoked, and the answer does not say so.
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 */
async function grantOfToken(ctx: ProxyContext, token: string, client: ClientRecord): Promise<string | undefined> {
  const hash = sha256(token);
  const refresh = (await ctx.records.get(keys.refresh(hash))) ?? (await ctx.records.get(keys.usedRefresh(hash)));
  if (refresh) return refresh.clientId === client.client_id ? refresh.grantId : undefined;
  if (token.split('.').length !== 3) return undefined;
  try {
    const claims = verifyAccessToken(
      ctx.keys,
      token,
      { issuer: ctx.settings.issuer, resource: ctx.settings.resource },
      nowSeconds(ctx),
    );
    return claims.client_id === client.client_id ? claims.gid : undefined;
  } catch (error) {
    if (error instanceof AccessTokenInvalid) return undefined;
    throw error;
  }
}
