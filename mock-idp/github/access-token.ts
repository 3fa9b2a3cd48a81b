// POST /login/oauth/access_token: GitHub's code exchange and (expiring user tokens) refresh. Answers are
// form-urlencoded unless `Accept: application/json`; errors come with HTTP 200.
// @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#2-users-are-redirected-back-to-your-site-by-github
import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { TokenLedger } from '../harness/token-ledger.ts';
import { isRegisteredClient, parseBasic } from './client-auth.ts';
import { tokenAnswer, tokenError } from './respond.ts';
import { REFRESH_TOKEN_TTL_SECONDS, type GithubStore, type TokenRecord } from './store.ts';

export const GITHUB_TOKEN_PATH = '/login/oauth/access_token';

export interface TokenEndpointOptions {
  store: GithubStore;
  ledger: TokenLedger;
  expiringTokens: boolean;
  accessTokenTtlSeconds: number;
}

/** Parameters may come as a form body, a JSON body or the query string; GitHub accepts all three. */
async function readParams(c: Context): Promise<Record<string, string>> {
  const params: Record<string, string> = { ...c.req.query() };
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  if (type.includes('application/json')) {
    const json = (await c.req.json().catch(() => ({}))) as Record<string, unknown>;
    for (const [k, v] of Object.entries(json)) if (typeof v === 'string') params[k] = v;
  } else if (type.includes('application/x-www-form-urlencoded') || type.includes('multipart/form-data')) {
    for (const [k, v] of Object.entries(await c.req.parseBody())) if (typeof v === 'string') params[k] = v;
  }
  return params;
}

/**
 * The code_verifier must hash to the stored challenge; a verifier without a challenge is refused too, so a
 * client that dropped the challenge cannot go unnoticed.
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.6
 * @see https://www.rfc-editor.org/rfc/rfc9700#section-4.8.2
 */
function pkceMatches(challenge: string | undefined, verifier: string | undefined): boolean {
  if (challenge === undefined) return verifier === undefined;
  if (verifier === undefined || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}

function issue(c: Context, opts: TokenEndpointOptions, base: Omit<TokenRecord, 'value' | 'expiresAt'>): Response {
  const ttl = opts.expiringTokens ? opts.accessTokenTtlSeconds : undefined;
  const access = opts.store.issueAccessToken(base, ttl);
  opts.ledger.add({ type: 'access_token', value: access.value, user: base.userId });
  if (!opts.expiringTokens) {
    return tokenAnswer(c, { access_token: access.value, scope: base.scope, token_type: 'bearer' });
  }
  const refresh = opts.store.issueRefreshToken(base);
  opts.ledger.add({ type: 'refresh_token', value: refresh.value, user: base.userId });
  return tokenAnswer(c, {
    access_token: access.value,
    expires_in: opts.accessTokenTtlSeconds,
    refresh_token: refresh.value,
    refresh_token_expires_in: REFRESH_TOKEN_TTL_SECONDS,
    scope: base.scope,
    token_type: 'bearer',
  });
}

function exchangeCode(c: Context, opts: TokenEndpointOptions, params: Record<string, string>, clientId: string) {
  const code = opts.store.takeCode(params.code ?? '');
  if (!code || code.clientId !== clientId) return tokenError(c, 'bad_verification_code');
  if (params.redirect_uri !== undefined && params.redirect_uri !== code.redirectUri) {
    return tokenError(c, 'redirect_uri_mismatch');
  }
  if (!pkceMatches(code.codeChallenge, params.code_verifier)) return tokenError(c, 'bad_verification_code');
  return issue(c, opts, { userId: code.userId, clientId, scope: code.scope });
}

/** @see https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens */
function refresh(c: Context, opts: TokenEndpointOptions, params: Record<string, string>, clientId: string) {
  if (!opts.expiringTokens) return tokenError(c, 'bad_refresh_token');
  const previous = opts.store.takeRefreshToken(params.refresh_token ?? '');
  if (!previous || previous.clientId !== clientId) return tokenError(c, 'bad_refresh_token');
  return issue(c, opts, { userId: previous.userId, clientId, scope: previous.scope });
}

export function mountAccessToken(app: Hono, opts: TokenEndpointOptions): void {
  app.post(GITHUB_TOKEN_PATH, async (c) => {
    const params = await readParams(c);
    const basic = parseBasic(c.req.header('authorization'));
    const clientId = params.client_id ?? basic?.id;
    const clientSecret = params.client_secret ?? basic?.secret;
    if (!isRegisteredClient(clientId, clientSecret)) return tokenError(c, 'incorrect_client_credentials');
    const grantType = params.grant_type ?? 'authorization_code';
    if (grantType === 'authorization_code') return exchangeCode(c, opts, params, clientId!);
    if (grantType === 'refresh_token') return refresh(c, opts, params, clientId!);
    return tokenError(c, 'unsupported_grant_type');
  });
}
