// Gateway overhead: tools/list through the standalone proxy with PROXY_MCP_UPSTREAM (bearer check, identity
// headers, one request to the backend) against the same backend MCP server called directly, for two backends, each in
// a process of its own: the minimal SDK server (bench/lib/backend-mcp-server.ts) and server-everything. The gateway
// and the two baseline forwarders share one child, which the direct side leaves idle: a side's CPU per request in
// that child is its forwarding cost, with no backend work to subtract. Throughput is compared at full load; CPU per
// request at one fixed rate for every forwarding side, since at full load a side that answers later serves fewer
// requests per wake-up of its event loop and pays more per request for that alone.
import type { BenchContext } from '../lib/context.ts';
import { spawnServers } from '../lib/child.ts';
import { Agent, request as httpRequest } from 'node:http';
import { SSE_FIRST_EVENT_DELAY_MS } from '../lib/forwarders.ts';
import {
  alternate,
  loadRound,
  percentile,
  type LoadTarget,
  type RoundResult,
  type RoundRunner,
  type SideResult,
} from '../lib/load.ts';
import { figure, type Figure } from '../lib/report.ts';
import { INITIALIZE_BODY, MCP_PROTOCOL_VERSION, mcpHeaders, probe, toolsListTarget } from '../lib/mcp-request.ts';
import { startEverythingServer } from '../../testkit/everything-server.ts';
import { describeRound } from './mcp.ts';

type Side = 'gateway' | 'web' | 'forwarder' | 'direct';
type ForwardingSide = Exclude<Side, 'direct'>;

/** The sides at full load, and the forwarding sides' CPU per request at one fixed rate. */
interface Comparison {
  full: Record<Side, SideResult>;
  atRate: Record<ForwardingSide, SideResult>;
  /** Requests per second of the fixed-rate rounds. */
  rate: number;
}

/**
 * The fixed rate: this share of the slowest side's full-load throughput, the backend called directly included, which
 * every side can hold without queueing at the backend (server-everything is slower than any forwarder in front of it).
 */
const FIXED_RATE_SHARE = 0.7;

export async function runGatewayBenchmark(ctx: BenchContext): Promise<Figure[]> {
  return [...(await minimalBackend(ctx)), ...(await everythingBackend(ctx)), ...(await sseFirstByte(ctx))];
}

/** In front of the minimal SDK server, stateless, JSON answers. */
async function minimalBackend(ctx: BenchContext): Promise<Figure[]> {
  const backend = await spawnServers<{ targets: { direct: LoadTarget } }>('mcp-backend');
  try {
    const r = await compareSides(ctx, 'gateway', backend.ready.targets.direct, {});
    const figures = sideFigures(r, { id: 'gateway', backend: 'minimal SDK backend', direct: 'backend direct' });
    const { web, forwarder } = r.atRate;
    if (web.cpuUs !== undefined && forwarder.cpuUs !== undefined) {
      figures.push(
        figure({
          id: 'gateway.forward.web.cpu',
          benchmark: 'gateway',
          name: 'gateway: CPU per forwarded request, web-standard forwarder (no checks) vs bare keep-alive forwarder',
          unit: 'µs',
          value: web.cpuUs,
          baseline: { name: 'bare node:http forwarder', value: forwarder.cpuUs },
          note:
            `at ${r.rate} req/s for each side; the cost of the web-standard handler interface alone (web Request and ` +
            "Response on the node-server adapter, the gateway's node:http client); gateway.forward.cpu minus this is " +
            "the proxy's own work",
        }),
      );
    }
    return figures;
  } finally {
    await backend.stop();
  }
}

/**
 * The same comparison in front of @modelcontextprotocol/server-everything over Streamable HTTP: a real MCP server
 * with sessions, answering `tools/list` as an event stream (the gateway's streaming path). One session is opened
 * directly and every side's requests carry it.
 */
async function everythingBackend(ctx: BenchContext): Promise<Figure[]> {
  const backend = await startEverythingServer();
  try {
    const session = await openSession(backend.url);
    const r = await compareSides(ctx, 'gateway (server-everything)', toolsListTarget(backend.url), session);
    return sideFigures(r, {
      id: 'gateway.everything',
      backend: 'server-everything backend (event-stream answers)',
      direct: 'server-everything direct',
    });
  } finally {
    await backend.close();
  }
}

