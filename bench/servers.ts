// The servers under load, in their own process so that autocannon (in the parent) never shares their event loop.
// `node --import tsx bench/servers.ts <scenario>` starts every side of one comparison, prints one JSON ready line
// {"event":"ready","targets":{side: LoadTarget}} on stdout, and stops when stdin closes or on SIGTERM.
//
// Scenarios:
// - mcp:     bare (node:http answering the tools/list bytes), off (the proxy's MCP route and demo handler with a
//            fixed AuthInfo, no bearer check), on (the proxy app: bearer check + the same handler), full (the
//            standalone server: on + its one structured log line per request).
// - mcp-backend: direct, the minimal MCP backend (bench/lib/backend-mcp-server.ts) alone, for gateway-backend.
// - gateway-backend: gateway (the standalone server with PROXY_MCP_UPSTREAM = BENCH_BACKEND_URL), web (a
//            web-standard forwarder on the same adapter and HTTP client, no checks), forwarder (a bare node:http
//            keep-alive forwarder), all to BENCH_BACKEND_URL, a backend in a process of its own (the mcp-backend
//            scenario's, or server-everything: then the targets carry no MCP session, the benchmark adds the one it
//            opened).
// - sse:     gateway and direct for an SSE backend stamping its first event (the first byte's delay).
// - bytes:   bare node:http servers, one per entry of BENCH_ANSWERS (JSON {side: {body, contentType}}), each
//            answering its bytes to any request (the peers benchmark's "bare" side before every proxy).
// - refresh: proxy (the standalone server, memory storage, in front of the github mock) and oidc (a plain
//            oidc-provider 9, memory adapter, a public client with rotating refresh tokens); the targets are their
//            token endpoints, and each side's base URL for the code flows that start its refresh-token chains.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { requestIdFor } from '../proxy/http/request-id.ts';
import type { AuthInfo } from '../proxy/resource/auth-info.ts';
import { createDemoMcpHandler } from '../proxy/resource/demo-mcp-server.ts';
import { addCorsHeaders, corsPreflight } from '../proxy/resource/mcp/cors.ts';
import { createUpstream, upstreamConfigFromEnv } from '../proxy/upstream/index.ts';
import { generateJwks } from '../proxy/server/generate-jwks.ts';
import { listenOnLoopback } from '../testkit/loopback-server.ts';
import { startRedisServer } from '../testkit/redis-server.ts';
import { startBackendMcpServer } from './lib/backend-mcp-server.ts';
import { startBareForwarder, startSseBackend, startWebForwarder } from './lib/forwarders.ts';
import { startOidcRefreshProvider } from './lib/oidc-refresh-provider.ts';
import { percentile, type LoadTarget } from './lib/load.ts';
import { probe, toolsListTarget } from './lib/mcp-request.ts';
import { serveFetch, startProxyStack, type Listening } from './lib/proxy-stack.ts';

type Scenario = 'mcp' | 'mcp-backend' | 'gateway-backend' | 'bytes' | 'sse' | 'refresh';

interface Started {
  targets: Record<string, LoadTarget>;
  /** Measured in the scenario's own process before any load (the mcp scenario: the bearer check's CPU per call). */
  measured?: Record<string, number>;
  close(): Promise<void>;
}

/**
 * The proxy's key and storage for the mcp scenario: BENCH_KEY hs256 (default) | es256 | eddsa, BENCH_STORAGE memory
 * (default) | redis (a redis-server of its own on loopback), BENCH_PROXY_ENV (JSON) any further settings.
 */
async function mcpScenarioEnv(closers: Array<() => Promise<void>>): Promise<Record<string, string>> {
  const env: Record<string, string> = JSON.parse(process.env.BENCH_PROXY_ENV ?? '{}') as Record<string, string>;
  const key = process.env.BENCH_KEY ?? 'hs256';
  if (key === 'es256' || key === 'eddsa') {
    const directory = mkdtempSync(join(tmpdir(), 'bench-jwks-'));
    closers.push(async () => rmSync(directory, { recursive: true, force: true }));
    const file = join(directory, 'jwks.json');
    writeFileSync(file, JSON.stringify(await generateJwks(key === 'es256' ? 'ES256' : 'EdDSA')));
    Object.assign(env, {
      PROXY_JWKS_FILE: file,
      PROXY_ENCRYPTION_KEY: 'bench-encryption-key-0123456789abcdef0123456789',
      PROXY_COOKIE_SECRET: 'bench-cookie-secret-0123456789abcdef0123456789',
    });
  } else if (key !== 'hs256') {
    throw new Error(`BENCH_KEY must be hs256, es256 or eddsa, got ${key}`);
  }
  if (process.env.BENCH_STORAGE === 'redis') {
    const redis = await startRedisServer();
    closers.push(() => redis.stop());
    env.PROXY_STORAGE = redis.url;
  }
  return env;
}

