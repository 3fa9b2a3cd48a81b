// The bearer check's share of a protected request's CPU, for every kind of signing key and storage: HS256, ES256
// and EdDSA access tokens, memory and Redis storage, with the grant cache at its default (PROXY_GRANT_CACHE_MS) and
// off (one store read per request: a Redis GET and an AES-GCM decryption). Each configuration is one child running
// the `mcp` scenario's off (fixed AuthInfo) and on (the proxy app) sides, alternated.
// share = the check's own CPU per call (verifyBearer in a loop in the server process, before the load, minus the
// request id the app's middleware makes for every request before it) / the server's CPU per protected request under
// load. The difference between the on and off sides is shown beside it: it also counts the app's per-request
// middleware (request id and context, access log line) that the off side lacks, so it overstates the check.
import type { BenchContext } from '../lib/context.ts';
import { spawnServers } from '../lib/child.ts';
import { alternate, type LoadTarget } from '../lib/load.ts';
import { figure, type Figure } from '../lib/report.ts';
import type { BearerCheckCpu } from '../servers.ts';
import { describeRound } from './mcp.ts';

interface Configuration {
  key: 'hs256' | 'es256' | 'eddsa';
  storage: 'memory' | 'redis';
  /** PROXY_GRANT_CACHE_MS; undefined = the default. */
  grantCacheMs?: number;
}

const CONFIGURATIONS: Configuration[] = [
  { key: 'hs256', storage: 'memory' },
  { key: 'es256', storage: 'memory' },
  { key: 'eddsa', storage: 'memory' },
  { key: 'hs256', storage: 'redis' },
  { key: 'es256', storage: 'redis' },
  { key: 'eddsa', storage: 'redis' },
  { key: 'hs256', storage: 'memory', grantCacheMs: 0 },
  { key: 'hs256', storage: 'redis', grantCacheMs: 0 },
];

const nameOf = (c: Configuration): string =>
  `${c.key.toUpperCase().replace('EDDSA', 'EdDSA')}, ${c.storage}${c.grantCacheMs === 0 ? ', grant cache off' : ''}`;
const idOf = (c: Configuration): string =>
  `bearer.share.${c.key}.${c.storage}${c.grantCacheMs === 0 ? '.nocache' : ''}`;

export async function runBearerMatrix(ctx: BenchContext): Promise<Figure[]> {
  const figures: Figure[] = [];
  const cpu: Record<string, number> = {};
  for (const configuration of CONFIGURATIONS) {
    const servers = await spawnServers<{
      targets: Record<'off' | 'on', LoadTarget>;
      measured?: BearerCheckCpu;
    }>('mcp', {
      BENCH_KEY: configuration.key,
      BENCH_STORAGE: configuration.storage,
      BENCH_PROXY_ENV: JSON.stringify(
        configuration.grantCacheMs !== undefined ? { PROXY_GRANT_CACHE_MS: String(configuration.grantCacheMs) } : {},
      ),
    });
    try {
      const { off, on } = servers.ready.targets;
      ctx.log(
        `bearer-matrix: ${nameOf(configuration)}: off on × ${ctx.load.rounds} rounds of ${ctx.load.roundSeconds} s`,
      );
      const r = await alternate(
        { off, on },
        ctx.load,
        (side, round, result) => ctx.log(`  ${side} round ${round + 1}: ${describeRound(result)}`),
        servers.child.pid,
      );
      const measured = servers.ready.measured;
      if (r.on.cpuUs === undefined || r.off.cpuUs === undefined || measured === undefined) continue;
      cpu[idOf(configuration)] = r.on.cpuUs;
      figures.push(
        figure({
          id: idOf(configuration),
          benchmark: 'bearer-matrix',
          name: `bearer check share of request CPU: ${nameOf(configuration)}`,
          unit: 'µs',
          value: measured.bearerCheckUs,
          baseline: { name: 'CPU per protected request', value: r.on.cpuUs },
          goal: { on: 'ratio', op: '<=', target: 0.05 },
          note:
            `the check's own CPU per call, measured in the server: the public verifyBearer ` +
            `${measured.verifyBearerUs.toFixed(2)} µs − the request id every request gets first ` +
            `${measured.requestIdUs.toFixed(2)} µs; ` +
            `on − off sides under load ` +
            `${(r.on.cpuUs - r.off.cpuUs).toFixed(0)} µs (off ${r.off.cpuUs.toFixed(0)} µs, without the app's ` +
            `request middleware); ${r.on.rps.toFixed(0)} vs ${r.off.rps.toFixed(0)} req/s`,
        }),
      );
    } finally {
      await servers.stop();
    }
  }
  const cached = cpu['bearer.share.hs256.redis'];
  const uncached = cpu['bearer.share.hs256.redis.nocache'];
  if (cached !== undefined && uncached !== undefined) {
    figures.push(
      figure({
        id: 'bearer.redis.lookup',
        benchmark: 'bearer-matrix',
        name: 'grant lookup per request, Redis (GET + decryption), HS256',
        unit: 'µs',
        value: uncached - cached,
        note: 'CPU per request with PROXY_GRANT_CACHE_MS=0 minus with the default; separate children, so rough',
      }),
    );
  }
  return figures;
}
