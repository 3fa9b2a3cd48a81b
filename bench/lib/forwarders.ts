// Baselines for the gateway: a bare node:http forwarder with a keep-alive agent (what forwarding costs with no
// checks at all), and an SSE backend that stamps its first event with the moment it wrote it, so that the first
// byte's delay through the proxy can be measured against the same backend called directly.
import { Agent, request as httpRequest } from 'node:http';
import { listenOnLoopback, type LoopbackServer } from '../../testkit/loopback-server.ts';

/** Forwards every request to `backendUrl`'s origin (same path), streaming both bodies, over kept-alive sockets. */
export function startBareForwarder(backendUrl: string): Promise<LoopbackServer> {
  const backend = new URL(backendUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  return listenOnLoopback((req, res) => {
    const upstream = httpRequest(
      {
        host: backend.hostname,
        port: backend.port,
        path: req.url,
        method: req.method,
        headers: { ...req.headers, host: backend.host },
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
}

/** The first SSE event's `t0`: process.hrtime (CLOCK_MONOTONIC, the same clock in every process of the host). */
export const SSE_FIRST_EVENT_DELAY_MS = 20;

/**
 * Answers any POST with an SSE stream: a progress notification at once, carrying the monotonic time in nanoseconds
 * at which it was written, then the result SSE_FIRST_EVENT_DELAY_MS later. A buffering proxy would deliver the
 * first event only with the second.
 */
export function startSseBackend(): Promise<LoopbackServer> {
  return listenOnLoopback((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const t0 = process.hrtime.bigint();
      res.write(
        `event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":` +
          `{"progressToken":1,"progress":1,"message":"t0=${t0}"}}\n\n`,
      );
      setTimeout(
        () => res.end(`event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{"content":[]}}\n\n`),
        SSE_FIRST_EVENT_DELAY_MS,
      );
    });
  });
}
