// Baselines for the gateway: a bare node:http forwarder with a keep-alive agent (what forwarding costs with no
// checks at all), a web-standard forwarder (the same hop through the interface the proxy's handlers have: a web
// Request in, a web Response out, on the same adapter and HTTP client, with no checks), and an SSE backend that
// stamps its first event with the moment it wrote it, so that the first byte's delay through the proxy can be
// measured against the same backend called directly.
import { request as httpRequest } from 'node:http';
import { createNodeHttpFetch, keepAliveAgents } from '../../proxy/resource/node-http-fetch.ts';
import { listenOnLoopback, type LoopbackServer } from '../../testkit/loopback-server.ts';
import { serveFetch, type Listening } from './proxy-stack.ts';

/** Forwards every request to `backendUrl`'s origin (same path), streaming both bodies, over kept-alive sockets. */
export function startBareForwarder(backendUrl: string): Promise<LoopbackServer> {
  const backend = new URL(backendUrl);
  // The gateway's own agent (a node:http keep-alive Agent), so that both sides keep and drop sockets alike.
  const agent = keepAliveAgents()['http:'];
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

/**
 * Forwards every request to `backendUrl` (its path, the request's query) as a web-standard handler: the node-server
 * adapter the proxy runs on, the gateway's node:http client, the body read whole, headers copied minus the hop's own,
 * the client's answer handed on as it is. What is left between this and the proxy's gateway is the proxy's own
 * work (its app and middleware, the bearer check, the JSON-RPC checks, the log line).
 */
export function startWebForwarder(backendUrl: string): Promise<Listening> {
  const send = createNodeHttpFetch();
  return serveFetch(async (request) => {
    const target = new URL(backendUrl);
    target.search = new URL(request.url).search;
    const body =
      request.method === 'GET' || request.method === 'HEAD' ? undefined : new Uint8Array(await request.arrayBuffer());
    const headers = new Headers(request.headers);
    for (const name of ['host', 'connection', 'content-length']) headers.delete(name);
    const answer = await send(target, { method: request.method, headers, body: body as BodyInit | undefined });
    // The client's own answer goes out as it is (its headers are mutable, a small body already whole).
    for (const name of ['connection', 'keep-alive', 'transfer-encoding', 'content-length']) answer.headers.delete(name);
    return answer;
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
