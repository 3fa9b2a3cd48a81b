// Memory under long mixed traffic: the standalone server (`node proxy/bin/mcp-oauth-proxy.js`, Redis storage on a
// redis-server of its own, logging at info; the bench keeps the last lines of that log for the error message when a
// step fails, which is where the cause of the failure is) in front of the github mock, fed by a few workers that
// each loop over a client's life: a full authorization flow (registration, consent, upstream sign-in, code exchange),
// then MCP calls and rotating refreshes, then the refresh token's revocation (RFC 7009) and a refresh with it that
// must be refused. VmRSS is sampled every few seconds; the figures are the median RSS of the second half of the time
// after the warm-up against the median of its first half, and the least-squares slope in MB per minute after the
// warm-up. Medians of halves, not single samples: RSS follows V8's committed heap, a saw-tooth between full
// collections, and one sample is a random phase of it (single end points read 1.07 to 1.68 on the same code).
// No forced GC.
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { startMockIdp } from '../../mock-idp/index.ts';
import { form } from '../../testkit/forms.ts';
import { refreshHttp, runHttpFlow, type AuthorizedClient } from '../../testkit/http-flow.ts';
import { startRedisServer } from '../../testkit/redis-server.ts';
import { spawnReady } from '../lib/child.ts';
import type { BenchContext } from '../lib/context.ts';
import { median } from '../lib/load.ts';
import { mcpHeaders, TOOLS_LIST_BODY } from '../lib/mcp-request.ts';
import { NotAvailable } from '../lib/not-available.ts';
import { processMemory, sleep, slope } from '../lib/proc-memory.ts';
import { benchProxyEnv } from '../lib/proxy-stack.ts';
import { figure, type Figure } from '../lib/report.ts';

/** A full collection in `--trace-gc` output: `Mark-Compact 60.1 (75.0) -> 41.2 (70.3) MB`; group 1 = live heap after. */
const FULL_GC = /Mark-Compact(?: \(reduce\))? [\d.]+ \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB/;

const PROXY = new URL('../../proxy/bin/mcp-oauth-proxy.js', import.meta.url).pathname;
/** Concurrent clients going through their life cycle. */
const WORKERS = 4;
/** Per client: this many times (4 MCP calls, then one refresh), then the revocation. */
const REFRESHES_PER_CLIENT = 3;
const MCP_CALLS_PER_REFRESH = 4;

interface Counts {
  flows: number;
  mcp: number;
  refreshes: number;
  revocations: number;
}

export async function runSoakBenchmark(ctx: BenchContext): Promise<Figure[]> {
  if (!existsSync('/proc/self/status')) throw new NotAvailable('needs /proc/<pid>/status (Linux)');
  const seconds = ctx.soakSeconds ?? (ctx.quick ? 20 : 600);
  // Long enough for the JIT, the pools and the bounded caches to fill up in a long run; a quarter of a short one.
  const warmupSeconds = Math.min(60, seconds / 4);
  const sampleSeconds = seconds >= 120 ? 5 : 1;
  const redis = await startRedisServer();
  try {
    const idp = await startMockIdp({ flavor: 'github' });
    try {
      // --trace-gc: every full collection prints the live heap it left, which tells growing live objects (a leak)
      // from a heap V8 keeps large after a busy spell (RSS alone cannot).
      const server = await spawnReady<{ url: string }>(['--trace-gc', PROXY], {
        env: { ...benchProxyEnv(idp), PORT: '0', PROXY_STORAGE: redis.url, LOG_LEVEL: 'info' },
        stdinPipe: false,
      });
      try {
        const pid = server.child.pid!;
        ctx.log(
          `soak: ${seconds} s of mixed traffic (${WORKERS} workers), Redis storage, RSS every ${sampleSeconds} s`,
        );
        const counts: Counts = { flows: 0, mcp: 0, refreshes: 0, revocations: 0 };
        const started = performance.now();
        const liveHeap: Array<{ x: number; y: number }> = [];
        createInterface({ input: server.child.stdout! }).on('line', (line) => {
          const after = FULL_GC.exec(line)?.[1];
          if (after !== undefined) liveHeap.push({ x: (performance.now() - started) / 60_000, y: Number(after) });
        });
        const end = started + seconds * 1000;
        const samples: Array<{ x: number; y: number }> = [];
        let failure: unknown;
        const workers = Array.from({ length: WORKERS }, async () => {
          while (failure === undefined && performance.now() < end) {
            await clientLife(server.ready.url, counts, end).catch((error: unknown) => (failure ??= error));
          }
        });
        const sampler = (async () => {
          while (failure === undefined && performance.now() < end) {
            samples.push({ x: (performance.now() - started) / 60_000, y: processMemory(pid).rssMB });
            await sleep(sampleSeconds * 1000);
          }
        })();
        await Promise.all([...workers, sampler]);
        if (failure !== undefined) {
          const message = failure instanceof Error ? failure.message : String(failure);
          throw new Error(`${message}\nlast lines of the proxy's log:\n${server.stderr()}`, { cause: failure });
        }
        const last = processMemory(pid);
        samples.push({ x: (performance.now() - started) / 60_000, y: last.rssMB });
        const steady = samples.filter((s) => s.x * 60 >= warmupSeconds);
        const halves = rssHalves(steady.length > 1 ? steady : samples);
        const total = counts.flows * 7 + counts.mcp + counts.refreshes * 2 + counts.revocations;
        const traffic =
          `${counts.flows} flows, ${counts.mcp} MCP calls, ${counts.refreshes} refreshes, ` +
          `${counts.revocations} revocations (about ${(total / seconds).toFixed(0)} requests/s)`;
        ctx.log(`soak: ${traffic}; RSS ${samples.map((s) => s.y.toFixed(0)).join(' ')} MB`);
        const steadyHeap = liveHeap.filter((s) => s.x * 60 >= warmupSeconds);
        ctx.log(`soak: live heap after each full GC ${liveHeap.map((s) => s.y.toFixed(0)).join(' ')} MB`);
        const heapFigures =
          steadyHeap.length < 2
            ? []
            : [
                figure({
                  id: 'soak.heap',
                  benchmark: 'soak',
                  name: 'soak: live heap after the last full GC (a leak grows it; RSS may grow without one)',
                  unit: 'MB',
                  value: steadyHeap.at(-1)!.y,
                  baseline: { name: 'after the first full GC past the warm-up', value: steadyHeap[0]!.y },
                  note: `${liveHeap.length} full GCs; least-squares slope after the warm-up ${slope(steadyHeap).toFixed(2)} MB/min`,
                }),
              ];
        return [
          ...heapFigures,
          figure({
            id: 'soak.rss',
            benchmark: 'soak',
            name: `soak: proxy RSS, median of the second ${halves.seconds} s after the warm-up (Redis, mixed traffic)`,
            unit: 'MB',
            value: halves.second,
            baseline: { name: `median of the first ${halves.seconds} s after the warm-up`, value: halves.first },
            goal: { on: 'ratio', op: '<=', target: 1.1 },
            note:
              `${traffic}; RSS at the end ${last.rssMB.toFixed(1)} MB, right after the warm-up ` +
              `${(steady[0] ?? samples[0]!).y.toFixed(1)} MB, peak (VmHWM) ${last.peakMB.toFixed(1)} MB; ` +
              `${samples.length} samples`,
          }),
          figure({
            id: 'soak.rss.slope',
            benchmark: 'soak',
            name: 'soak: RSS slope after the warm-up',
            unit: 'MB/min',
            value: slope(steady),
            note: `least squares over ${steady.length} samples, one every ${sampleSeconds} s`,
          }),
        ];
      } finally {
        await server.stop();
      }
    } finally {
      await idp.close();
    }
  } finally {
    await redis.stop();
  }
}

