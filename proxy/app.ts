// The proxy as one Hono app: createOAuthProxy() resolves the options, imports keys once, mounts every endpoint of
// the 14-step flow (proxy/README.md) and, when given an MCP handler, the bearer-protected MCP endpoint. Each request
// gets one id, a logger that stamps it on every line, and one access line saying how it ended.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { logAccess } from './access-log.ts';
import { clientDirectory } from './clients/client-directory.ts';
import { systemResolver } from './clients/metadata-document-fetch.ts';
import { forRequest, type ProxyContext } from './context.ts';
import { deriveKey } from './crypto/hmac.ts';
import { authorizationServerMetadataResponse } from './endpoints/authorization-server-metadata.ts';
import { authorize } from './endpoints/authorize.ts';
import { callback } from './endpoints/callback.ts';
import { consent } from './endpoints/consent.ts';
import { protectedResourceMetadataResponse } from './endpoints/protected-resource-metadata.ts';
import { register } from './endpoints/register.ts';
import { revoke } from './endpoints/revoke.ts';
import { token } from './endpoints/token.ts';
import { OAuthError } from './errors.ts';
import { addApiCorsHeaders, apiCorsPreflight } from './http/cors.ts';
import { jsonResponse, oauthErrorResponse } from './http/json.ts';
import { RateLimiter } from './http/rate-limit.ts';
import { requestIdFor, withRequestId } from './http/request-id.ts';
import { tableWarnings } from './options/option.ts';
import { PROXY_OPTIONS } from './options/proxy-option-table.ts';
import type { ProxyOptions } from './options/proxy-options.ts';
import { keys, records } from './records.ts';
import type { AuthInfo } from './resource/auth-info.ts';
import { bearerChallenge, verifyBearer } from './resource/bearer.ts';
import { GrantCache } from './tokens/grant-cache.ts';
import { addCorsHeaders, corsPreflight } from './resource/mcp/cors.ts';
import { isNodeMcpHandler, nodeMcpRoute } from './resource/node-route.ts';
import { resolveSettings } from './settings.ts';
import { StoreUnavailableError } from './storage/store.ts';
import { loadSigningKeys } from './tokens/signing-keys.ts';

export interface OAuthProxy {
  /** The Hono app with every route; mount it or serve it. */
  app: Hono<ProxyEnv>;
  fetch(request: Request): Promise<Response>;
  /** The issuer identifier (= baseUrl). */
  issuer: string;
  /** The MCP resource identifier (= baseUrl + mcpPath). */
  resource: string;
  /** Hono middleware for your own routes: the RFC 9728 challenge, or `c.get('auth')` is the AuthInfo. */
  requireBearer: MiddlewareHandler<ProxyEnv>;
  /** The same check for any web-standard request; throws an OAuthError (401, or 400 for a malformed request). */
  verifyBearer(request: Request): Promise<AuthInfo>;
  /**
   * The 401/403 response for an OAuthError thrown by verifyBearer (with the WWW-Authenticate challenge); for an
   * `insufficient_scope` error, `requiredScopes` are the scopes the operation needs (the 403's `scope`).
   */
  bearerChallenge(error: OAuthError, requiredScopes?: readonly string[]): Response;
  /**
   * Serves a request on Node's own objects when the MCP handler can (the gateway from createNodeGateway: an
   * authenticated POST, GET or DELETE whose grant the grant cache holds), without the web Request and Response that
   * `fetch` needs; returns false, having read and written nothing, for every other request: give that one to `fetch`.
   * The standalone server calls it first (see resource/node-route.ts).
   */
  handleNode(req: IncomingMessage, res: ServerResponse): boolean;
  /** Closes the store. */
  close(): Promise<void>;
}

/** Hono variables: `c.get('ctx')` is the request's context, `c.get('auth')` the bearer check's result. */
export type ProxyEnv = { Variables: { ctx: ProxyContext; auth: AuthInfo } };

/** `grant:` — the store key prefix of grant records, whose removal the grant cache hears of. */
const GRANT_KEY_PREFIX = keys.grant('');

