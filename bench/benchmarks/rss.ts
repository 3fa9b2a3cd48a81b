// Proxy memory: VmRSS of the standalone server (`node proxy/bin/mcp-oauth-proxy.js`, memory storage, registration
// rate limit off) idle, then after N dynamic client registrations sent 32 at a time; of the proxy built from its
// modules after N grants (bench/lib/grant-filler.ts: grant record, refresh token and access token each, issued by the
// token endpoint's own code); and of the standalone server with the shortest unused-client TTL, after N
// registrations and again once they expired and the memory store's sweep ran. Read from /proc, as measured: no
// forced GC, no extra route.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { startMockIdp, type MockIdp } from '../../mock-idp/index.ts';
import { spawnReady, type ReadyChild } from '../lib/child.ts';
import type { BenchContext } from '../lib/context.ts';
import { NotAvailable } from '../lib/not-available.ts';
import { processMemory as memory, sleep } from '../lib/proc-memory.ts';
import { benchProxyEnv } from '../lib/proxy-stack.ts';
import { figure, type Figure } from '../lib/report.ts';

const PROXY = new URL('../../proxy/bin/mcp-oauth-proxy.js', import.meta.url).pathname;
const GRANT_FILLER = new URL('../lib/grant-filler.ts', import.meta.url).pathname;
const SETTLE_MS = 2000;
/** PROXY_UNUSED_CLIENT_TTL at its minimum, and the memory store's sweep interval (memory-store.ts). */
const UNUSED_CLIENT_TTL_SECONDS = 60;
const SWEEP_INTERVAL_SECONDS = 60;

export async function runRssBenchmark(ctx: BenchContext): Promise<Figure[]> {
  if (!existsSync('/proc/self/status')) throw new NotAvailable('needs /proc/<pid>/status (Linux)');
  const count = ctx.quick ? 5_000 : 100_000;
  const idp = await startMockIdp({ flavor: 'github' });
  try {
    return [
      ...(await registrationFigures(ctx, idp, count)),
      ...(await grantFigures(ctx, idp, count)),
      ...(await unusedClientTtlFigures(ctx, idp, count)),
    ];
  } finally {
    await idp.close();
  }
}

/** `node proxy/bin/mcp-oauth-proxy.js` with memory storage, logging at info (to the null device), and `env`. */
function startServer(idp: MockIdp, env: Record<string, string> = {}): Promise<ReadyChild<{ url: string }>> {
  return spawnReady<{ url: string }>([PROXY], {
    env: { ...benchProxyEnv(idp), PORT: '0', PROXY_STORAGE: 'memory', LOG_LEVEL: 'info', ...env },
    stdinPipe: false,
    stderr: 'ignore',
  });
}

/** `count` POST /register, 32 at a time; throws unless every one answered 201. */
async function register(url: string, count: number): Promise<number> {
  const started = performance.now();
  const result = await autocannon({
    url: `${url}/register`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      redirect_uris: ['http://127.0.0.1:65000/callback'],
      token_endpoint_auth_method: 'none',
      client_name: 'bench client',
    }),
    connections: 32,
    amount: count,
    timeout: 30,
  });
  const created = result.statusCodeStats?.['201']?.count ?? 0;
  if (created !== count)
    throw new Error(`${created} of ${count} registrations answered 201 (${result.non2xx} non-2xx)`);
  return (performance.now() - started) / 1000;
}

