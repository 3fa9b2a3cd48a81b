// Proxy-added latency of a full HTTP-only authorization flow against the github mock: registration → authorize →
// consent → upstream login → callback → token → first MCP call (initialize), N flows one after another.
// Proxy-own time = the server's part of every request to the proxy (node:http's `request` event to the response's
// `finish`) − the time the proxy waited on the IdP. Next to it: the client-observed time of the same requests minus
// those waits, and the floor inside that figure, the same client's round trips to a bare node:http server.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMockIdp } from '../../mock-idp/index.ts';
import { TestBrowser } from '../../testkit/test-browser.ts';
import { authorizeHttp, exchangeCodeHttp, registerHttpClient } from '../../testkit/http-flow.ts';
import type { BenchContext } from '../lib/context.ts';
import { startInstrumentedProxy } from '../lib/instrumented-proxy.ts';
import { percentile } from '../lib/load.ts';
import { INITIALIZE_BODY, mcpHeaders } from '../lib/mcp-request.ts';
import { benchProxyEnv } from '../lib/proxy-stack.ts';
import { figure, type Figure } from '../lib/report.ts';

/** Sums the time and the number of the requests it sends to one origin. */
class TimedBrowser extends TestBrowser {
  ms = 0;
  requests = 0;
  constructor(private readonly origin: string) {
    super();
  }
  override async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const started = performance.now();
    try {
      return await super.fetch(url, init);
    } finally {
      if (url.startsWith(this.origin)) {
        this.ms += performance.now() - started;
        this.requests += 1;
      }
    }
  }
}

interface FlowTiming {
  wall: number;
  serverOwn: number;
  clientObserved: number;
  clientFloor: number;
  handlerOwn: number;
  upstream: number;
}

export async function runFlowBenchmark(ctx: BenchContext): Promise<Figure[]> {
  const flows = ctx.quick ? 20 : 200;
  const warmup = ctx.quick ? 3 : 10;
  const idp = await startMockIdp({ flavor: 'github' });
  const bare = await startBareServer();
  try {
    const proxy = await startInstrumentedProxy(benchProxyEnv(idp));
    try {
      const oneFlow = async (): Promise<FlowTiming> => {
        const upstream0 = proxy.upstreamMs();
        const handler0 = proxy.handlerMs();
        const server0 = proxy.serverMs();
        const browser = new TimedBrowser(`${proxy.url}/`);
        const started = performance.now();
        const client = await registerHttpClient(proxy.url, { flavor: 'github', browser });
        const { code, verifier } = await authorizeHttp(client, { flavor: 'github' });
        const token = await exchangeCodeHttp(client, code, verifier);
        if (token.status !== 200) throw new Error(`token answered ${token.status}: ${await token.text()}`);
        const { access_token: accessToken } = (await token.json()) as { access_token: string };
        const mcp = await browser.fetch(`${proxy.url}/mcp`, {
          method: 'POST',
          headers: mcpHeaders(accessToken),
          body: INITIALIZE_BODY,
        });
        if (mcp.status !== 200) throw new Error(`first MCP call answered ${mcp.status}: ${await mcp.text()}`);
        const wall = performance.now() - started;
        const upstream = proxy.upstreamMs() - upstream0;
        const serverOwn = proxy.serverMs() - server0 - upstream;
        const handlerOwn = proxy.handlerMs() - handler0 - upstream;
        return {
          wall,
          upstream,
          serverOwn,
          handlerOwn,
          clientObserved: browser.ms - upstream,
          clientFloor: await bare.roundTrips(browser.requests),
        };
      };
      for (let i = 0; i < warmup; i += 1) await oneFlow();
      proxy.ownMsByRoute().clear();
      ctx.log(`flow: ${flows} sequential flows against the github mock`);
      const timings: FlowTiming[] = [];
      for (let i = 0; i < flows; i += 1) timings.push(await oneFlow());
      const p = (key: keyof FlowTiming, q: number): number =>
        percentile(
          timings.map((t) => t[key]),
          q,
        );
      const wholeFlow = { name: 'whole flow', value: p('wall', 50) };
      return [
        figure({
          id: 'flow.proxy.p50',
          benchmark: 'flow',
          name: 'flow: proxy-own time p50',
          unit: 'ms',
          value: p('serverOwn', 50),
          baseline: wholeFlow,
          goal: { on: 'value', op: '<=', target: 5 },
          note:
            "the server's part of each request to the proxy (node:http request event to the response's finish) " +
            'minus its upstream waits; ratio = share of the flow',
        }),
        figure({
          id: 'flow.proxy.p99',
          benchmark: 'flow',
          name: 'flow: proxy-own time p99',
          unit: 'ms',
          value: p('serverOwn', 99),
          baseline: { name: 'whole flow', value: p('wall', 99) },
          goal: { on: 'value', op: '<=', target: 15 },
        }),
        figure({
          id: 'flow.client.p50',
          benchmark: 'flow',
          name: 'flow: client-observed time of the requests to the proxy p50, minus upstream waits',
          unit: 'ms',
          value: p('clientObserved', 50),
          baseline: { name: 'the same number of round trips to a bare node:http server', value: p('clientFloor', 50) },
          note: `p99 ${p('clientObserved', 99).toFixed(2)} ms (floor p99 ${p('clientFloor', 99).toFixed(2)} ms); the client is the test browser (undici fetch, a cookie jar, a copy of each answer) in the bench's process`,
        }),
        figure({
          id: 'flow.handler.p50',
          benchmark: 'flow',
          name: 'flow: proxy handler time p50 (no HTTP)',
          unit: 'ms',
          value: p('handlerOwn', 50),
          note: 'time inside the proxy handler minus upstream waits, without HTTP parsing or transfer',
          details: routeMedians(proxy.ownMsByRoute()),
        }),
        figure({
          id: 'flow.wall.p50',
          benchmark: 'flow',
          name: 'flow: whole flow p50',
          unit: 'ms',
          value: p('wall', 50),
        }),
        figure({
          id: 'flow.wall.p99',
          benchmark: 'flow',
          name: 'flow: whole flow p99',
          unit: 'ms',
          value: p('wall', 99),
        }),
        figure({
          id: 'flow.upstream.p50',
          benchmark: 'flow',
          name: 'flow: proxy waiting on the IdP p50',
          unit: 'ms',
          value: p('upstream', 50),
        }),
      ];
    } finally {
      await proxy.close();
    }
  } finally {
    await bare.close();
    await idp.close();
  }
}

/**
 * A bare node:http server answering a few bytes, and the time of n sequential requests to it from the flow's own
 * kind of client (the test browser: its cookie jar, and the copy of every answer it keeps).
 */
async function startBareServer(): Promise<{ roundTrips(n: number): Promise<number>; close(): Promise<void> }> {
  const server = createServer((_req, res) => res.end('{"ok":true}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    async roundTrips(n) {
      const started = performance.now();
      const browser = new TestBrowser();
      for (let i = 0; i < n; i += 1) await (await browser.fetch(url)).arrayBuffer();
      return performance.now() - started;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** p50 of the handler's own time per route, over the measured flows. */
function routeMedians(byRoute: Map<string, number[]>): Record<string, number> {
  return Object.fromEntries([...byRoute].map(([route, list]) => [route, Math.round(percentile(list, 50) * 100) / 100]));
}
