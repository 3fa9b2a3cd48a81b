// Step 12: the bearer check in front of the MCP endpoint, the hot path of every MCP request. verifyBearer() checks
// the proxy's JWT locally (keys imported once) and makes at most one store lookup, the grant, whose absence means
// revoked (a grant read within PROXY_GRANT_CACHE_MS is reused: tokens/grant-cache.ts); it throws a plain OAuthError.
// bearerChallenge() turns that error into the 401/403 with its challenge.
import { nowSeconds, type ProxyContext } from '../context.ts';
import { OAuthError } from '../errors.ts';
import { withFreshUpstreamTokens } from '../grants/upstream-refresh.ts';
import { oauthErrorResponse } from '../http/json.ts';
import { mediaType } from '../http/params.ts';
import { keys, type GrantRecord } from '../records.ts';
import { resourceScopes } from '../checks/scope.ts';
import { missingScopes } from '../checks/scope-hierarchy.ts';
import { scopesForTools } from '../checks/tool-scopes.ts';
import type { CachedGrant } from '../tokens/grant-cache.ts';
import { AccessTokenInvalid, verifyAccessToken, type AccessTokenClaims } from '../tokens/access-token.ts';
import type { AuthInfo } from './auth-info.ts';

/**
 * The request's access token, verified: signature, `typ`, `iss`, `aud` (this MCP resource), `exp`, and a live grant
 * of the same client. Throws `invalid_request` (no or malformed credentials) or `invalid_token`.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 */
export async function verifyBearer(ctx: ProxyContext, request: Request): Promise<AuthInfo> {
  // Synchronous up to the grant lookup, and that too on a cache hit: this runs on every MCP request.
  refuseTokenInQuery(request.url);
  if (isForm(request.headers.get('content-type'))) await refuseTokenInForm(request);
  const { token, claims } = verifiedToken(ctx, request.headers.get('authorization'));
  const grant =
    ctx.grantCache.fresh(claims.gid) ??
    (await ctx.grantCache.get(claims.gid, () => ctx.records.get(keys.grant(claims.gid))));
  return liveBearer(ctx, token, claims, grant);
}

/** What the bearer check reads of a request that is not a web Request (Node's own request objects). */
export interface BearerRequest {
  /** The request target, absolute or as it arrived (`/mcp?x=1`). */
  target: string;
  authorization: string | undefined;
  contentType: string | undefined;
}

/**
 * The same check when it can finish without I/O: the AuthInfo when the grant was read within PROXY_GRANT_CACHE_MS,
 * undefined when it needs the store (a cache miss) or the body (a form-encoded request: refuseTokenInForm reads it).
 * Throws exactly what verifyBearer throws, in the same order.
 */
export function verifyBearerNow(ctx: ProxyContext, request: BearerRequest): AuthInfo | undefined {
  refuseTokenInQuery(request.target);
  if (isForm(request.contentType ?? null)) return undefined;
  const { token, claims } = verifiedToken(ctx, request.authorization ?? null);
  const grant = ctx.grantCache.fresh(claims.gid);
  return grant === undefined ? undefined : liveBearer(ctx, token, claims, grant);
}

/** The token from the Authorization header with its verified claims: signature, `typ`, `iss`, `aud`, `exp`. */
function verifiedToken(ctx: ProxyContext, authorization: string | null): { token: string; claims: AccessTokenClaims } {
  const token = bearerToken(authorization);
  try {
    const { issuer, resource } = ctx.settings;
    return { token, claims: verifyAccessToken(ctx.keys, token, { issuer, resource }, nowSeconds(ctx)) };
  } catch (error) {
    if (error instanceof AccessTokenInvalid) throw invalidToken('The access token is invalid');
    throw error;
  }
}

/** The AuthInfo, when the token's grant is live and belongs to the token's client; a revoked grant is gone. */
function liveBearer(
  ctx: ProxyContext,
  token: string,
  claims: AccessTokenClaims,
  grant: CachedGrant | undefined,
): AuthInfo {
  if (!grant || grant.clientId !== claims.client_id) throw invalidToken('The access token was revoked');
  return new VerifiedBearer(ctx, token, claims, grant.user);
}

function isForm(contentType: string | null): boolean {
  return mediaType(contentType) === 'application/x-www-form-urlencoded';
}

/**
 * The AuthInfo of one verified request. Its methods live on the prototype and the context in a private field, so a
 * request allocates no closures and the object serialises to its data alone.
 */
class VerifiedBearer implements AuthInfo {
  readonly sub: string;
  readonly clientId: string;
  readonly scopes: string[];
  readonly grantId: string;
  readonly expiresAt: number;
  readonly #ctx: ProxyContext;

  constructor(
    ctx: ProxyContext,
    readonly token: string,
    claims: AccessTokenClaims,
    readonly user: GrantRecord['user'],
  ) {
    this.#ctx = ctx;
    this.sub = claims.sub;
    this.clientId = claims.client_id;
    this.scopes = claims.scope ? claims.scope.split(' ') : [];
    this.grantId = claims.gid;
    this.expiresAt = claims.exp;
  }

