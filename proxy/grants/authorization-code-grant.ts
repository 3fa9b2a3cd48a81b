// Step 11: redeeming a proxy authorization code. The code is checked against everything it was bound to, then
// consumed with one atomic take, so that of concurrent redemptions exactly one succeeds; a marker stays behind so
// that a later replay is recognised and (when it proves possession of the verifier) revokes the grant.
import { OAuthError } from '../errors.ts';
import type { ProxyContext } from '../context.ts';
import { assertPkceVerifier, pkceVerifierMatches } from '../checks/pkce.ts';
import { assertResource } from '../checks/resource.ts';
import { sha256 } from '../crypto/digest.ts';
import { requireParam, type Params } from '../http/params.ts';
import { keys, type ClientRecord, type CodeRecord, type TokenResponseBody, type UsedCodeRecord } from '../records.ts';
import { revokeGrant } from './revoke-grant.ts';
import { grantTtlSeconds, issueTokens, markClientUsed } from './token-issuance.ts';

export async function authorizationCodeGrant(
  ctx: ProxyContext,
  params: Params,
  client: ClientRecord,
): Promise<TokenResponseBody> {
  const codeHash = sha256(requireParam(params, 'code'));
  const record = await ctx.records.get(keys.code(codeHash));
  if (!record) return rejectReplayedCode(ctx, codeHash, client, params.get('code_verifier'));
  assertCodeIssuedToClient(record, client);
  assertSameRedirectUri(record, params.get('redirect_uri'));
  assertResource(params.get('resource'), ctx.settings.resource);
  assertPkceVerifier(params.get('code_verifier'), record.codeChallenge);
  if (!(await ctx.records.take(keys.code(codeHash)))) {
    return rejectReplayedCode(ctx, codeHash, client, params.get('code_verifier'));
  }
  const grant = await ctx.records.get(keys.grant(record.grantId));
  if (!grant) throw new OAuthError('invalid_grant', 'The authorization grant has expired or was revoked');
  // The grant is extended before the replay marker exists: a concurrent replay can revoke it only after this write,
  // so the revocation is never overwritten by it.
  await ctx.records.set(keys.grant(record.grantId), grant, grantTtlSeconds(ctx));
  const used: UsedCodeRecord = {
    clientId: record.clientId,
    codeChallenge: record.codeChallenge,
    grantId: record.grantId,
  };
  await ctx.records.set(keys.usedCode(codeHash), used, usedCodeTtlSeconds(ctx));
  await markClientUsed(ctx, client);
  return issueTokens(ctx, {
    grantId: record.grantId,
    grant,
    accessScopes: record.scopes,
    refreshScopes: record.scopes,
    generation: 1,
  });
}

/**
 * A code that is gone is refused. If it was redeemed before and this request proves possession of the verifier,
 * the grant the first redemption produced is revoked (RFC 6749 §10.5, CODE-02); a replay with wrong parameters
 * revokes nothing, so a code thief without the verifier cannot cancel the user's session (OAuth 2.1 §7.5.2, CODE-03).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2
 */
async function rejectReplayedCode(
  ctx: ProxyContext,
  codeHash: string,
  client: ClientRecord,
  verifier: string | undefined,
): Promise<never> {
  const used = await ctx.records.get(keys.usedCode(codeHash));
  if (used && used.clientId === client.client_id && pkceVerifierMatches(verifier, used.codeChallenge)) {
    ctx.log.warn(
      { event: 'code-replay-detected', clientId: client.client_id, grantId: used.grantId },
      'an authorization code was presented again with its verifier: revoking what it produced',
    );
    await revokeGrant(ctx, used.grantId, 'code-replay');
  }
  throw new OAuthError('invalid_grant', 'The authorization code is invalid, expired or was already used');
}

/**
 * "ensure that the authorization code was issued to the authenticated confidential client, or if the client is
 * public, ensure that the code was issued to client_id in the request" (OAuth 2.1 §4.1.3).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 */
function assertCodeIssuedToClient(record: CodeRecord, client: ClientRecord): void {
  if (record.clientId !== client.client_id) {
    throw new OAuthError('invalid_grant', 'The authorization code was issued to another client');
  }
}

/**
 * A redirect_uri sent to the token endpoint must be identical to the one of the authorization request; when the
 * authorization request carried one, RFC 6749 §4.1.3 requires it here too, OAuth 2.1 §10.2 no longer does: both
 * kinds of client are served by accepting it when absent and enforcing it when present.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 */
function assertSameRedirectUri(record: CodeRecord, redirectUri: string | undefined): void {
  if (redirectUri !== undefined && redirectUri !== record.redirectUri) {
    throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request');
  }
}

/** Replay detection lasts as long as an access token issued from the code could live, and at least 10 minutes. */
function usedCodeTtlSeconds(ctx: ProxyContext): number {
  return Math.max(ctx.settings.accessTokenTtlSeconds, ctx.settings.authorizationCodeTtlSeconds, 600);
}
