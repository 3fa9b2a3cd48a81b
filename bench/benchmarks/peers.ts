// The reference proxy side by side with third-party MCP OAuth proxies, all in front of the same GitHub-style mock:
// protected `tools/list` over one MCP session opened by the official SDK client with the token it obtained itself.
//
// Sides, each in its own process, each run right after a bare node:http server answering the same bytes (so every
// proxy figure has its own "what HTTP alone costs" next to it, measured moments before):
// - reference:      `node proxy/bin/mcp-oauth-proxy.js` as the README starts it (compiled package, memory storage,
//                   LOG_LEVEL=info, its log lines written to the null device);
// - reference-2026: the same server, the MCP 2026-07-28 single-exchange form of the request (no session, `Mcp-Method`,
//                   `_meta` carrying the revision);
// - fastmcp:        FastMCP (TypeScript) `OAuthProvider`/`OAuthProxy` with its HTTP-stream MCP server;
// - sdk-proxy:      the MCP TypeScript SDK's `mcpAuthRouter` + `ProxyOAuthServerProvider` + `requireBearerAuth` + a
//                   stateless streamable HTTP server (its `verifyAccessToken` asks the upstream's userinfo on every
//                   request, as the provider needs: the mock's CPU is reported next to it).
// The peers are devDependencies of bench/ only (bench/package.json, the versions conformance/examples/ pins), started
// from the same server.js the suite's examples run (conformance/examples/<side>/server.js), configured the same way.
import { freePort } from '../../testkit/free-port.ts';
import type { BenchContext } from '../lib/context.ts';
import { spawnListening, spawnReady, spawnServers, type ReadyChild } from '../lib/child.ts';
import {
  loadRound,
  median,
  processCpuMs,
  summarise,
  type LoadTarget,
  type RoundResult,
  type SideResult,
} from '../lib/load.ts';
import { probe } from '../lib/mcp-request.ts';
import { figure, type Figure } from '../lib/report.ts';
import { sdkClientSession } from '../lib/sdk-client-session.ts';
import { describeRound } from './mcp.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const PEER_SIDES = ['fastmcp', 'sdk-proxy'] as const;
type Side = 'reference' | 'reference-2026' | (typeof PEER_SIDES)[number];

interface MockReady {
  url: string;
  proxyEnv: Record<string, string>;
}

/** 50 connections, rounds of 10 s (quick: 1 s), 3 rounds (quick: 2). */
export function peersLoad(ctx: BenchContext): { connections: number; roundSeconds: number; rounds: number } {
  return ctx.quick ? { connections: 50, roundSeconds: 1, rounds: 2 } : { connections: 50, roundSeconds: 10, rounds: 3 };
}

export async function runPeersBenchmark(ctx: BenchContext): Promise<Figure[]> {
  const children: Array<ReadyChild<unknown>> = [];
  try {
    const idp = await spawnReady<MockReady>([`${ROOT}mock-idp/bin/mock-idp.js`, '--flavor', 'github'], {
      stderr: 'ignore',
    });
    children.push(idp);
    const upstreamEnv = idp.ready.proxyEnv;

    const referencePort = await freePort();
    const reference = await spawnReady<{ url: string; mcp: string }>([`${ROOT}proxy/bin/mcp-oauth-proxy.js`], {
      env: { ...upstreamEnv, PORT: String(referencePort), LOG_LEVEL: 'info' },
      stderr: 'ignore',
    });
    children.push(reference);

    const peers: Record<(typeof PEER_SIDES)[number], { child: ReadyChild<undefined>; mcp: string }> = {} as never;
    for (const side of PEER_SIDES) {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const child = await spawnListening(
        [`${ROOT}conformance/examples/${side}/server.js`],
        `${base}/.well-known/oauth-authorization-server`,
        { env: { ...upstreamEnv, PORT: String(port), PROXY_BASE_URL: base }, cwd: `${ROOT}bench` },
      );
      children.push(child);
      peers[side] = { child, mcp: `${base}/mcp` };
    }

    const targets = {} as Record<Side, LoadTarget>;
    const pids = {} as Record<Side, number>;
    const referenceSession = await sdkClientSession(reference.ready.mcp, idp.ready.url);
    targets.reference = referenceSession.toolsList;
    targets['reference-2026'] = singleExchange(reference.ready.mcp, referenceSession.accessToken);
    pids.reference = pids['reference-2026'] = reference.child.pid!;
    for (const side of PEER_SIDES) {
      targets[side] = (await sdkClientSession(peers[side].mcp, idp.ready.url)).toolsList;
      pids[side] = peers[side].child.child.pid!;
    }
    const sides = Object.keys(targets) as Side[];
    const answers: Record<string, { body: string; contentType: string }> = {};
    for (const side of sides) answers[side] = await probe(targets[side]);
    const bare = await spawnServers<{ targets: Record<Side, LoadTarget> }>('bytes', {
      BENCH_ANSWERS: JSON.stringify(answers),
    });
    children.push(bare);
    const bareTargets = Object.fromEntries(
      sides.map((side) => [side, { ...targets[side], url: bare.ready.targets[side].url }]),
    ) as Record<Side, LoadTarget>;
    for (const side of sides) await probe(bareTargets[side]);

    const load = peersLoad(ctx);
    ctx.log(
      `peers: ${sides.map((s) => `bare+${s}`).join(' ')} × ${load.rounds} rounds of ${load.roundSeconds} s, ` +
        `${load.connections} connections`,
    );
    const measure = async (name: string, target: LoadTarget, pid: number, seconds: number): Promise<RoundResult> => {
      const before = processCpuMs(pid);
      const upstreamBefore = processCpuMs(idp.child.pid!);
      const result = await loadRound(target, { connections: load.connections, seconds });
      if (result.requests > 0) {
        const cpuUs = ((processCpuMs(pid) - before) * 1000) / result.requests;
        if (Number.isFinite(cpuUs)) result.cpuUs = cpuUs;
        upstreamCpu[name] ??= [];
        upstreamCpu[name].push(((processCpuMs(idp.child.pid!) - upstreamBefore) * 1000) / result.requests);
      }
      if (result.failures > 0) {
        throw new Error(`${name}: ${result.failures} failed requests (${result.failureKinds}; ${target.url})`);
      }
      return result;
    };
    const upstreamCpu: Record<string, number[]> = {};
    for (const side of sides) {
      await measure(`bare:${side}`, bareTargets[side], bare.child.pid!, ctx.load.warmupSeconds);
      await measure(side, targets[side], pids[side], ctx.load.warmupSeconds);
    }
    for (const key of Object.keys(upstreamCpu)) delete upstreamCpu[key];
    const rounds: Record<string, RoundResult[]> = {};
    for (let round = 0; round < load.rounds; round += 1) {
      for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
        // The bare server answering the same bytes always runs right before its side.
        for (const [name, target, pid] of [
          [`bare:${side}`, bareTargets[side], bare.child.pid!],
          [side, targets[side], pids[side]],
        ] as const) {
          const result = await measure(name, target, pid, load.roundSeconds);
          (rounds[name] ??= []).push(result);
          ctx.log(`  ${name} round ${round + 1}: ${describeRound(result)}`);
        }
      }
    }
    const r = Object.fromEntries(Object.entries(rounds).map(([name, list]) => [name, summarise(list)]));
    return peersFigures(sides, r, upstreamCpu, answers);
  } finally {
    for (const child of children.reverse()) await child.stop().catch(() => undefined);
  }
}