/**
 * Throughput against direct and p99 at full load, and CPU per forward against the bare forwarder at the fixed rate:
 * `<id>.rps`, `.p99`, `.forward.cpu`.
 */
function sideFigures(r: Comparison, names: { id: string; backend: string; direct: string }): Figure[] {
  const { full, atRate } = r;
  const figures = [
    figure({
      id: `${names.id}.rps`,
      benchmark: 'gateway',
      name: `gateway: tools/list via PROXY_MCP_UPSTREAM, ${names.backend}`,
      unit: 'req/s',
      value: full.gateway.rps,
      baseline: { name: names.direct, value: full.direct.rps },
      goal: { on: 'ratio', op: '>=', target: 0.8 },
      note: `bare forwarder ${full.forwarder.rps.toFixed(0)} req/s, web-standard forwarder ${full.web.rps.toFixed(0)} req/s`,
    }),
    figure({
      id: `${names.id}.p99`,
      benchmark: 'gateway',
      name: `gateway: p99 latency, ${names.backend}`,
      unit: 'ms',
      value: full.gateway.p99,
      baseline: { name: names.direct, value: full.direct.p99 },
    }),
  ];
  if (atRate.gateway.cpuUs !== undefined && atRate.forwarder.cpuUs !== undefined) {
    const atFullLoad =
      full.gateway.cpuUs !== undefined && full.forwarder.cpuUs !== undefined
        ? `; at full load ${full.gateway.cpuUs.toFixed(0)} against ${full.forwarder.cpuUs.toFixed(0)} µs ` +
          `(${(full.gateway.cpuUs / full.forwarder.cpuUs).toFixed(2)})`
        : '';
    figures.push(
      figure({
        id: `${names.id}.forward.cpu`,
        benchmark: 'gateway',
        name: `gateway: CPU per forwarded request, ${names.backend}, proxy vs bare keep-alive forwarder`,
        unit: 'µs',
        value: atRate.gateway.cpuUs,
        baseline: { name: 'bare node:http forwarder', value: atRate.forwarder.cpuUs },
        goal: { on: 'ratio', op: '<=', target: 1.3 },
        note:
          `at ${r.rate} req/s for each side, the backend in its own process` +
          (atRate.web.cpuUs === undefined
            ? ''
            : `; web-standard forwarder (no checks) ${atRate.web.cpuUs.toFixed(0)} µs`) +
          atFullLoad,
      }),
    );
  }
  return figures;
}

/**
 * The gateway, the two forwarders (in one child) and the backend called directly, in turns at full load; then the
 * three forwarding sides in turns at one fixed rate. `headers` (an MCP session) go with every side's requests. CPU per
 * request is the forwarders' child's.
 */
async function compareSides(
  ctx: BenchContext,
  label: string,
  direct: LoadTarget,
  headers: Record<string, string>,
): Promise<Comparison> {
  const servers = await spawnServers<{ targets: Record<ForwardingSide, LoadTarget> }>('gateway-backend', {
    BENCH_BACKEND_URL: direct.url,
  });
  try {
    const withHeaders = (target: LoadTarget): LoadTarget => ({ ...target, headers: { ...target.headers, ...headers } });
    const forwarding: Record<ForwardingSide, LoadTarget> = {
      gateway: withHeaders(servers.ready.targets.gateway),
      web: withHeaders(servers.ready.targets.web),
      forwarder: withHeaders(servers.ready.targets.forwarder),
    };
    const targets: Record<Side, LoadTarget> = { ...forwarding, direct: withHeaders(direct) };
    for (const target of Object.values(targets)) await probe(target);
    const pid = servers.child.pid;
    const onRound = (side: string, round: number, result: RoundResult): void =>
      ctx.log(`  ${label} ${side} round ${round + 1}: ${describeRound(result)}`);
    ctx.log(`${label}: gateway web forwarder direct × ${ctx.load.rounds} rounds of ${ctx.load.roundSeconds} s`);
    const full = await alternate(targets, ctx.load, onRound, pid);
    const rate = Math.max(1, Math.floor(FIXED_RATE_SHARE * Math.min(...Object.values(full).map((side) => side.rps))));
    const atRateOf =
      (target: LoadTarget): RoundRunner =>
      (options) =>
        loadRound(target, { ...options, rate });
    const rounds = ctx.quick ? ctx.load.rounds : 5;
    ctx.log(`${label}: gateway web forwarder at ${rate} req/s × ${rounds} rounds of ${ctx.load.roundSeconds} s`);
    const atRate = await alternate(
      {
        gateway: atRateOf(forwarding.gateway),
        web: atRateOf(forwarding.web),
        forwarder: atRateOf(forwarding.forwarder),
      },
      { ...ctx.load, rounds, warmupSeconds: 0 },
      (side, round, result) => onRound(`${side} at ${rate} req/s`, round, result),
      pid,
    );
    return { full, atRate, rate };
  } finally {
    await servers.stop();
  }
}

