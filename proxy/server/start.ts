// Starts the standalone server: storage, upstream, signing keys, the proxy app, the MCP handler (demo or gateway),
// one structured log line per request, and /healthz. Used by the CLI, the tests, the benchmarks and the demo.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener, type ServerType } from '@hono/node-server';
import type { Logger } from 'pino';
import { createOAuthProxy, type OAuthProxy } from '../app.ts';
import { OptionError, tableWarnings } from '../options/option.ts';
import { PROXY_OPTIONS } from '../options/proxy-option-table.ts';
import type { JsonWebKeyWithKid, SigningOptions } from '../options/proxy-options.ts';
import { optionName } from '../options/read-options.ts';
import { SERVER_OPTIONS } from '../options/server-option-table.ts';
import type { McpHandler } from '../resource/auth-info.ts';
import { createDemoMcpHandler, createNodeGateway } from '../resource/index.ts';
import { createStore, StoreUnavailableError, type Store } from '../storage/index.ts';
import { createUpstream } from '../upstream/index.ts';
import { ConfigError, type ServerConfig } from './config.ts';
import { createLogger } from './logger.ts';

export interface RunningProxy {
  /** Where it listens, e.g. http://127.0.0.1:8080 */
  url: string;
  issuer: string;
  /** The protected MCP endpoint (the RFC 9728 resource identifier). */
  resource: string;
  proxy: OAuthProxy;
  /** Stops listening and closes the store; logs a shutdown line with `reason` (e.g. the signal). */
  close(reason?: string): Promise<void>;
}

export interface StartOptions {
  /** Default: JSON on stderr at the configured level. Warnings about development defaults go here too. */
  logger?: Logger;
}