export async function createOAuthProxy(options: ProxyOptions): Promise<OAuthProxy> {
  const settings = resolveSettings(options);
  const grantCache = new GrantCache(settings.grantCacheMs, settings.clock);
  const store = records(settings.store, (key) => {
    if (key.startsWith(GRANT_KEY_PREFIX)) grantCache.forget(key.slice(GRANT_KEY_PREFIX.length));
  });
  const base: ProxyContext = {
    settings,
    records: store,
    grantCache,
    clients: clientDirectory({
      records: store,
      metadataDocuments: settings.clientIdMetadataDocuments,
      policy: {
        allowlist: settings.redirectUriAllowlist,
        ownCallback: new URL(settings.urls.callback),
        scopesSupported: settings.scopesSupported,
      },
      fetch: {
        timeoutMs: settings.cimdFetchTimeoutMs,
        maxBytes: settings.cimdMaxDocumentBytes,
        resolver: settings.hostResolver ?? systemResolver,
        allowedHosts: settings.cimdAllowedHosts,
        ...(settings.cimdCa !== undefined ? { allowedHostsCa: settings.cimdCa } : {}),
      },
      cacheSeconds: { min: settings.cimdCacheMinSeconds, max: settings.cimdCacheMaxSeconds },
      now: () => settings.clock.now(),
      log: settings.logger,
    }),
    keys: loadSigningKeys(settings.signing),
    cookieKey: deriveKey(settings.cookieSecret, 'consent-cookie'),
    csrfKey: deriveKey(settings.cookieSecret, 'consent-csrf'),
    upstreamScopes: upstreamScopes(settings.upstream, settings.urls.callback),
    registrationLimiter: new RateLimiter(settings.registrationRateLimitPerMinute),
    log: settings.logger,
    outcome: { requestId: '' },
  };
  for (const message of tableWarnings(PROXY_OPTIONS, { ...settings })) {
    settings.logger.warn({ event: 'config-warning' }, message);
  }
  const app = new Hono<ProxyEnv>();
  const { paths } = settings;

  app.use('*', async (c, next) => {
    const started = performance.now();
    const ctx = forRequest(base, requestIdFor(c.req.raw));
    c.set('ctx', ctx);
    if (base.log.isLevelEnabled('trace')) ctx.log.trace(requestStart(c.req.raw), 'request started');
    await next();
    keepResponse(c, withRequestId(c.res, ctx.outcome.requestId));
    logAccess(ctx, c.req.method, c.req.url, c.res.status, started);
  });

  // RFC 9700 §2.6 / OAuth 2.1 §3.1: CORS MAY be offered at metadata, token, registration and revocation endpoints,
  // never at the authorization endpoint (nor consent and callback, which are browser navigations).
  const corsForApis: MiddlewareHandler<ProxyEnv> = async (c, next) => {
    if (c.req.method === 'OPTIONS') return apiCorsPreflight();
    await next();
    keepResponse(c, withHeaders(c.res, addApiCorsHeaders));
    return undefined;
  };
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

  app.get(paths.authorizationServerMetadata, (c) => authorizationServerMetadataResponse(c.var.ctx));
  app.get(paths.protectedResourceMetadata, (c) => protectedResourceMetadataResponse(c.var.ctx));
  if (paths.protectedResourceMetadataRoot !== paths.protectedResourceMetadata) {
    app.get(paths.protectedResourceMetadataRoot, (c) => protectedResourceMetadataResponse(c.var.ctx));
  }
  if (base.keys.publicJwks) {
    const jwks = base.keys.publicJwks;
    app.get(paths.jwks, () => Response.json(jwks, { headers: { 'Cache-Control': 'public, max-age=300' } }));
  }

  app.post(paths.registration, (c) => register(c.var.ctx, c.req.raw, c));
  app.on(['GET', 'POST'], paths.authorization, (c) => authorize(c.var.ctx, c.req.raw));
  app.post(paths.consent, (c) => consent(c.var.ctx, c.req.raw));
  app.get(paths.callback, (c) => callback(c.var.ctx, c.req.raw));
  app.post(paths.token, (c) => token(c.var.ctx, c.req.raw));
  app.post(paths.revocation, (c) => revoke(c.var.ctx, c.req.raw));
  for (const path of [paths.registration, paths.token, paths.revocation]) {
    app.on(['GET', 'PUT', 'PATCH', 'DELETE'], path, () =>
      jsonResponse({ error: 'invalid_request', error_description: 'Use POST' }, 405, { Allow: 'POST' }),
    );
  }

  const requireBearer: MiddlewareHandler<ProxyEnv> = async (c, next) => {
    // Mounted in an embedder's own app, the proxy's request middleware may not have run.
    const ctx = (c.var.ctx as ProxyContext | undefined) ?? forRequest(base, requestIdFor(c.req.raw));
    try {
      const auth = await verifyBearer(ctx, c.req.raw);
      ctx.outcome.clientId = auth.clientId;
      c.set('auth', auth);
    } catch (error) {
      if (error instanceof OAuthError) {
        ctx.outcome.error = error.error;
        return bearerChallenge(ctx, error);
      }
      throw error;
    }
    await next();
    return undefined;
  };

  const mcpHandler = options.mcpHandler;
  if (mcpHandler) {
    app.use(paths.mcp, async (c, next) => {
      if (c.req.method === 'OPTIONS') return corsPreflight(c.req.raw);
      await next();
      keepResponse(c, withHeaders(c.res, addCorsHeaders));
      return undefined;
    });
    app.all(paths.mcp, requireBearer, (c) => mcpHandler(c.req.raw, c.var.auth));
  }

  app.onError((error, c) => errorResponse(c.var.ctx ?? base, error));
  const handleNode = isNodeMcpHandler(mcpHandler) ? nodeMcpRoute(base, paths.mcp, mcpHandler) : () => false;

  return {
    app,
    fetch: async (request) => app.fetch(request),
    issuer: settings.issuer,
    resource: settings.resource,
    requireBearer,
    verifyBearer: (request) => verifyBearer(forRequest(base, requestIdFor(request)), request),
    bearerChallenge: (error, requiredScopes) => bearerChallenge(base, error, requiredScopes),
    handleNode,
    close: () => settings.store.close(),
  };
}