async function registrationFigures(ctx: BenchContext, idp: MockIdp, registrations: number): Promise<Figure[]> {
  const server = await startServer(idp);
  try {
    const pid = server.child.pid!;
    await sleep(SETTLE_MS);
    const idle = memory(pid);
    ctx.log(`rss: idle ${idle.rssMB.toFixed(1)} MB; ${registrations} registrations, 32 in flight`);
    const seconds = await register(server.ready.url, registrations);
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
}

async function grantFigures(ctx: BenchContext, idp: MockIdp, grants: number): Promise<Figure[]> {
  const filler = await spawnReady<{ url: string }>(['--import', 'tsx', GRANT_FILLER], {
    env: benchProxyEnv(idp),
    timeoutMs: 120_000,
  });
  try {
    const pid = filler.child.pid!;
    await sleep(SETTLE_MS);
    const idle = memory(pid);
    ctx.log(`rss: grants: idle ${idle.rssMB.toFixed(1)} MB (100 clients); ${grants} grants in-process`);
    const filled = nextEvent<{ seconds: number }>(filler.child, 'filled');
    filler.child.stdin!.write(`fill ${grants}\n`);
    const { seconds } = await filled;
    await sleep(SETTLE_MS);
    const after = memory(pid);
    return [
      figure({
        id: 'rss.grants',
        benchmark: 'rss',
        name: `proxy RSS after ${grants} grants (memory storage)`,
        unit: 'MB',
        value: after.rssMB,
        baseline: { name: 'same process before them', value: idle.rssMB },
        note:
          `${(((after.rssMB - idle.rssMB) * 1024) / grants).toFixed(2)} KB per grant (grant record, refresh token ` +
          `record, access token signed); peak (VmHWM) ${after.peakMB.toFixed(1)} MB; created in-process at ` +
          `${(grants / seconds).toFixed(0)}/s, one proven at /token and /mcp`,
      }),
    ];
  } finally {
    await filler.stop();
  }
}

/**
 * PROXY_UNUSED_CLIENT_TTL at its minimum (60 s): registrations that never complete an authorization must leave the
 * store once it passes (the memory store sweeps every 60 s). RSS right after the registrations, then after the TTL
 * and a sweep interval have passed since the last one, once the last client is refused at /authorize.
 */
async function unusedClientTtlFigures(ctx: BenchContext, idp: MockIdp, registrations: number): Promise<Figure[]> {
  const server = await startServer(idp, { PROXY_UNUSED_CLIENT_TTL: String(UNUSED_CLIENT_TTL_SECONDS) });
  try {
    const pid = server.child.pid!;
    await sleep(SETTLE_MS);
    const idle = memory(pid);
    const firstClient = await registerOne(server.ready.url);
    await register(server.ready.url, registrations);
    const lastRegistered = performance.now();
    await sleep(SETTLE_MS);
    const full = memory(pid);
    const wait = (UNUSED_CLIENT_TTL_SECONDS + SWEEP_INTERVAL_SECONDS) * 1000 + SETTLE_MS;
    ctx.log(
      `rss: unused-client TTL ${UNUSED_CLIENT_TTL_SECONDS} s: ${full.rssMB.toFixed(1)} MB after ${registrations} ` +
        `registrations (idle ${idle.rssMB.toFixed(1)} MB); waiting ${(wait / 1000).toFixed(0)} s for expiry and a sweep`,
    );
    await sleep(Math.max(0, lastRegistered + wait - performance.now()));
    const refused = await authorizeStatus(server.ready.url, firstClient);
    if (refused === 302 || refused === 200)
      throw new Error(`a client past its unused TTL still authorizes (${refused})`);
    const after = memory(pid);
    return [
      figure({
        id: 'rss.clients.expired',
        benchmark: 'rss',
        name: `proxy RSS once ${registrations} unused clients expired (TTL ${UNUSED_CLIENT_TTL_SECONDS} s)`,
        unit: 'MB',
        value: after.rssMB,
        baseline: { name: 'right after registering them', value: full.rssMB },
        note:
          `idle ${idle.rssMB.toFixed(1)} MB before the registrations; peak (VmHWM) ${after.peakMB.toFixed(1)} MB; ` +
          `an expired client gets ${refused} at /authorize`,
      }),
    ];
  } finally {
    await server.stop();
  }
}

async function registerOne(url: string): Promise<string> {
  const response = await fetch(`${url}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:65000/callback'], token_endpoint_auth_method: 'none' }),
  });
  if (response.status !== 201) throw new Error(`registration answered ${response.status}`);
  return ((await response.json()) as { client_id: string }).client_id;
}

/** The status /authorize answers for a client (an unknown client gets an error page, never a redirect). */
async function authorizeStatus(url: string, clientId: string): Promise<number> {
  const authorize = new URL(`${url}/authorize`);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: 'http://127.0.0.1:65000/callback',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  }).toString();
  const response = await fetch(authorize, { redirect: 'manual' });
  await response.body?.cancel();
  return response.status;
}

/** The next JSON line `{"event": name, …}` a child writes on stdout. */
function nextEvent<T>(child: ChildProcess, name: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const exited = (code: number | null): void => reject(new Error(`exited (${code}) before "${name}"`));
    child.once('exit', exited);
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as { event?: string };
        if (parsed.event !== name) return;
        child.off('exit', exited);
        lines.close();
        resolve(parsed as T);
      } catch {
        // Not an event line.
      }
    });
  });
}
