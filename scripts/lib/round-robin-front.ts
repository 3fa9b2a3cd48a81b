// A minimal round-robin HTTP front for tests and benchmarks: each request goes to the next instance in turn, so a
// flow's steps land on different proxy instances and only shared storage can make it work. Loopback only.
import { request as httpRequest } from 'node:http';
import { listenOnLoopback } from '../../testkit/loopback-server.ts';

export interface RoundRobinFront {
  url: string;
  /** Sets the instances to rotate over (they usually need the front's URL first, as their public base URL). */
  setInstances(urls: string[]): void;
  /** How many requests each instance received, in instance order. */
  counts(): number[];
  close(): Promise<void>;
}

export async function startRoundRobinFront(port = 0): Promise<RoundRobinFront> {
  let targets: URL[] = [];
  let counts: number[] = [];
  let next = 0;
  const server = await listenOnLoopback((req, res) => {
    if (targets.length === 0) {
      res.writeHead(503, { 'content-type': 'text/plain' }).end('no instances yet');
      return;
    }
    const index = next;
    next = (next + 1) % targets.length;
    counts[index] = (counts[index] ?? 0) + 1;
    const target = targets[index]!;
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        // The Host header is kept so the instances see the public origin, as behind a real load balancer.
        headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' },
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('bad gateway');
    });
    req.pipe(upstream);
  }, port);
  return {
    url: server.url,
    setInstances(urls) {
      targets = urls.map((u) => new URL(u));
      counts = targets.map(() => 0);
      next = 0;
    },
    counts: () => [...counts],
    close: server.close,
  };
}