/**
 * Assigns the response only when it is a new object: Hono's setter rebuilds the response around the old one's body
 * and copies its headers, which for a small answer costs more than producing it.
 */
function keepResponse(c: Context, response: Response): void {
  if (response !== c.res) c.res = response;
}

/** Sets headers in place; a response whose headers are immutable (passed through from fetch) is copied first. */
function withHeaders(response: Response, set: (headers: Headers) => void): Response {
  try {
    set(response.headers);
    return response;
  } catch {
    const headers = new Headers(response.headers);
    set(headers);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

/**
 * OAuthError → its RFC-shaped JSON; an unreachable store → 503 temporarily_unavailable; a malformed request the
 * framework noticed → 400 invalid_request; anything else → 500 server_error, logged, never a stack to the client.
 */
function errorResponse(ctx: ProxyContext, error: Error): Response {
  const oauthError = asOAuthError(ctx, error);
  ctx.outcome.error = oauthError.error;
  return oauthErrorResponse(oauthError);
}

function asOAuthError(ctx: ProxyContext, error: Error): OAuthError {
  if (error instanceof OAuthError) {
    if (error.detail !== undefined || error.status >= 500) {
      ctx.log.warn({ event: 'request-failed', error: error.error, detail: error.detail }, 'request failed');
    }
    return error;
  }
  if (error instanceof StoreUnavailableError) {
    ctx.log.error({ event: 'store-unavailable', err: { name: error.name, message: error.message } }, 'store down');
    return new OAuthError('temporarily_unavailable', 'The service is temporarily unavailable', { status: 503 });
  }
  if (error instanceof HTTPException && error.status < 500) {
    return new OAuthError('invalid_request', 'The request is malformed', { status: error.status });
  }
  ctx.log.error({ event: 'unexpected-error', err: error }, 'unexpected error');
  return new OAuthError('server_error', 'An unexpected error occurred', { status: 500 });
}

/** What a trace line says about an arriving request: never the query, the body or a credential. */
function requestStart(request: Request): Record<string, unknown> {
  const headers = request.headers;
  return {
    event: 'request-start',
    method: request.method,
    path: new URL(request.url).pathname,
    contentType: headers.get('content-type') ?? undefined,
    contentLength: headers.get('content-length') ?? undefined,
    userAgent: headers.get('user-agent') ?? undefined,
    origin: headers.get('origin') ?? undefined,
    hasAuthorization: headers.has('authorization'),
    protocolVersion: headers.get('mcp-protocol-version') ?? undefined,
  };
}

/** The scopes the upstream authorization URL asks for, read once so the consent page can show them. */
function upstreamScopes(upstream: ProxyOptions['upstream'], callbackUrl: string): string[] {
  try {
    const url = upstream.authorizationUrl({ state: 'probe', codeChallenge: 'probe', redirectUri: callbackUrl });
    return (url.searchParams.get('scope') ?? '').split(' ').filter((s) => s !== '');
  } catch {
    return [];
  }
}