/** Opens an MCP session at `url` (initialize, then notifications/initialized); the headers that carry it. */
async function openSession(url: string): Promise<Record<string, string>> {
  const initialize = await fetch(url, { method: 'POST', headers: mcpHeaders(), body: INITIALIZE_BODY });
  await initialize.text();
  const id = initialize.headers.get('mcp-session-id');
  if (initialize.status !== 200 || id === null) {
    throw new Error(`server-everything: initialize answered ${initialize.status} without a session`);
  }
  const session = { 'mcp-session-id': id, 'mcp-protocol-version': MCP_PROTOCOL_VERSION };
  const initialized = await fetch(url, {
    method: 'POST',
    headers: { ...mcpHeaders(), ...session },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  });
  await initialized.text();
  if (initialized.status !== 202) throw new Error(`server-everything: initialized answered ${initialized.status}`);
  return session;
}

/**
 * The first SSE event's delay through the gateway: the backend stamps the event with the monotonic time it wrote it;
 * the client takes the time its first body byte arrives. Sequential requests, gateway and direct in turns of 20;
 * value = the gateway's median delay minus the direct one's.
 */
async function sseFirstByte(ctx: BenchContext): Promise<Figure[]> {
  const servers = await spawnServers<{ targets: Record<'gateway' | 'direct', LoadTarget> }>('sse');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const delays: Record<'gateway' | 'direct', number[]> = { gateway: [], direct: [] };
    const turns = ctx.quick ? 2 : 10;
    for (let turn = 0; turn < turns; turn += 1) {
      for (const side of turn % 2 === 0 ? (['gateway', 'direct'] as const) : (['direct', 'gateway'] as const)) {
        for (let i = 0; i < 20; i += 1) delays[side].push(await firstEventDelayMs(servers.ready.targets[side], agent));
      }
    }
    const gateway = percentile(delays.gateway, 50);
    const direct = percentile(delays.direct, 50);
    ctx.log(
      `  sse first byte: gateway p50 ${gateway.toFixed(3)} ms p99 ${percentile(delays.gateway, 99).toFixed(3)} ms, ` +
        `direct p50 ${direct.toFixed(3)} ms p99 ${percentile(delays.direct, 99).toFixed(3)} ms`,
    );
    return [
      figure({
        id: 'gateway.sse.firstbyte',
        benchmark: 'gateway',
        name: 'gateway: SSE first event, delay added by the proxy (p50)',
        unit: 'ms',
        value: gateway - direct,
        goal: { on: 'value', op: '<=', target: 1 },
        note:
          `backend write → client's first body byte: through the proxy p50 ${gateway.toFixed(3)} / p99 ` +
          `${percentile(delays.gateway, 99).toFixed(3)} ms, direct ${direct.toFixed(3)} / ` +
          `${percentile(delays.direct, 99).toFixed(3)} ms; the result follows ${SSE_FIRST_EVENT_DELAY_MS} ms later`,
      }),
    ];
  } finally {
    agent.destroy();
    await servers.stop();
  }
}

/** One request; milliseconds from the backend's stamp to the first body chunk here (same monotonic clock). */
function firstEventDelayMs(target: LoadTarget, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(target.url);
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: target.headers, agent },
      (res) => {
        let first: { at: bigint; text: string } | undefined;
        res.on('data', (chunk: Buffer) => {
          first ??= { at: process.hrtime.bigint(), text: chunk.toString('utf8') };
        });
        res.on('end', () => {
          const stamp = first && /t0=(\d+)/.exec(first.text)?.[1];
          if (res.statusCode !== 200 || !first || !stamp) {
            reject(new Error(`${target.url}: ${res.statusCode}, no stamped first event: ${first?.text ?? ''}`));
            return;
          }
          resolve(Number(first.at - BigInt(stamp)) / 1e6);
        });
      },
    );
    req.on('error', reject);
    req.end(target.body);
  });
}
