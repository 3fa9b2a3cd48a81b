// The proxy built from its modules the way proxy/server/start.ts builds it, except that every upstream call goes
// through a timing fetch and the handler is timed: what the flow benchmark needs to separate the proxy's own time
// from the time it waits on the IdP.
import { devNull } from 'node:os';
import { pino } from 'pino';
import { createOAuthProxy, type OAuthProxy } from '../../proxy/app.ts';
import { createDemoMcpHandler } from '../../proxy/resource/demo-mcp-server.ts';
import { loadServerConfig } from '../../proxy/server/config.ts';
import { createLogger } from '../../proxy/server/logger.ts';
import { createStore } from '../../proxy/storage/index.ts';
import { createUpstream } from '../../proxy/upstream/index.ts';
import { serveFetch } from './proxy-stack.ts';

export interface InstrumentedProxy {
  url: string;
  proxy: OAuthProxy;
  /** Milliseconds spent so far waiting on upstream calls (headers and body). */
  upstreamMs(): number;
  /** Milliseconds spent so far inside the proxy's handler, upstream waits included. */
  handlerMs(): number;
  /**
   * Milliseconds so far between node:http's `request` event (head parsed) and the response's `finish` (its last
   * byte handed to the socket), upstream waits included: the server's whole part of each exchange, the adapter's
   * Request and Response and the writes included; only the client and the loopback transfer are outside it.
   */
  serverMs(): number;
  /** Per `METHOD /path`: each request's handler time minus its upstream waits (valid for sequential requests). */
  ownMsByRoute(): Map<string, number[]>;
  close(): Promise<void>;
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export async function startInstrumentedProxy(env: Record<string, string>): Promise<InstrumentedProxy> {
  const config = loadServerConfig({ port: '0' }, env);
  const secret = config.server.signingKey;
  if (secret === undefined) throw new Error('the instrumented proxy needs PROXY_SIGNING_KEY');

  let upstreamMs = 0;
  const timingFetch: typeof fetch = async (input, init) => {
    const started = performance.now();
    try {
      const response = await fetch(input, init);
      // The body is read here so that its transfer counts as waiting on the upstream.
      const body = NULL_BODY_STATUSES.has(response.status) ? null : await response.arrayBuffer();
      return new Response(body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } finally {
      upstreamMs += performance.now() - started;
    }
  };

  const upstream = await createUpstream(config.upstream, { fetch: timingFetch });
  const store = await createStore(config.server.storage, { encryptionSecrets: [secret] });
  let handlerMs = 0;
  const byRoute = new Map<string, number[]>();
  const route: { fetch?: (request: Request) => Promise<Response> } = {};
  const listening = await serveFetch(async (request) => {
    const started = performance.now();
    const upstreamBefore = upstreamMs;
    try {
      return route.fetch ? await route.fetch(request) : new Response('starting', { status: 503 });
    } finally {
      const elapsed = performance.now() - started;
      handlerMs += elapsed;
      const key = `${request.method} ${new URL(request.url).pathname}`;
      const list = byRoute.get(key) ?? [];
      list.push(elapsed - (upstreamMs - upstreamBefore));
      byRoute.set(key, list);
    }
  });
  const proxy = await createOAuthProxy({
    ...config.proxy,
    baseUrl: listening.url,
    upstream,
    store,
    signing: { kind: 'secret', secret },
    cookieSecret: secret,
    registrationRateLimitPerMinute: 0,
    // As the server logs: one access line per request (and the flow's own lines) at info, to the null device.
    logger: createLogger('info', pino.destination({ dest: devNull, sync: true })),
    mcpHandler: createDemoMcpHandler({ upstream }),
  });
  route.fetch = proxy.fetch;
  let serverMs = 0;
  listening.server.prependListener('request', (_req, res) => {
    const started = performance.now();
    res.once('finish', () => (serverMs += performance.now() - started));
  });
  return {
    url: listening.url,
    proxy,
    upstreamMs: () => upstreamMs,
    handlerMs: () => handlerMs,
    serverMs: () => serverMs,
    ownMsByRoute: () => byRoute,
    async close() {
      await listening.close();
      await proxy.close();
    },
  };
}
