// Gateway overhead: tools/list through the standalone proxy with PROXY_MCP_UPSTREAM (bearer check, identity
// headers, one request to the backend) against the same backend MCP server called directly, for two backends, each in
// a process of its own: the minimal SDK server (bench/lib/backend-mcp-server.ts) and server-everything. The gateway
// and the two baseline forwarders share one child, which the direct side leaves idle: a side's CPU per request in
// that child is its forwarding cost, with no backend work to subtract.
import type { BenchContext } from '../lib/context.ts';
import { spawnServers } from '../lib/child.ts';
import { Agent, request as httpRequest } from 'node:http';
import { SSE_FIRST_EVENT_DELAY_MS } from '../lib/forwarders.ts';
import { alternate, percentile, type LoadTarget, type SideResult } from '../lib/load.ts';
import { figure, type Figure } from '../lib/report.ts';
import { INITIALIZE_BODY, MCP_PROTOCOL_VERSION, mcpHeaders, probe, toolsListTarget } from '../lib/mcp-request.ts';
import { startEverythingServer } from '../../testkit/everything-server.ts';
import { describeRound } from './mcp.ts';

type Side = 'gateway' | 'web' | 'forwarder' | 'direct';

export async function runGatewayBenchmark(ctx: BenchContext): Promise<Figure[]> {
  return [...(await minimalBackend(ctx)), ...(await everythingBackend(ctx)), ...(await sseFirstByte(ctx))];
}

/** In front of the minimal SDK server, stateless, JSON answers. */
async function minimalBackend(ctx: BenchContext): Promise<Figure[]> {
  const backend = await spawnServers<{ targets: { direct: LoadTarget } }>('mcp-backend');
  try {
    const r = await compareSides(ctx, 'gateway', backend.ready.targets.direct, {});
    const figures = sideFigures(r, { id: 'gateway', backend: 'minimal SDK backend', direct: 'backend direct' });
    if (r.web.cpuUs !== undefined && r.forwarder.cpuUs !== undefined) {
      figures.push(
        figure({
          id: 'gateway.forward.web.cpu',
          benchmark: 'gateway',
          name: 'gateway: CPU per forwarded request, web-standard forwarder (no checks) vs bare keep-alive forwarder',
          unit: 'µs',
          value: r.web.cpuUs,
          baseline: { name: 'bare node:http forwarder', value: r.forwarder.cpuUs },
          note:
            'the cost of the web-standard handler interface alone (web Request and Response on the node-server ' +
            "adapter, the gateway's node:http client); gateway.forward.cpu minus this is the proxy's own work",
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

/** Throughput against direct, p99, and CPU per forward against the bare forwarder: `<id>.rps`, `.p99`, `.forward.cpu`. */
function sideFigures(r: Record<Side, SideResult>, names: { id: string; backend: string; direct: string }): Figure[] {
  const figures = [
    figure({
      id: `${names.id}.rps`,
      benchmark: 'gateway',
      name: `gateway: tools/list via PROXY_MCP_UPSTREAM, ${names.backend}`,
      unit: 'req/s',
      value: r.gateway.rps,
      baseline: { name: names.direct, value: r.direct.rps },
      goal: { on: 'ratio', op: '>=', target: 0.8 },
      note: `bare forwarder ${r.forwarder.rps.toFixed(0)} req/s, web-standard forwarder ${r.web.rps.toFixed(0)} req/s`,
    }),
    figure({
      id: `${names.id}.p99`,
      benchmark: 'gateway',
      name: `gateway: p99 latency, ${names.backend}`,
      unit: 'ms',
      value: r.gateway.p99,
      baseline: { name: names.direct, value: r.direct.p99 },
    }),
  ];
  if (r.gateway.cpuUs !== undefined && r.forwarder.cpuUs !== undefined) {
    figures.push(
      figure({
        id: `${names.id}.forward.cpu`,
        benchmark: 'gateway',
        name: `gateway: CPU per forwarded request, ${names.backend}, proxy vs bare keep-alive forwarder`,
        unit: 'µs',
        value: r.gateway.cpuUs,
        baseline: { name: 'bare node:http forwarder', value: r.forwarder.cpuUs },
        goal: { on: 'ratio', op: '<=', target: 1.3 },
        note:
          'the backend runs in its own process' +
          (r.web.cpuUs === undefined ? '' : `; web-standard forwarder (no checks) ${r.web.cpuUs.toFixed(0)} µs`),
      }),
    );
  }
  return figures;
}

/**
 * The gateway, the two forwarders (in one child) and the backend called directly, in turns; `headers` (an MCP
 * session) go with every side's requests. CPU per request is the forwarders' child's.
 */
async function compareSides(
  ctx: BenchContext,
  label: string,
  direct: LoadTarget,
  headers: Record<string, string>,
): Promise<Record<Side, SideResult>> {
  const servers = await spawnServers<{ targets: Record<Exclude<Side, 'direct'>, LoadTarget> }>('gateway-backend', {
    BENCH_BACKEND_URL: direct.url,
  });
  try {
    const withHeaders = (target: LoadTarget): LoadTarget => ({ ...target, headers: { ...target.headers, ...headers } });
    const { gateway, web, forwarder } = servers.ready.targets;
    const targets: Record<Side, LoadTarget> = {
      gateway: withHeaders(gateway),
      web: withHeaders(web),
      forwarder: withHeaders(forwarder),
      direct: withHeaders(direct),
    };
    for (const target of Object.values(targets)) await probe(target);
    ctx.log(`${label}: gateway web forwarder direct × ${ctx.load.rounds} rounds of ${ctx.load.roundSeconds} s`);
    return await alternate(
      targets,
      ctx.load,
      (side, round, result) => ctx.log(`  ${label} ${side} round ${round + 1}: ${describeRound(result)}`),
      servers.child.pid,
    );
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
