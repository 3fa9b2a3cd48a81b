// Refresh grant throughput: the standalone proxy's token endpoint against oidc-provider's (a certified OpenID
// Provider library), both with in-memory storage, serving grant_type=refresh_token with rotation to a public client.
// Every connection carries its own chain (each answer's refresh token is the next request's), started by a real code
// flow per connection before the warm-up; the sides take turns as everywhere else.
import { runHttpFlow } from '../../testkit/http-flow.ts';
import type { BenchContext } from '../lib/context.ts';
import { spawnServers } from '../lib/child.ts';
import { alternate, type LoadTarget } from '../lib/load.ts';
import { OIDC_BENCH_CLIENT_ID, oidcCodeFlow } from '../lib/oidc-refresh-provider.ts';
import { RefreshChains, type RefreshChain } from '../lib/refresh-chains.ts';
import { figure, type Figure } from '../lib/report.ts';
import { cpuFigure, describeRound } from './mcp.ts';

type Side = 'proxy' | 'oidc';

export async function runRefreshBenchmark(ctx: BenchContext): Promise<Figure[]> {
  const servers = await spawnServers<{ targets: Record<Side, LoadTarget> }>('refresh');
  const sides: Partial<Record<Side, RefreshChains>> = {};
  try {
    const { proxy, oidc } = servers.ready.targets;
    const connections = ctx.load.connections;
    ctx.log(`refresh: ${connections} code flows per side to start the refresh-token chains`);
    const proxyBase = new URL(proxy.url).origin;
    const proxyChains: RefreshChain[] = [];
    const oidcChains: RefreshChain[] = [];
    for (let i = 0; i < connections; i += 1) {
      // One client per chain on the proxy, as every MCP client registers itself; oidc-provider has no registration
      // here, so its chains share its one pre-registered public client (one grant each).
      const client = await runHttpFlow(proxyBase, { flavor: 'github' });
      proxyChains.push({ clientId: client.clientId, refreshToken: client.tokens.refresh_token });
      const pair = await oidcCodeFlow(new URL(oidc.url).origin);
      oidcChains.push({ clientId: OIDC_BENCH_CLIENT_ID, refreshToken: pair.refresh_token });
    }
    const a = (sides.proxy = new RefreshChains(proxy.url, proxyChains));
    const b = (sides.oidc = new RefreshChains(oidc.url, oidcChains));
    ctx.log(
      `refresh: proxy oidc × ${ctx.load.rounds} rounds of ${ctx.load.roundSeconds} s, ${connections} chains each`,
    );
    const r = await alternate(
      { proxy: ({ seconds }) => a.round(seconds), oidc: ({ seconds }) => b.round(seconds) },
      ctx.load,
      (side, round, result) => ctx.log(`  ${side} round ${round + 1}: ${describeRound(result)}`),
      servers.child.pid,
    );
    const figures: Figure[] = [
      figure({
        id: 'refresh.rps',
        benchmark: 'refresh',
        name: 'refresh grant (rotation, public client): proxy vs oidc-provider',
        unit: 'req/s',
        value: r.proxy.rps,
        baseline: { name: 'oidc-provider 9', value: r.oidc.rps },
        goal: { on: 'ratio', op: '>=', target: 1 },
        note: `${connections} chains per side, memory storage; p99 ${r.proxy.p99.toFixed(1)} vs ${r.oidc.p99.toFixed(1)} ms`,
      }),
    ];
    const cpu = cpuFigure('refresh.cpu', 'refresh', 'refresh grant: server CPU per request', r.proxy, {
      name: 'oidc-provider 9',
      side: r.oidc,
    });
    if (cpu) figures.push(cpu);
    return figures;
  } finally {
    sides.proxy?.close();
    sides.oidc?.close();
    await servers.stop();
  }
}