  async upstreamTokens() {
    const current = await this.#ctx.records.get(keys.grant(this.grantId));
    if (!current) throw invalidToken('The access token was revoked');
    return (await withFreshUpstreamTokens(this.#ctx, this.grantId, current)).upstreamTokens;
  }

  hasScopes(required: readonly string[]): boolean {
    return missingScopes(this.scopes, required, this.#ctx.settings.scopes.implied).length === 0;
  }

  insufficientScope(required: readonly string[], description?: string): Response {
    this.#ctx.outcome.error = 'insufficient_scope';
    const error = new OAuthError(
      'insufficient_scope',
      description ?? `This operation needs scope ${required.join(' ')}`,
      { status: 403 },
    );
    return bearerChallenge(this.#ctx, error, required);
  }

  checkToolCall(tools: readonly string[]): Response | undefined {
    const { toolScopes } = this.#ctx.settings.scopes;
    if (tools.length === 0 || toolScopes.size === 0) return undefined;
    const required = scopesForTools(tools, toolScopes);
    if (this.hasScopes(required)) return undefined;
    return this.insufficientScope(
      required,
      `Calling ${[...new Set(tools)].join(', ')} needs scope ${required.join(' ')}`,
    );
  }
}

/**
 * The response for a failed bearer check. Every 401 carries `WWW-Authenticate: Bearer` with `resource_metadata`
 * (RFC 9728 §5.1) and, when scopes are configured, `scope`: what basic access needs (MCP "Scope Selection
 * Strategy": clients use it first). Without credentials the challenge has no error code (RFC 6750 §3.1: "SHOULD NOT
 * include an error code"). An `insufficient_scope` error is a 403 whose `scope` names `requiredScopes`, every scope
 * the operation needs (MCP "Runtime Insufficient Scope Errors"). `offline_access` is never named (PRM-09).
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-5.1
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3.1
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#runtime-insufficient-scope-errors
 */
export function bearerChallenge(ctx: ProxyContext, error: OAuthError, requiredScopes?: readonly string[]): Response {
  const { settings } = ctx;
  const forbidden = error.error === 'insufficient_scope';
  const scopes = resourceScopes(forbidden && requiredScopes ? requiredScopes : challengeScopes(ctx));
  const parts = [
    ...(error.error === 'invalid_token' || forbidden || error.detail === MALFORMED
      ? [`error="${error.error}"`, `error_description="${error.errorDescription ?? ''}"`]
      : []),
    `resource_metadata="${settings.urls.protectedResourceMetadata}"`,
    ...(scopes.length > 0 ? [`scope="${scopes.join(' ')}"`] : []),
  ];
  return oauthErrorResponse(
    new OAuthError(error.error, error.errorDescription, {
      status: forbidden ? 403 : 401,
      headers: { ...error.headers, 'WWW-Authenticate': `Bearer ${parts.join(', ')}` },
    }),
  );
}

/** What basic access needs: the default scopes, else every offered scope. */
function challengeScopes(ctx: ProxyContext): readonly string[] {
  const { defaults, supported } = ctx.settings.scopes;
  return defaults.length > 0 ? defaults : supported;
}

/** Marks an invalid_request that names what is wrong (as opposed to "no credentials at all"). */
const MALFORMED = 'malformed-credentials';

function invalidToken(description: string): OAuthError {
  return new OAuthError('invalid_token', description, { status: 401 });
}

function malformed(description: string): OAuthError {
  return new OAuthError('invalid_request', description, { status: 401, detail: MALFORMED });
}

/**
 * The token from `Authorization: Bearer` (RFC 6750 §2.1), the only place the proxy accepts one: refuseTokenInQuery
 * and refuseTokenInForm run first.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
function bearerToken(header: string | null): string {
  const match = header === null ? null : /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header.trim());
  if (!match?.[1]) {
    if (header !== null && /^bearer\b/i.test(header.trim())) throw malformed('The Authorization header is malformed');
    throw new OAuthError('invalid_request', 'Authorization required', { status: 401 });
  }
  return match[1];
}

/**
 * MCP authorization, "Token Requirements": "Access tokens MUST NOT be included in the URI query string". The URL is
 * parsed only when it could hold the parameter.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#token-requirements
 */
function refuseTokenInQuery(target: string): void {
  if (target.includes('access_token') && new URL(target, 'http://target.invalid').searchParams.has('access_token')) {
    throw malformed('Access tokens are accepted only in the Authorization header');
  }
}

/**
 * OAuth 2.1 §5.2: the resource server accepts the token in the Authorization header; a form-encoded body carrying
 * one is refused, not read as a credential.
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-1#section-5.2
 */
async function refuseTokenInForm(request: Request): Promise<void> {
  const form = new URLSearchParams(await request.clone().text());
  if (form.has('access_token')) throw malformed('Access tokens are accepted only in the Authorization header');
}
