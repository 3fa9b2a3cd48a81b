// The proxies under test: the standalone server exactly as `mcp-oauth-proxy` starts it, compiled (its one structured
// log line per request included, written to the null device), and a client that went through the whole HTTP flow for
// a token.
import { devNull } from 'node:os';
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.ts';
import type * as ServerModule from '../../proxy/server/index.ts';
import type { RunningProxy } from '../../proxy/server/start.ts';
import { runHttpFlow } from '../../testkit/http-flow.ts';

export const BENCH_SIGNING_KEY = 'bench-signing-key-0123456789abcdef0123456789';

export interface ProxyStack {
  idp: MockIdp;
  proxy: RunningProxy;
  /** An access token from a full HTTP-only flow against the github mock. */
  accessToken: string;
  close(): Promise<void>;
}

/** Environment for a benchmarked proxy: the mock's UPSTREAM_* settings, a fixed key, no registration rate limit. */
export function benchProxyEnv(idp: MockIdp, extra: Record<string, string> = {}): Record<string, string> {
  return { ...idp.proxyEnv, ...benchEnv(extra) };
}

function benchEnv(extra: Record<string, string>): Record<string, string> {
  return { PROXY_SIGNING_KEY: BENCH_SIGNING_KEY, PROXY_REGISTRATION_RATE_LIMIT: '0', ...extra };
}

/**
 * The package's compiled server (proxy/dist, which every bench run builds first), as the bin runs it: tsx's
 * transform of the sources wraps every function it creates in a naming helper that production never runs, about 1 %
 * of a forwarded request's CPU.
 */
async function compiledServer(): Promise<typeof ServerModule> {
  return (await import(new URL('../../proxy/dist/server/index.js', import.meta.url).href)) as typeof ServerModule;
}

/**
 * The standalone server in front of the github mock, logging at info to the null device through the destination it
 * writes stderr with when deployed (the cost of the line and of its write is kept).
 */
export async function startProxyStack(extraEnv: Record<string, string> = {}): Promise<ProxyStack> {
  const { createLogger, loadServerConfig, startProxyServer, turnBufferedDestination } = await compiledServer();
  const idp = await startMockIdp({ flavor: 'github' });
  let proxy: RunningProxy | undefined;
  const close = async (): Promise<void> => {
    await proxy?.close();
    await idp.close();
  };
  try {
    const config = loadServerConfig({ port: '0' }, benchProxyEnv(idp, extraEnv));
    proxy = await startProxyServer(config, { logger: createLogger('info', turnBufferedDestination(devNull)) });
    const client = await runHttpFlow(proxy.url, { flavor: 'github' });
    return { idp, proxy, accessToken: client.tokens.access_token, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface Listening {
  url: string;
  close(): Promise<void>;
}

export interface ServedFetch extends Listening {
  /** The node:http server, for instruments that listen to its requests. */
  server: ServerType;
}

/** Serves a web-standard handler on a free loopback port with the same adapter the proxy server uses. */
export function serveFetch(fetch: (request: Request) => Response | Promise<Response>): Promise<ServedFetch> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        server,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    server.once('error', reject);
  });
}
