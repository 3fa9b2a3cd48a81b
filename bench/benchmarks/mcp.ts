// Bearer check overhead and end-to-end protected MCP throughput: tools/list against the four sides started by
// `servers.ts mcp`, alternated in one run. Each layer is reported against the one below it, so the table shows
// where the time goes: node:http → Hono route + demo MCP server (JSON-RPC) → bearer check → request log line.
import type { BenchContext } from '../lib/context.ts';
import { spawnServers } from '../lib/child.ts';
import { alternate, type LoadTarget, type RoundResult, type SideResult } from '../lib/load.ts';
import { figure, type Figure } from '../lib/report.ts';

type Side = 'bare' | 'off' | 'on' | 'full';

export async function runMcpBenchmarks(
  ctx: BenchContext,
  selected: { bearer: boolean; e2e: boolean },
): Promise<Figure[]> {
  const servers = await spawnServers<{ targets: Record<Side, LoadTarget> }>('mcp');
  try {
    const all = servers.ready.targets;
    const sides: Side[] = selected.e2e ? ['bare', 'off', 'on', 'full'] : ['off', 'on'];
    const targets = Object.fromEntries(sides.map((s) => [s, all[s]])) as Record<Side, LoadTarget>;
    ctx.log(`mcp: ${sides.join(' ')} × ${ctx.load.rounds} rounds of ${ctx.load.roundSeconds} s`);
    const r = await alternate(
      targets,
      ctx.load,
      (side, round, result) => ctx.log(`  ${side} round ${round + 1}: ${describeRound(result)}`),
      servers.child.pid,
    );
    const figures: Figure[] = [];
    if (selected.bearer) {
      figures.push(
        figure({
          id: 'bearer.rps',
          benchmark: 'bearer',
          name: 'bearer check: tools/list, check on vs off',
          unit: 'req/s',
          value: r.on.rps,
          baseline: { name: 'check off', value: r.off.rps },
          goal: { on: 'ratio', op: '>=', target: 0.9 },
          note: 'same Hono route and demo MCP handler; off = fixed AuthInfo instead of the check',
        }),
      );
      const cpu = cpuFigure('bearer.cpu', 'bearer', 'bearer check: server CPU per request', r.on, {
        name: 'check off',
        side: r.off,
      });
      if (cpu) figures.push(cpu);
    }
    if (selected.e2e) figures.push(...e2eFigures(r as Record<Side, SideResult>));
    return figures;
  } finally {
    await servers.stop();
  }
}

function e2eFigures(r: Record<Side, SideResult>): Figure[] {
  const bare = { name: 'bare node:http', value: r.bare.rps };
  return [
    figure({
      id: 'e2e.rps',
      benchmark: 'e2e',
      name: 'e2e: protected tools/list, standalone proxy',
      unit: 'req/s',
      value: r.full.rps,
      baseline: bare,
      note: 'bare node:http answers the same JSON bytes',
    }),
    figure({
      id: 'e2e.p99',
      benchmark: 'e2e',
      name: 'e2e: p99 latency, standalone proxy',
      unit: 'ms',
      value: r.full.p99,
      baseline: { name: 'bare node:http', value: r.bare.p99 },
      note: 'ratio is the latency multiple (higher is slower)',
    }),
    figure({
      id: 'e2e.p50',
      benchmark: 'e2e',
      name: 'e2e: p50 latency, standalone proxy',
      unit: 'ms',
      value: r.full.p50,
      baseline: { name: 'bare node:http', value: r.bare.p50 },
    }),
    ...[
      cpuFigure('e2e.cpu', 'e2e', 'e2e: server CPU per request, standalone proxy', r.full, {
        name: 'bare node:http',
        side: r.bare,
      }),
    ].filter((f): f is Figure => f !== undefined),
    figure({
      id: 'e2e.layer.mcp',
      benchmark: 'e2e',
      name: 'e2e layer: Hono + demo MCP server (no auth)',
      unit: 'req/s',
      value: r.off.rps,
      baseline: bare,
    }),
    figure({
      id: 'e2e.layer.bearer',
      benchmark: 'e2e',
      name: 'e2e layer: + bearer check',
      unit: 'req/s',
      value: r.on.rps,
      baseline: { name: 'no auth', value: r.off.rps },
    }),
    figure({
      id: 'e2e.layer.log',
      benchmark: 'e2e',
      name: 'e2e layer: + request log line (standalone)',
      unit: 'req/s',
      value: r.full.rps,
      baseline: { name: 'proxy app', value: r.on.rps },
    }),
  ];
}

export function describeRound(result: RoundResult): string {
  const cpu = result.cpuUs !== undefined ? `, server CPU ${result.cpuUs.toFixed(0)} µs/req` : '';
  return `${result.rps.toFixed(0)} req/s, p99 ${result.p99} ms${cpu}`;
}

/**
 * Server CPU time per request against a baseline side: on a machine shared with other work this moves far less than
 * throughput. ratio = CPU multiple; the CPU-bound throughput ratio is its inverse.
 */
export function cpuFigure(
  id: string,
  benchmark: string,
  name: string,
  side: SideResult,
  baseline: { name: string; side: SideResult },
): Figure | undefined {
  if (side.cpuUs === undefined || baseline.side.cpuUs === undefined) return undefined;
  return figure({
    id,
    benchmark,
    name,
    unit: 'µs',
    value: side.cpuUs,
    baseline: { name: baseline.name, value: baseline.side.cpuUs },
    note: 'CPU time of the server process per request (/proc); 1 / ratio = CPU-bound throughput ratio',
  });
}
