// Step 12: the bearer check in front of the MCP endpoint, the hot path of every MCP request. It verifies the proxy's
// JWT locally (keys imported once) and then makes exactly one store lookup, the grant, whose absence means revoked.
import type { MiddlewareHandler } from 'hono';
import { OAuthError } from '../errors.ts';
import type { ProxyContext } from '../context.ts';
import type { AuthInfo } from '../options.ts';
import { resourceScopes } from '../endpoints/protected-resource-metadata.ts';
import { withFreshUpstreamTokens } from '../grants/upstream-refresh.ts';
import { oauthErrorResponse } from '../http/json.ts';
import { mediaType } from '../http/params.ts';
import { keys, type GrantRecord } from '../records.ts';
import { AccessTokenInvalid, verifyAccessToken } from './access-token.ts';

/** Hono variables set by requireBearer: `c.get('auth')`. */
export interface BearerVariables {
  auth: AuthInfo;
}

export interface BearerCheck {
  verify(request: Request): Promise<AuthInfo>;
  middleware: MiddlewareHandler<{ Variables: BearerVariables }>;
}

export function createBearerCheck(ctx: ProxyContext): BearerCheck {
  const { settings } = ctx;
  const scopes = resourceScopes(settings.scopesSupported);
  const challengeBase = `resource_metadata="${settings.urls.protectedResourceMetadata}"${
    scopes.length > 0 ? `, scope="${scopes.join(' ')}"` : ''
  }`;
  const expected = { issuer: settings.issuer, resource: settings.resource };

  /**
   * Every 401 carries `WWW-Authenticate: Bearer` with `resource_metadata` (RFC 9728 §5.1, MCP PRM-01) and, when
   * configured, `scope` (RFC 6750 §3, PRM-10). Without credentials there is no error code (RFC 6750 §3.1).
   */
  function unauthorized(error?: 'invalid_request' | 'invalid_token', description?: string): OAuthError {
    const parts = error
      ? [`error="${error}"`, `error_description="${description ?? ''}"`, challengeBase]
      : [challengeBase];
    return new OAuthError(error ?? 'invalid_request', error ? description : 'Authorization required', {
      status: 401,
      headers: { 'WWW-Authenticate': `Bearer ${parts.join(', ')}` },
    });
  }

  async function verify(request: Request): Promise<AuthInfo> {
    const token = await bearerToken(request, unauthorized);
    let claims;
    try {
      claims = await verifyAccessToken(ctx.keys, token, expected);
    } catch (error) {
      if (error instanceof AccessTokenInvalid) throw unauthorized('invalid_token', 'The access token is invalid');
      throw error;
    }
    const grant = await ctx.records.get<GrantRecord>(keys.grant(claims.gid));
    if (!grant || grant.clientId !== claims.client_id) {
      throw unauthorized('invalid_token', 'The access token was revoked');
    }
    return {
      token,
      sub: claims.sub,
      clientId: claims.client_id,
      scopes: claims.scope ? claims.scope.split(' ') : [],
      grantId: claims.gid,
      expiresAt: claims.exp,
      user: grant.user,
      upstreamTokens: async () => {
        const current = await ctx.records.get<GrantRecord>(keys.grant(claims.gid));
        if (!current) throw unauthorized('invalid_token', 'The access token was revoked');
        return (await withFreshUpstreamTokens(ctx, claims.gid, current)).upstreamTokens;
      },
    };
  }

  const middleware: BearerCheck['middleware'] = async (c, next) => {
    try {
      c.set('auth', await verify(c.req.raw));
    } catch (error) {
      if (error instanceof OAuthError) return oauthErrorResponse(error);
      throw error;
    }
    await next();
    return undefined;
  };

  return { verify, middleware };
}

/**
 * The token from `Authorization: Bearer` only. A token in the query string or a form body is refused outright
 * (MCP "Access tokens MUST NOT be included in the URI query string"; OAuth 2.1 §5.2).
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-2.1
 */
async function bearerToken(
  request: Request,
  unauthorized: (error?: 'invalid_request' | 'invalid_token', description?: string) => OAuthError,
): Promise<string> {
  if (new URL(request.url).searchParams.has('access_token')) {
    throw unauthorized('invalid_request', 'Access tokens are accepted only in the Authorization header');
  }
  if (mediaType(request.headers.get('content-type')) === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(await request.clone().text());
    if (form.has('access_token')) {
      throw unauthorized('invalid_request', 'Access tokens are accepted only in the Authorization header');
    }
  }
  const header = request.headers.get('authorization');
  const match = header === null ? null : /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header.trim());
  if (!match?.[1]) {
    if (header !== null && /^bearer\b/i.test(header.trim())) {
      throw unauthorized('invalid_request', 'The Authorization header is malformed');
    }
    throw unauthorized();
  }
  return match[1];
}
