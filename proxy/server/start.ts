// Starts the standalone server: storage, upstream, signing keys, the proxy app, the MCP handler (demo or gateway),
// one structured log line per request, and /healthz. Used by the CLI, the tests, the benchmarks and the demo.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Logger } from 'pino';
import { createOAuthProxy, type OAuthProxy } from '../app.ts';
import type { JsonWebKeyWithKid, McpHandler, ProxyOptions, SigningOptions } from '../options.ts';
import { createDemoMcpHandler, createGatewayHandler, createNodeHttpFetch } from '../resource/index.ts';
import { createStore } from '../storage/index.ts';
import { createUpstream, upstreamConfigFromEnv } from '../upstream/index.ts';
import { ConfigError, type ServerConfig } from './config.ts';
import { createLogger, requestIdFor } from './logger.ts';

export interface RunningProxy {
  /** Where it listens, e.g. http://127.0.0.1:8080 */
  url: string;
  issuer: string;
  /** The protected MCP endpoint (the RFC 9728 resource identifier). */
  resource: string;
  proxy: OAuthProxy;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Called once per dev-default that a production deployment must not keep. */
  onWarning?: (message: string) => void;
}

export async function startProxyServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningProxy> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const warn = options.onWarning ?? ((message: string) => logger.warn(message));

  const signing = signingFromConfig(config, warn);
  const rootSecret = signing.kind === 'secret' ? signing.secret : undefined;
  const encryptionKey = config.encryptionKey ?? rootSecret;
  if (encryptionKey === undefined) {
    throw new ConfigError(
      'PROXY_ENCRYPTION_KEY is required with PROXY_JWKS_FILE (upstream tokens are encrypted at rest)',
    );
  }
  const cookieSecret = config.cookieSecret ?? rootSecret;
  if (cookieSecret === undefined) throw new ConfigError('PROXY_COOKIE_SECRET is required with PROXY_JWKS_FILE');
  if (config.storage === 'memory') {
    warn('PROXY_STORAGE=memory: clients and grants are lost on restart and not shared between instances');
  }
  if (config.consent === 'off') {
    warn('PROXY_CONSENT=off: no consent screen; any registered client gets tokens (confused deputy risk)');
  }

  const upstream = await createUpstream(upstreamConfigFromEnv(config.upstreamEnv));
  const store = await createStore(config.storage, { encryptionSecrets: [encryptionKey] });

  // Listen first: with port 0 and no PROXY_BASE_URL the issuer is only known once the port is.
  const route: { handler?: (request: Request) => Promise<Response> } = {};
  const server = await listen(config, (request) => (route.handler ? route.handler(request) : unavailable()));
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  const baseUrl = config.baseUrl ?? url;

  const mcpHandler: McpHandler = config.mcpUpstream
    ? createGatewayHandler({ backendUrl: config.mcpUpstream, fetch: createNodeHttpFetch() })
    : createDemoMcpHandler({ upstream });
  const proxyOptions: ProxyOptions & { mcpHandler: McpHandler } = {
    baseUrl,
    mcpPath: config.mcpPath,
    upstream,
    store,
    signing,
    cookieSecret,
    allowedRedirectUris: config.allowedRedirectUris,
    consent: config.consent,
    scopesSupported: config.scopes,
    trustProxyHeaders: config.trustProxyHeaders,
    logger,
    mcpHandler,
    ...(config.accessTokenTtlSeconds !== undefined ? { accessTokenTtlSeconds: config.accessTokenTtlSeconds } : {}),
    ...(config.refreshTokenTtlSeconds !== undefined ? { refreshTokenTtlSeconds: config.refreshTokenTtlSeconds } : {}),
    ...(config.refreshGraceSeconds !== undefined ? { refreshGraceSeconds: config.refreshGraceSeconds } : {}),
    ...(config.registrationRateLimitPerMinute !== undefined
      ? { registrationRateLimitPerMinute: config.registrationRateLimitPerMinute }
      : {}),
  };
  let proxy: OAuthProxy;
  try {
    proxy = await createOAuthProxy(proxyOptions);
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
    throw error;
  }
  route.handler = withRequestLog(proxy.fetch, logger);

  return {
    url,
    issuer: proxy.issuer,
    resource: proxy.resource,
    proxy,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await proxy.close();
      await store.close();
    },
  };
}

function signingFromConfig(config: ServerConfig, warn: (message: string) => void): SigningOptions {
  if (config.jwksFile !== undefined) {
    let parsed: { keys?: JsonWebKeyWithKid[] };
    try {
      parsed = JSON.parse(readFileSync(config.jwksFile, 'utf8')) as { keys?: JsonWebKeyWithKid[] };
    } catch (error) {
      throw new ConfigError(`PROXY_JWKS_FILE ${config.jwksFile}: ${(error as Error).message}`);
    }
    if (!Array.isArray(parsed.keys) || parsed.keys.length === 0) {
      throw new ConfigError(`PROXY_JWKS_FILE ${config.jwksFile} must hold {"keys": [private JWK, …]}`);
    }
    return { kind: 'jwks', keys: parsed.keys };
  }
  if (config.signingKey !== undefined) return { kind: 'secret', secret: config.signingKey };
  warn(
    'PROXY_SIGNING_KEY unset: using a random development key; tokens die with this process and other instances reject them',
  );
  return { kind: 'secret', secret: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url') };
}

function listen(config: ServerConfig, fetch: (request: Request) => Promise<Response>): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: config.port, hostname: config.host }, () => resolve(server));
    server.once('error', reject);
  });
}

function unavailable(): Promise<Response> {
  return Promise.resolve(Response.json({ error: 'temporarily_unavailable' }, { status: 503 }));
}

/** One structured line per request: id, method, path (never the query), status, duration. Plus /healthz. */
function withRequestLog(fetch: (request: Request) => Promise<Response>, logger: Logger) {
  return async (request: Request): Promise<Response> => {
    const started = performance.now();
    const id = requestIdFor(request);
    const path = new URL(request.url).pathname;
    if (path === '/healthz') return Response.json({ status: 'ok' });
    let response: Response;
    try {
      response = await fetch(request);
    } catch (error) {
      logger.error({ id, err: error }, 'unhandled error');
      response = Response.json({ error: 'server_error' }, { status: 500, headers: { 'cache-control': 'no-store' } });
    }
    logger.info(
      {
        id,
        method: request.method,
        path,
        status: response.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      'request',
    );
    try {
      response.headers.set('x-request-id', id);
      return response;
    } catch {
      // Responses passed through from fetch() have immutable headers.
      const headers = new Headers(response.headers);
      headers.set('x-request-id', id);
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }
  };
}