async function startMcpScenario(): Promise<Started> {
  const closers: Array<() => Promise<void>> = [];
  let stack;
  try {
    stack = await startProxyStack(await mcpScenarioEnv(closers));
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
  closers.push(() => stack.close());
  try {
    const full = toolsListTarget(stack.proxy.resource, stack.accessToken);

    // The proxy app itself, without the standalone server's request-log wrapper.
    const onServer = await serveFetch(stack.proxy.proxy.fetch);
    closers.push(onServer.close);
    const on = toolsListTarget(`${onServer.url}/mcp`, stack.accessToken);

    // The same middleware chain and handler with the AuthInfo the bearer check produced once, fixed.
    const auth = await stack.proxy.proxy.verifyBearer(
      new Request(full.url, { method: 'POST', headers: full.headers, body: full.body ?? null }),
    );
    const offServer = await serveFetch(bearerOffApp(stack.proxy.proxy.resource, auth, stack.idp.proxyEnv).fetch);
    closers.push(offServer.close);
    const off = toolsListTarget(`${offServer.url}/mcp`);

    // The exact bytes the proxy answers, from a bare node:http server.
    const answer = await probe(on);
    const bare = await serveBytes(answer.body, answer.contentType);
    closers.push(bare.close);

    const targets = { bare: toolsListTarget(`${bare.url}/mcp`), off, on, full };
    for (const target of Object.values(targets)) await probe(target);
    const measured = await bearerCheckCpu(stack.proxy.proxy, on);
    return { targets, measured, close: () => closeAll(closers) };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

async function startMcpBackendScenario(): Promise<Started> {
  const backend = await startBackendMcpServer();
  try {
    const targets = { direct: toolsListTarget(backend.url) };
    await probe(targets.direct);
    return { targets, close: () => backend.close() };
  } catch (error) {
    await backend.close();
    throw error;
  }
}

/**
 * The gateway, the web-standard and the bare forwarder in front of a backend running elsewhere (BENCH_BACKEND_URL):
 * the minimal backend of the mcp-backend scenario, or server-everything.
 */
async function startGatewayBackendScenario(): Promise<Started> {
  const backendUrl = process.env.BENCH_BACKEND_URL;
  if (backendUrl === undefined) throw new Error('BENCH_BACKEND_URL is required');
  const closers: Array<() => Promise<void>> = [];
  try {
    const stack = await startProxyStack({ PROXY_MCP_UPSTREAM: backendUrl });
    closers.push(() => stack.close());
    const web = await startWebForwarder(backendUrl);
    closers.push(() => web.close());
    const forwarder = await startBareForwarder(backendUrl);
    closers.push(() => forwarder.close());
    const path = new URL(backendUrl).pathname;
    const targets = {
      gateway: toolsListTarget(stack.proxy.resource, stack.accessToken),
      web: toolsListTarget(`${web.url}${path}`),
      forwarder: toolsListTarget(`${forwarder.url}${path}`),
    };
    return { targets, close: () => closeAll(closers) };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

/** An SSE backend and the standalone server in front of it (gateway mode), for the first byte's delay. */
async function startSseScenario(): Promise<Started> {
  const backend = await startSseBackend();
  try {
    const stack = await startProxyStack({ PROXY_MCP_UPSTREAM: `${backend.url}/mcp` });
    const targets = {
      gateway: toolsListTarget(stack.proxy.resource, stack.accessToken),
      direct: toolsListTarget(`${backend.url}/mcp`),
    };
    return { targets, close: () => closeAll([() => stack.close(), () => backend.close()]) };
  } catch (error) {
    await backend.close();
    throw error;
  }
}

/**
 * The two token endpoints of the refresh benchmark. Nothing is sent here: every refresh-token chain starts with a code
 * flow the parent runs, outside the measured rounds.
 */
async function startRefreshScenario(): Promise<Started> {
  const stack = await startProxyStack({ PROXY_STORAGE: 'memory' });
  try {
    const oidc = await startOidcRefreshProvider();
    const tokenTarget = (base: string): LoadTarget => ({ url: `${base}/token`, method: 'POST', headers: {} });
    return {
      targets: { proxy: tokenTarget(stack.proxy.url), oidc: tokenTarget(oidc.url) },
      close: () => closeAll([() => stack.close(), () => oidc.close()]),
    };
  } catch (error) {
    await stack.close();
    throw error;
  }
}

/** One bare node:http server per answer; targets carry only the URL (the parent adds the side's own request). */
async function startBytesScenario(): Promise<Started> {
  const answers = JSON.parse(process.env.BENCH_ANSWERS ?? '{}') as Record<
    string,
    { body: string; contentType: string }
  >;
  const closers: Array<() => Promise<void>> = [];
  const targets: Record<string, LoadTarget> = {};
  for (const [side, answer] of Object.entries(answers)) {
    const server = await serveBytes(answer.body, answer.contentType);
    closers.push(server.close);
    targets[side] = { url: `${server.url}/mcp`, method: 'POST', headers: {} };
  }
  return { targets, close: () => closeAll(closers) };
}

/**
 * The bearer check's own CPU per call, in µs, as the MCP route runs it: the proxy's public verifyBearer on the
 * scenario's request, minus what that function does first and the app's middleware does for every request before
 * any route (`requestIdFor`: the first read of the request's headers, which builds them, and a random UUID). Both
 * are called in loops in this process on fresh requests built beforehand, taking turns, the median of 7 rounds of
 * 20,000 calls each (a single round moves by a microsecond with a garbage collection in it). The request's context,
 * which the middleware also makes, stays counted.
 */
export type BearerCheckCpu = { bearerCheckUs: number; verifyBearerUs: number; requestIdUs: number };

async function bearerCheckCpu(
  proxy: { verifyBearer(request: Request): Promise<unknown> },
  target: LoadTarget,
): Promise<BearerCheckCpu> {
  const requests = (n: number): Request[] =>
    Array.from({ length: n }, () => new Request(target.url, { method: 'POST', headers: target.headers, body: null }));
  const verify = async (calls: Request[]): Promise<void> => {
    for (const request of calls) await proxy.verifyBearer(request);
  };
  const requestId = (calls: Request[]): void => {
    for (const request of calls) requestIdFor(request);
  };
  /** CPU per call of one round of 20,000 calls on fresh requests. */
  const perCall = async (loop: (calls: Request[]) => Promise<void> | void): Promise<number> => {
    const calls = requests(20_000);
    const before = process.cpuUsage();
    await loop(calls);
    const used = process.cpuUsage(before);
    return (used.user + used.system) / calls.length;
  };
  await verify(requests(2_000)); // warm-up: JIT, the grant cache
  requestId(requests(2_000));
  const verifyRounds: number[] = [];
  const requestIdRounds: number[] = [];
  for (let round = 0; round < 7; round += 1) {
    if (round % 2 === 1) requestIdRounds.push(await perCall(requestId));
    verifyRounds.push(await perCall(verify));
    if (round % 2 === 0) requestIdRounds.push(await perCall(requestId));
  }
  const verifyBearerUs = percentile(verifyRounds, 50);
  const requestIdUs = percentile(requestIdRounds, 50);
  return { bearerCheckUs: verifyBearerUs - requestIdUs, verifyBearerUs, requestIdUs };
}

/**
 * The bearer-off side: the proxy app's MCP route (request id, the MCP CORS policy, the demo handler) with the check
 * replaced by a fixed AuthInfo. Built here from the same modules, so production code has no switch to turn auth off.
 */
function bearerOffApp(resource: string, auth: AuthInfo, upstreamEnv: Record<string, string>): { fetch: Hono['fetch'] } {
  const mcpPath = new URL(resource).pathname;
  const upstream = createUpstream(upstreamConfigFromEnv(upstreamEnv));
  const app = new Hono<{ Variables: { requestId: string } }>();
  app.use('*', async (c, next) => {
    c.set('requestId', crypto.randomUUID());
    await next();
  });
  app.use(mcpPath, async (c, next) => {
    if (c.req.method === 'OPTIONS') return corsPreflight(c.req.raw);
    await next();
    addCorsHeaders(c.res.headers);
    return undefined;
  });
  let handler: ((request: Request, auth: AuthInfo) => Promise<Response>) | undefined;
  app.all(mcpPath, async (c) => {
    handler ??= createDemoMcpHandler({ upstream: await upstream });
    return handler(c.req.raw, auth);
  });
  return { fetch: app.fetch };
}

function serveBytes(body: string, contentType: string): Promise<Listening> {
  const bytes = Buffer.from(body);
  return listenOnLoopback((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': contentType, 'content-length': bytes.length });
      res.end(bytes);
    });
  });
}

async function closeAll(closers: Array<() => Promise<void>>): Promise<void> {
  for (const close of closers.reverse()) await close().catch(() => undefined);
}

async function main(): Promise<void> {
  const scenario = process.argv[2] as Scenario | undefined;
  const starters: Record<Scenario, () => Promise<Started>> = {
    mcp: startMcpScenario,
    'mcp-backend': startMcpBackendScenario,
    'gateway-backend': startGatewayBackendScenario,
    bytes: startBytesScenario,
    sse: startSseScenario,
    refresh: startRefreshScenario,
  };
  if (scenario === undefined || !(scenario in starters)) {
    process.stderr.write(`usage: servers.ts ${Object.keys(starters).join('|')}\n`);
    process.exit(2);
  }
  const started = await starters[scenario]();
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    started.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  const ready = { event: 'ready', scenario, pid: process.pid, targets: started.targets, measured: started.measured };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

await main();
