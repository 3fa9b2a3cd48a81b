// The proxy as one Hono app: createOAuthProxy() resolves the options, imports keys once, mounts every endpoint of
// the 14-step flow (proxy/README.md) and, when given an MCP handler, the bearer-protected MCP endpoint.
import { Hono, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { OAuthError } from './errors.ts';
import type { AuthInfo, McpHandler, ProxyOptions } from './options.ts';
import type { ProxyContext } from './context.ts';
import { deriveKey } from './crypto/hmac.ts';
import { authorizationServerMetadataResponse } from './endpoints/authorization-server-metadata.ts';
import { authorizeEndpoint } from './endpoints/authorize.ts';
import { callbackEndpoint } from './endpoints/callback.ts';
import { consentEndpoint } from './endpoints/consent.ts';
import { protectedResourceMetadataResponse } from './endpoints/protected-resource-metadata.ts';
import { registerEndpoint } from './endpoints/register.ts';
import { revokeEndpoint } from './endpoints/revoke.ts';
import { tokenEndpoint } from './endpoints/token.ts';
import { jsonResponse, oauthErrorResponse } from './http/json.ts';
import { RateLimiter } from './http/rate-limit.ts';
import { records } from './records.ts';
import { resolveSettings, type ProxySettings } from './settings.ts';
import { StoreUnavailableError } from './storage/store.ts';
import { createBearerCheck, type BearerVariables } from './tokens/bearer-check.ts';
import { loadSigningKeys } from './tokens/signing-keys.ts';

export interface OAuthProxy {
  /** The Hono app with every route; mount it or serve it. */
  app: Hono<ProxyEnv>;
  fetch(request: Request): Promise<Response>;
  /** The issuer identifier (= baseUrl). */
  issuer: string;
  /** The MCP resource identifier (= baseUrl + mcpPath). */
  resource: string;
  /** Hono middleware for your own routes: 401 with the RFC 9728 challenge, or `c.get('auth')` is the AuthInfo. */
  requireBearer: MiddlewareHandler<{ Variables: BearerVariables }>;
  /** The same check for any web-standard request; throws an OAuthError (status 401) when it fails. */
  verifyBearer(request: Request): Promise<AuthInfo>;
  /** Closes the store. */
  close(): Promise<void>;
}

export type ProxyEnv = { Variables: BearerVariables & { requestId: string } };

export async function createOAuthProxy(options: ProxyOptions & { mcpHandler?: McpHandler }): Promise<OAuthProxy> {
  const settings = resolveSettings(options);
  const ctx: ProxyContext = {
    settings,
    records: records(settings.store),
    keys: await loadSigningKeys(settings.signing),
    cookieKey: deriveKey(settings.cookieSecret, 'consent-cookie'),
    csrfKey: deriveKey(settings.cookieSecret, 'consent-csrf'),
    upstreamScopes: upstreamScopes(settings),
  };
  warnAboutDangerousSettings(settings);
  const bearer = createBearerCheck(ctx);
  const app = new Hono<ProxyEnv>();
  const { paths } = settings;

  app.use('*', async (c, next) => {
    c.set('requestId', crypto.randomUUID());
    await next();
  });

  // RFC 9700 §2.6 / OAuth 2.1 §3.1: CORS MAY be offered at metadata, token, registration and revocation endpoints,
  // never at the authorization endpoint (nor consent and callback, which are browser navigations).
  const corsForApis = cors({
    origin: '*',
    allowMethods: ['GET', 'POST', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'MCP-Protocol-Version'],
    maxAge: 600,
  });
  const corsPaths = [
    paths.authorizationServerMetadata,
    paths.protectedResourceMetadata,
    paths.protectedResourceMetadataRoot,
    paths.jwks,
    paths.registration,
    paths.token,
    paths.revocation,
  ];
  for (const path of new Set(corsPaths)) app.use(path, corsForApis);

  app.get(paths.authorizationServerMetadata, () => authorizationServerMetadataResponse(ctx));
  app.get(paths.protectedResourceMetadata, () => protectedResourceMetadataResponse(ctx));
  if (paths.protectedResourceMetadataRoot !== paths.protectedResourceMetadata) {
    app.get(paths.protectedResourceMetadataRoot, () => protectedResourceMetadataResponse(ctx));
  }
  if (ctx.keys.publicJwks) {
    const jwks = ctx.keys.publicJwks;
    app.get(paths.jwks, () => Response.json(jwks, { headers: { 'Cache-Control': 'public, max-age=300' } }));
  }

  const limiter = new RateLimiter(settings.registrationRateLimitPerMinute);
  app.post(paths.registration, registerEndpoint(ctx, limiter));
  const authorize = authorizeEndpoint(ctx);
  app.on(['GET', 'POST'], paths.authorization, (c) => authorize(c.req.raw));
  const consent = consentEndpoint(ctx);
  app.post(paths.consent, (c) => consent(c.req.raw));
  const callback = callbackEndpoint(ctx);
  app.get(paths.callback, (c) => callback(c.req.raw));
  const token = tokenEndpoint(ctx);
  app.post(paths.token, (c) => token(c.req.raw));
  const revoke = revokeEndpoint(ctx);
  app.post(paths.revocation, (c) => revoke(c.req.raw));
  for (const path of [paths.registration, paths.token, paths.revocation]) {
    app.on(['GET', 'PUT', 'PATCH', 'DELETE'], path, () =>
      jsonResponse({ error: 'invalid_request', error_description: 'Use POST' }, 405, { Allow: 'POST' }),
    );
  }

  const mcpHandler = options.mcpHandler;
  if (mcpHandler) {
    app.use(
      paths.mcp,
      cors({
        origin: '*',
        allowHeaders: ['Authorization', 'Content-Type', 'Mcp-Session-Id', 'MCP-Protocol-Version', 'Last-Event-ID'],
        exposeHeaders: ['WWW-Authenticate', 'Mcp-Session-Id'],
        maxAge: 600,
      }),
    );
    app.all(paths.mcp, bearer.middleware, (c) => mcpHandler(c.req.raw, c.get('auth')));
  }

  app.onError((error, c) => errorResponse(settings, error, c.get('requestId')));

  return {
    app,
    fetch: async (request) => app.fetch(request),
    issuer: settings.issuer,
    resource: settings.resource,
    requireBearer: bearer.middleware,
    verifyBearer: bearer.verify,
    close: () => settings.store.close(),
  };
}

/**
 * OAuthError → its RFC-shaped JSON; an unreachable store → 503 temporarily_unavailable; a malformed request the
 * framework noticed → 400 invalid_request; anything else → 500 server_error, logged with the request id, never a
 * stack to the client.
 */
function errorResponse(settings: ProxySettings, error: Error, requestId: string | undefined): Response {
  const log = settings.logger;
  if (error instanceof OAuthError) {
    if (error.detail !== undefined || error.status >= 500) {
      log.warn({ requestId, error: error.error, detail: error.detail }, 'request failed');
    }
    return oauthErrorResponse(error);
  }
  if (error instanceof StoreUnavailableError) {
    log.error({ requestId, err: { name: error.name, message: error.message } }, 'store unavailable');
    return oauthErrorResponse(
      new OAuthError('temporarily_unavailable', 'The service is temporarily unavailable', { status: 503 }),
    );
  }
  if (error instanceof HTTPException && error.status < 500) {
    return oauthErrorResponse(new OAuthError('invalid_request', 'The request is malformed', { status: error.status }));
  }
  log.error({ requestId, err: error }, 'unexpected error');
  return oauthErrorResponse(new OAuthError('server_error', 'An unexpected error occurred', { status: 500 }));
}

/** The scopes the upstream authorization URL asks for, read once so the consent page can show them. */
function upstreamScopes(settings: ProxySettings): string[] {
  try {
    const url = settings.upstream.authorizationUrl({
      state: 'probe',
      codeChallenge: 'probe',
      redirectUri: settings.urls.callback,
    });
    return (url.searchParams.get('scope') ?? '').split(' ').filter((s) => s !== '');
  } catch {
    return [];
  }
}

function warnAboutDangerousSettings(settings: ProxySettings): void {
  if (settings.consent === 'off') {
    settings.logger.warn(
      { setting: 'consent' },
      'consent is OFF: any registered client can obtain tokens for a signed-in user without asking (confused deputy)',
    );
  }
  if (settings.dangerouslyPassUpstreamTokens) {
    settings.logger.warn(
      { setting: 'dangerouslyPassUpstreamTokens' },
      'DANGEROUS: the upstream access token is handed to MCP clients (token passthrough); audience binding is lost',
    );
  }
}
