// `npm run bench [-- --quick] [-- --only bearer,e2e,gateway,flow,refresh,conformance,rss,soak]`: runs the benchmarks in turn,
// prints one table and writes bench/results/<ISO timestamp>.json and latest.json. Every ratio compares two sides
// measured alternately in this run; verdicts against goals are informational and never fail the run.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { runBearerMatrix } from './benchmarks/bearer-matrix.ts';
import { runConformanceBenchmark } from './benchmarks/conformance.ts';
import { runFlowBenchmark } from './benchmarks/flow.ts';
import { runGatewayBenchmark } from './benchmarks/gateway.ts';
import { runMcpBenchmarks } from './benchmarks/mcp.ts';
import { runPeersBenchmark } from './benchmarks/peers.ts';
import { runRefreshBenchmark } from './benchmarks/refresh.ts';
import { runRssBenchmark } from './benchmarks/rss.ts';
import { runSoakBenchmark } from './benchmarks/soak.ts';
import type { BenchContext } from './lib/context.ts';
import { NotAvailable } from './lib/not-available.ts';
import { machineInfo, renderTable, writeReport, type BenchReport, type Figure } from './lib/report.ts';

export const BENCHMARKS = [
  'peers',
  'bearer',
  'bearer-matrix',
  'e2e',
  'gateway',
  'flow',
  'refresh',
  'conformance',
  'rss',
  'soak',
] as const;
/** Names for several benchmarks at once: `mcp` is the protected MCP request path (the bearer and e2e figures). */
const GROUPS: Record<string, Benchmark[]> = { mcp: ['bearer', 'e2e'] };
type Benchmark = (typeof BENCHMARKS)[number];

const USAGE = `Usage: tsx bench/run.ts [--quick] [--only NAME[,NAME…]] [--results DIR] [--soak-seconds N]

  --quick          short rounds and small counts (a smoke test; figures are rough)
  --only           run only these: ${BENCHMARKS.join(', ')} (mcp = bearer,e2e)
  --results        where the JSON goes (default bench/results)
  --soak-seconds   how long soak runs (default 600: ten minutes of the full run; 20 with --quick)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      only: { type: 'string', multiple: true },
      results: { type: 'string' },
      'soak-seconds': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const only = (values.only ?? [])
    .flatMap((v) => v.split(','))
    .filter(Boolean)
    .flatMap((name) => GROUPS[name] ?? [name]);
  const unknown = only.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark ${unknown.join(', ')}\n\n${USAGE}\n`);
    return 2;
  }
  const selected = new Set<Benchmark>(only.length > 0 ? (only as Benchmark[]) : BENCHMARKS);
  const quick = values.quick === true;
  const soakSeconds = values['soak-seconds'] !== undefined ? Number(values['soak-seconds']) : undefined;
  if (soakSeconds !== undefined && !(Number.isFinite(soakSeconds) && soakSeconds >= 10)) {
    process.stderr.write(`--soak-seconds must be a number of seconds ≥ 10\n\n${USAGE}\n`);
    return 2;
  }
  const ctx: BenchContext = {
    quick,
    load: quick
      ? { connections: 10, rounds: 2, roundSeconds: 1, warmupSeconds: 1 }
      : { connections: 10, rounds: 3, roundSeconds: 3, warmupSeconds: 2 },
    log: (message) => process.stderr.write(`${message}\n`),
    ...(soakSeconds !== undefined ? { soakSeconds } : {}),
  };

  // Several benchmarks start the compiled bins (proxy/bin, mock-idp/bin, conformance/bin): build first (incremental,
  // about a second when nothing changed) so that they measure this checkout's code, never a stale dist/.
  execFileSync(process.execPath, [new URL('../scripts/build-packages.mjs', import.meta.url).pathname], {
    stdio: 'inherit',
  });

  const started = new Date();
  const figures: Figure[] = [];
  const problems: BenchReport['problems'] = [];
  let broken = false;
  const loads: BenchReport['load'] = [];
  const run = async (benchmark: string, body: () => Promise<Figure[]>): Promise<void> => {
    // The machine's load average before and after each benchmark: the context its figures were taken in.
    const before = loadavg()[0]!;
    try {
      figures.push(...(await body()));
    } catch (error) {
      const unavailable = error instanceof NotAvailable;
      const message = `${unavailable ? 'not available: ' : ''}${error instanceof Error ? error.message : String(error)}`;
      ctx.log(`${benchmark}: ${message}`);
      problems.push({ benchmark, message });
      broken ||= !unavailable;
    } finally {
      loads.push({ benchmark, before, after: loadavg()[0]! });
      ctx.log(`${benchmark}: load average ${before.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`);
    }
  };

  if (selected.has('peers')) await run('peers', () => runPeersBenchmark(ctx));
  if (selected.has('bearer') || selected.has('e2e')) {
    await run('bearer/e2e', () => runMcpBenchmarks(ctx, { bearer: selected.has('bearer'), e2e: selected.has('e2e') }));
  }
  if (selected.has('bearer-matrix')) await run('bearer-matrix', () => runBearerMatrix(ctx));
  if (selected.has('gateway')) await run('gateway', () => runGatewayBenchmark(ctx));
  if (selected.has('flow')) await run('flow', () => runFlowBenchmark(ctx));
  if (selected.has('refresh')) await run('refresh', () => runRefreshBenchmark(ctx));
  if (selected.has('conformance')) await run('conformance', () => runConformanceBenchmark(ctx));
  if (selected.has('rss')) await run('rss', () => runRssBenchmark(ctx));
  if (selected.has('soak')) await run('soak', () => runSoakBenchmark(ctx));

  const finished = new Date();
  const report: BenchReport = {
    schemaVersion: 1,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    wallSeconds: (finished.getTime() - started.getTime()) / 1000,
    options: { quick, only: [...selected] },
    machine: machineInfo(),
    figures,
    problems,
    load: loads,
  };
  const directory = values.results ?? new URL('./results', import.meta.url).pathname;
  const path = writeReport(directory, report);
  const m = report.machine;
  process.stdout.write(
    `\n${renderTable(figures)}\n\n${m.cpus} × ${m.cpuModel}, node ${m.node}; ${report.wallSeconds.toFixed(0)} s` +
      `${quick ? ' (--quick: rough figures)' : ''}\nwritten to ${path}\n`,
  );
  for (const l of loads) {
    process.stdout.write(
      `load average (1 min) ${l.benchmark}: ${l.before.toFixed(2)} before, ${l.after.toFixed(2)} after\n`,
    );
  }
  for (const p of problems) process.stdout.write(`not measured: ${p.benchmark}: ${p.message}\n`);
  // Goals never fail the run; a benchmark that broke does (a missing prerequisite does not).
  return broken ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(2);
  },
);