/** MCP 2026-07-28: one self-contained POST (no session; revision, method and client in headers and `_meta`). */
function singleExchange(mcp: string, accessToken: string): LoadTarget {
  return {
    url: mcp,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${accessToken}`,
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/list',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/list',
      params: {
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1.0.0' },
          'io.modelcontextprotocol/clientCapabilities': {},
        },
      },
    }),
  };
}

const LABEL: Record<Side, string> = {
  reference: 'reference (mcp-oauth-proxy)',
  'reference-2026': 'reference, 2026-07-28 single exchange',
  fastmcp: 'fastmcp OAuthProxy',
  'sdk-proxy': 'SDK mcpAuthRouter + ProxyOAuthServerProvider',
};

function peersFigures(
  sides: Side[],
  r: Record<string, SideResult>,
  upstreamCpu: Record<string, number[]>,
  answers: Record<string, { body: string; contentType: string }>,
): Figure[] {
  const figures: Figure[] = [];
  const best = PEER_SIDES.reduce((a, b) => (r[b]!.rps > r[a]!.rps ? b : a));
  const reference = r.reference!;
  figures.push(
    figure({
      id: 'peers.rps',
      benchmark: 'peers',
      name: `peers: protected tools/list, reference vs best peer (${best})`,
      unit: 'req/s',
      value: reference.rps,
      baseline: { name: LABEL[best], value: r[best]!.rps },
      goal: { on: 'ratio', op: '>=', target: 2 },
      note: '50 connections, one MCP session of the SDK client each; each side right after its bare node:http run',
    }),
    figure({
      id: 'peers.p99',
      benchmark: 'peers',
      name: `peers: p99, reference vs best peer (${best})`,
      unit: 'ms',
      value: reference.p99,
      baseline: { name: LABEL[best], value: r[best]!.p99 },
      goal: { on: 'ratio', op: '<=', target: 1 },
    }),
  );
  for (const side of sides) {
    const s = r[side]!;
    const b = r[`bare:${side}`]!;
    const upstream = median(upstreamCpu[side] ?? []);
    figures.push(
      figure({
        id: `peers.${side}.rps`,
        benchmark: 'peers',
        name: `peers: ${LABEL[side]}`,
        unit: 'req/s',
        value: s.rps,
        baseline: { name: 'bare node:http, same bytes', value: b.rps },
        note:
          `p50 ${s.p50} ms, p99 ${s.p99} ms (bare ${b.p50} / ${b.p99} ms); answer ${answers[side]!.contentType}, ` +
          `${Buffer.byteLength(answers[side]!.body)} bytes` +
          (upstream >= 5 ? `; the mock IdP spent ${upstream.toFixed(0)} µs per request too` : ''),
      }),
    );
    if (s.cpuUs !== undefined && b.cpuUs !== undefined) {
      figures.push(
        figure({
          id: `peers.${side}.cpu`,
          benchmark: 'peers',
          name: `peers: ${LABEL[side]}, server CPU per request`,
          unit: 'µs',
          value: s.cpuUs,
          baseline: { name: 'bare node:http', value: b.cpuUs },
        }),
      );
    }
  }
  return figures;
}
