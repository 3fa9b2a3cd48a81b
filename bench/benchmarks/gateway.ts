// Gateway overhead: tools/list through the standalone proxy with PROXY_MCP_UPSTREAM (bearer check, identity
// headers, one fetch to the backend) against the same backend MCP server called directly. Both live in one child.
import type { BenchContext } from '../lib/context.ts';
import { spawnServers } from '../lib/child.ts';
import { alternate, type LoadTarget } from '../lib/load.ts';
import { figure, type Figure } from '../lib/report.ts';
import { cpuFigure, describeRound } from './mcp.ts';

type Side = 'gateway' | 'direct';

export async function runGatewayBenchmark(ctx: BenchContext): Promise<Figure[]> {
  const servers = await spawnServers<{ targets: Record<Side, LoadTarget> }>('gateway');
  try {
    ctx.log(`gateway: gateway direct × ${ctx.load.rounds} rounds of ${ctx.load.roundSeconds} s`);
    const r = await alternate(
      servers.ready.targets,
      ctx.load,
      (side, round, result) => ctx.log(`  ${side} round ${round + 1}: ${describeRound(result)}`),
      servers.child.pid,
    );
    const cpu = cpuFigure('gateway.cpu', 'gateway', 'gateway: server CPU per request', r.gateway, {
      name: 'backend direct',
      side: r.direct,
    });
    return [
      ...(cpu ? [cpu] : []),
      figure({
        id: 'gateway.rps',
        benchmark: 'gateway',
        name: 'gateway: tools/list via PROXY_MCP_UPSTREAM',
        unit: 'req/s',
        value: r.gateway.rps,
        baseline: { name: 'backend direct', value: r.direct.rps },
        goal: { on: 'ratio', op: '>=', target: 0.8 },
        note: 'backend and proxy share one process, as on a single-core host',
      }),
      figure({
        id: 'gateway.p99',
        benchmark: 'gateway',
        name: 'gateway: p99 latency',
        unit: 'ms',
        value: r.gateway.p99,
        baseline: { name: 'backend direct', value: r.direct.p99 },
      }),
    ];
  } finally {
    await servers.stop();
  }
}