/**
 * Medians of the RSS samples in the first and the second half of the steady part. Halves, not a minute at each end:
 * V8's saw-tooth between full collections can last longer than a minute (seen: 150 to 240 MB and back in about two),
 * so a short window is still one phase of it; half of a 10-minute soak spans several.
 */
function rssHalves(steady: Array<{ x: number; y: number }>): { first: number; second: number; seconds: number } {
  const half = Math.max(Math.floor(steady.length / 2), 1);
  const seconds = Math.round((steady.at(-1)!.x - steady[0]!.x) * 30);
  return {
    first: median(steady.slice(0, half).map((s) => s.y)),
    second: median(steady.slice(-half).map((s) => s.y)),
    seconds,
  };
}

/** One client: authorization flow, MCP calls and refreshes, revocation, and proof that the revocation holds. */
async function clientLife(base: string, counts: Counts, end: number): Promise<void> {
  const client = await runHttpFlow(base, { flavor: 'github' });
  counts.flows += 1;
  let { access_token: accessToken, refresh_token: refreshToken } = client.tokens;
  for (let i = 0; i < REFRESHES_PER_CLIENT && performance.now() < end; i += 1) {
    for (let j = 0; j < MCP_CALLS_PER_REFRESH; j += 1) {
      await expectStatus(
        fetch(`${base}/mcp`, { method: 'POST', headers: mcpHeaders(accessToken), body: TOOLS_LIST_BODY }),
        200,
        'MCP call',
      );
      counts.mcp += 1;
    }
    const refreshed = (await (await expectStatus(refreshHttp(client, refreshToken), 200, 'refresh')).json()) as {
      access_token: string;
      refresh_token: string;
    };
    ({ access_token: accessToken, refresh_token: refreshToken } = refreshed);
    counts.refreshes += 1;
  }
  await expectStatus(revoke(client, refreshToken), 200, 'revocation');
  counts.revocations += 1;
  // The revoked refresh token must be refused (RFC 7009 §2.2).
  await expectStatus(refreshHttp(client, refreshToken), 400, 'refresh with a revoked token');
}

function revoke(client: AuthorizedClient, refreshToken: string): Promise<Response> {
  return fetch(`${client.base}/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form({ token: refreshToken, token_type_hint: 'refresh_token', client_id: client.clientId }),
  });
}

async function expectStatus(pending: Promise<Response>, status: number, what: string): Promise<Response> {
  const response = await pending;
  if (response.status !== status) {
    throw new Error(
      `${what} answered ${response.status} (expected ${status}): ${(await response.text()).slice(0, 300)}`,
    );
  }
  return response;
}