export async function startProxyServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningProxy> {
  const { server: settings } = config;
  const logger = options.logger ?? createLogger(settings.logLevel);

  const signing = signingFromConfig(config);
  const rootSecret = signing.kind === 'secret' ? signing.secret : undefined;
  const encryptionKey = settings.encryptionKey ?? rootSecret;
  if (encryptionKey === undefined) {
    throw new ConfigError(
      'PROXY_ENCRYPTION_KEY (--encryption-key) is required with PROXY_JWKS_FILE: upstream tokens are encrypted at rest',
    );
  }
  const cookieSecret = config.proxy.cookieSecret ?? rootSecret;
  if (cookieSecret === undefined) {
    throw new ConfigError('PROXY_COOKIE_SECRET (--cookie-secret) is required with PROXY_JWKS_FILE');
  }

  const upstream = await createUpstream(config.upstream);
  const store = await openStore(settings.storage, encryptionKey);

  // Listen first: with port 0 and no PROXY_BASE_URL the issuer is only known once the port is.
  const route: {
    handler?: (request: Request) => Promise<Response>;
    node?: (req: IncomingMessage, res: ServerResponse) => boolean;
  } = {};
  let server: ServerType;
  try {
    server = await listen(
      settings,
      (request) => (route.handler ? route.handler(request) : unavailable()),
      (req, res) => route.node?.(req, res) ?? false,
    );
  } catch (error) {
    await store.close();
    throw listenFailure(settings, error);
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  const mcpHandler: McpHandler = settings.mcpUpstream
    ? createNodeGateway({ backendUrl: settings.mcpUpstream })
    : createDemoMcpHandler({ upstream });
  let proxy: OAuthProxy;
  try {
    proxy = await createOAuthProxy({
      ...config.proxy,
      baseUrl: config.proxy.baseUrl ?? url,
      cookieSecret,
      upstream,
      store,
      signing,
      logger,
      mcpHandler,
    });
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
    throw error instanceof OptionError ? new ConfigError(configMessage(error)) : error;
  }
  // After every setting was accepted (config errors come first), the development defaults still in force.
  for (const message of [...tableWarnings(SERVER_OPTIONS, settings), ...(signing.generated ? [DEV_SIGNING_KEY] : [])]) {
    logger.warn({ event: 'config-warning' }, message);
  }
  route.handler = withHealthCheck(proxy.fetch);
  route.node = proxy.handleNode;

  return {
    url,
    issuer: proxy.issuer,
    resource: proxy.resource,
    proxy,
    async close(reason = 'close') {
      logger.info({ event: 'shutdown', reason }, `shutting down (${reason})`);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await proxy.close();
      await store.close();
    },
  };
}

const DEV_SIGNING_KEY =
  'PROXY_SIGNING_KEY unset: using a random development key; tokens die with this process and other instances reject them';

/** A library option error, named the way an operator set it: `PROXY_BASE_URL (--base-url) must …`. */
function configMessage(error: OptionError): string {
  const spec = (PROXY_OPTIONS as Record<string, { env: string; flag: string } | undefined>)[error.option];
  return spec ? `${optionName(spec)} ${error.problem}` : error.message;
}

/** Opens the store; failures name PROXY_STORAGE and say whether Redis refused or did not answer. */
async function openStore(spec: string, encryptionKey: string): Promise<Store> {
  try {
    return await createStore(spec, { encryptionSecrets: [encryptionKey] });
  } catch (error) {
    throw new ConfigError(`PROXY_STORAGE (--storage): ${storageProblem(spec, error)}`);
  }
}

function storageProblem(spec: string, error: unknown): string {
  if (!(error instanceof StoreUnavailableError)) return (error as Error).message;
  let where = 'Redis';
  try {
    const url = new URL(spec);
    where = `Redis at ${url.hostname}:${url.port || '6379'}`;
  } catch {
    // the spec was checked when it was read; keep the generic name
  }
  const code = (error.cause as { code?: string } | undefined)?.code;
  if (code === 'ECONNREFUSED') return `${where} refused the connection (is redis-server running?)`;
  if (/timed out/i.test(error.message)) return `${where} did not answer in time (${error.message})`;
  return `cannot use ${where}: ${error.message}`;
}

function listenFailure(settings: ServerConfig['server'], error: unknown): Error {
  const code = (error as { code?: string }).code;
  if (code === 'EADDRINUSE') {
    return new ConfigError(`PORT (--port) ${settings.port} on ${settings.host} is already in use`);
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new ConfigError(`HOST (--host) ${settings.host} is not an address of this machine`);
  }
  return error as Error;
}

function signingFromConfig(config: ServerConfig): SigningOptions & { generated?: boolean } {
  const { jwksFile, signingKey } = config.server;
  if (jwksFile !== undefined) {
    let parsed: { keys?: JsonWebKeyWithKid[] };
    try {
      parsed = JSON.parse(readFileSync(jwksFile, 'utf8')) as { keys?: JsonWebKeyWithKid[] };
    } catch (error) {
      throw new ConfigError(`PROXY_JWKS_FILE (--jwks-file) ${jwksFile}: ${(error as Error).message}`);
    }
    if (!Array.isArray(parsed.keys) || parsed.keys.length === 0) {
      throw new ConfigError(`PROXY_JWKS_FILE (--jwks-file) ${jwksFile} must hold {"keys": [private JWK, …]}`);
    }
    return { kind: 'jwks', keys: parsed.keys };
  }
  if (signingKey !== undefined) return { kind: 'secret', secret: signingKey };
  const secret = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
  return { kind: 'secret', secret, generated: true };
}

/**
 * Listens with the node-server adapter, behind `node`: requests it serves on Node's own objects (the gateway's MCP
 * route) never become web Requests; the rest go to `fetch`.
 */
function listen(
  settings: ServerConfig['server'],
  fetch: (request: Request) => Promise<Response>,
  node: (req: IncomingMessage, res: ServerResponse) => boolean,
): Promise<ServerType> {
  const adapter = getRequestListener(fetch, { hostname: settings.host });
  return new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      if (!node(req, res)) void adapter(req, res);
    });
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => resolve(server));
  });
}

function unavailable(): Promise<Response> {
  return Promise.resolve(Response.json({ error: 'temporarily_unavailable' }, { status: 503 }));
}

/** `/healthz` for load balancers and orchestrators: answered before the proxy, never logged. */
function withHealthCheck(fetch: (request: Request) => Promise<Response>) {
  return (request: Request): Promise<Response> => {
    if (new URL(request.url).pathname === '/healthz') return Promise.resolve(Response.json({ status: 'ok' }));
    return fetch(request);
  };
}
