// Load generation with autocannon, and the alternation that makes ratios trustworthy on a busy machine: the sides
// of a comparison take turns (A B A B …) so that background noise hits both, and each side reports its median round.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

/** One HTTP request to replay under load. */
export interface LoadTarget {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

export interface LoadSettings {
  /** Concurrent keep-alive connections. */
  connections: number;
  /** Seconds per measured round. */
  roundSeconds: number;
  /** Measured rounds per side. */
  rounds: number;
  /** Seconds of unmeasured warm-up per side (JIT, connection pools). */
  warmupSeconds: number;
}

export interface RoundResult {
  /** Completed 2xx requests per second. */
  rps: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p99: number;
  requests: number;
  /** Connection errors, timeouts and non-2xx answers: any of them makes the round invalid. */
  failures: number;
  /** What the failures were, for the error message. */
  failureKinds?: string;
  /**
   * CPU time the server process spent per completed request, in microseconds (when its pid is known). Much less
   * sensitive than throughput to other processes competing for the cores.
   */
  cpuUs?: number;
}

export interface SideResult extends RoundResult {
  rounds: RoundResult[];
}

/** One round of load on `target`: as fast as it answers, or at `rate` requests per second over all connections. */
export async function loadRound(
  target: LoadTarget,
  options: { connections: number; seconds: number; rate?: number },
): Promise<RoundResult> {
  const instance = autocannon({
    url: target.url,
    method: target.method,
    headers: target.headers,
    ...(target.body !== undefined ? { body: target.body } : {}),
    connections: options.connections,
    duration: options.seconds,
    ...(options.rate !== undefined ? { overallRate: options.rate } : {}),
    timeout: 10,
  });
  // What went wrong, for the message of a round that fails: the errors' codes (a request error is rare, so its
  // listener costs the load generator nothing per answer), then the non-2xx statuses from autocannon's own counts.
  const errors = new Map<string, number>();
  instance.on('reqError', (error) => {
    const kind = error.code ?? error.message;
    errors.set(kind, (errors.get(kind) ?? 0) + 1);
  });
  const result = await instance;
  const ok = result['2xx'];
  const statuses = Object.entries(result.statusCodeStats ?? {})
    .filter(([status]) => !status.startsWith('2'))
    .map(([status, { count }]): [string, number] => [`status ${status}`, count]);
  const kinds = [...errors, ...statuses].map(([kind, n]) => `${n} × ${kind}`).join(', ');
  return {
    rps: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    failures: result.errors + result.timeouts + result.non2xx,
    failureKinds: `${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx${kinds ? `: ${kinds}` : ''}`,
  };
}

/**
 * A side whose rounds are not one replayed request (e.g. refresh-token chains): runs one round of the given length
 * and reports it like loadRound.
 */
export type RoundRunner = (options: { connections: number; seconds: number }) => Promise<RoundResult>;

/**
 * Warms every side up, then runs `rounds` rounds of each side in turn, reversing the order every other round
 * (A B C, C B A, A B C …) so that a drift over the run (JIT warm-up, a neighbour's load) does not favour one side.
 * Each side's figures are its median round. `serverPid`: the process serving the targets, for CPU per request.
 */
export async function alternate<K extends string>(
  targets: Record<K, LoadTarget | RoundRunner>,
  settings: LoadSettings,
  onRound?: (side: K, round: number, result: RoundResult) => void,
  serverPid?: number,
): Promise<Record<K, SideResult>> {
  const sides = Object.keys(targets) as K[];
  const run = (side: K, seconds: number): Promise<RoundResult> => {
    const target = targets[side];
    const options = { connections: settings.connections, seconds };
    return typeof target === 'function' ? target(options) : loadRound(target, options);
  };
  for (const side of sides) {
    if (settings.warmupSeconds > 0) {
      const warmup = await run(side, settings.warmupSeconds);
      // A runner's failure (a broken refresh chain) would only fail every round after it: stop here.
      if (typeof targets[side] === 'function' && warmup.failures > 0)
        throw new Error(`${side}: failed during warm-up (${warmup.failureKinds ?? ''})`);
    }
  }
  const rounds = Object.fromEntries(sides.map((side) => [side, [] as RoundResult[]])) as Record<K, RoundResult[]>;
  for (let round = 0; round < settings.rounds; round += 1) {
    for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
      const cpuBefore = serverPid !== undefined ? processCpuMs(serverPid) : undefined;
      const result = await run(side, settings.roundSeconds);
      if (cpuBefore !== undefined && serverPid !== undefined && result.requests > 0) {
        const cpuUs = ((processCpuMs(serverPid) - cpuBefore) * 1000) / result.requests;
        if (Number.isFinite(cpuUs)) result.cpuUs = cpuUs;
      }
      if (result.failures > 0) {
        const target = targets[side];
        const where = typeof target === 'function' ? '' : `; ${target.url}`;
        throw new Error(
          `${side}: ${result.failures} failed requests in round ${round + 1} (${result.failureKinds ?? ''}${where})`,
        );
      }
      rounds[side].push(result);
      onRound?.(side, round, result);
    }
  }
  return Object.fromEntries(sides.map((side) => [side, summarise(rounds[side])])) as Record<K, SideResult>;
}

/** One side's rounds as medians (rate, latencies, CPU per request when every round has it) and totals. */
export function summarise(list: RoundResult[]): SideResult {
  return {
    rps: median(list.map((r) => r.rps)),
    p50: median(list.map((r) => r.p50)),
    p99: median(list.map((r) => r.p99)),
    requests: list.reduce((sum, r) => sum + r.requests, 0),
    failures: 0,
    ...(list.every((r) => r.cpuUs !== undefined) ? { cpuUs: median(list.map((r) => r.cpuUs!)) } : {}),
    rounds: list,
  };
}

/** User + system CPU time of a process so far, in milliseconds, from /proc/<pid>/stat (Linux; clock ticks of 10 ms). */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the whole line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
