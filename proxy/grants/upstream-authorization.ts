// Step 7, the upstream leg begins: only after consent, the proxy creates its own transaction (fresh PKCE pair, random
// state) and sends the browser to the IdP with its fixed callback. The client's PKCE values never go upstream.
import type { ProxyContext } from '../context.ts';
import { createPkcePair } from '../checks/pkce.ts';
import { randomToken } from '../crypto/random.ts';
import { keys, type PendingAuthorization, type UpstreamTransaction } from '../records.ts';

/**
 * Stores `txn:<state>` (single use at the callback, short-lived) and returns the upstream authorization URL.
 * MCP SBP "OAuth State Parameter Validation": random per request, stored only after consent, single use, short expiry.
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-2.1.1
 */
export async function startUpstreamAuthorization(ctx: ProxyContext, authorization: PendingAuthorization): Promise<URL> {
  const { codeVerifier, codeChallenge } = createPkcePair();
  const state = randomToken();
  const transaction: UpstreamTransaction = { authorization, codeVerifier };
  await ctx.records.set(keys.transaction(state), transaction, ctx.settings.transactionTtlSeconds);
  return ctx.settings.upstream.authorizationUrl({ state, codeChallenge, redirectUri: ctx.settings.urls.callback });
}
