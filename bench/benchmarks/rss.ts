// Proxy memory: VmRSS of the standalone server (`node proxy/bin/mcp-oauth-proxy.js`, memory storage, registration
// rate limit off) idle, then after N dynamic client registrations sent 32 at a time. Read from /proc, as measured:
// no forced GC, no extra route.
import { existsSync, readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { startMockIdp } from '../../mock-idp/index.ts';
import { spawnReady } from '../lib/child.ts';
import type { BenchContext } from '../lib/context.ts';
import { NotAvailable } from '../lib/not-available.ts';
import { benchProxyEnv } from '../lib/proxy-stack.ts';
import { figure, type Figure } from '../lib/report.ts';

const PROXY = new URL('../../proxy/bin/mcp-oauth-proxy.js', import.meta.url).pathname;
const SETTLE_MS = 2000;

export async function runRssBenchmark(ctx: BenchContext): Promise<Figure[]> {
  if (!existsSync('/proc/self/status')) throw new NotAvailable('needs /proc/<pid>/status (Linux)');
  const registrations = ctx.quick ? 5_000 : 100_000;
  const idp = await startMockIdp({ flavor: 'github' });
  try {
    const server = await spawnReady<{ url: string }>([PROXY], {
      env: { ...benchProxyEnv(idp), PORT: '0', PROXY_STORAGE: 'memory', LOG_LEVEL: 'info' },
      stdinPipe: false,
    });
    try {
      const pid = server.child.pid!;
      await sleep(SETTLE_MS);
      const idle = memory(pid);
      ctx.log(`rss: idle ${idle.rssMB.toFixed(1)} MB; ${registrations} registrations, 32 in flight`);
      const started = performance.now();
      const result = await autocannon({
        url: `${server.ready.url}/register`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          redirect_uris: ['http://127.0.0.1:65000/callback'],
          token_endpoint_auth_method: 'none',
          client_name: 'bench client',
        }),
        connections: 32,
        amount: registrations,
        timeout: 30,
      });
      const seconds = (performance.now() - started) / 1000;
      const created = result.statusCodeStats?.['201']?.count ?? 0;
      if (created !== registrations) {
        throw new Error(`${created} of ${registrations} registrations answered 201 (${result.non2xx} non-2xx)`);
      }
      await sleep(SETTLE_MS);
      const after = memory(pid);
      return [
        figure({ id: 'rss.idle', benchmark: 'rss', name: 'proxy RSS idle', unit: 'MB', value: idle.rssMB }),
        figure({
          id: 'rss.registrations',
          benchmark: 'rss',
          name: `proxy RSS after ${registrations} registrations`,
          unit: 'MB',
          value: after.rssMB,
          baseline: { name: 'idle', value: idle.rssMB },
          note: `peak (VmHWM) ${after.peakMB.toFixed(1)} MB; ${(((after.rssMB - idle.rssMB) * 1024) / registrations).toFixed(2)} KB per client`,
        }),
        figure({
          id: 'rss.registration.rate',
          benchmark: 'rss',
          name: 'registrations per second (32 in flight)',
          unit: 'req/s',
          value: registrations / seconds,
        }),
      ];
    } finally {
      await server.stop();
    }
  } finally {
    await idp.close();
  }
}

function memory(pid: number): { rssMB: number; peakMB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMB: kb('VmRSS') / 1024, peakMB: kb('VmHWM') / 1024 };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
