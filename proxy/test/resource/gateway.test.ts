import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthInfo } from '../../resource/auth-info.ts';
import { createGatewayHandler } from '../../resource/gateway.ts';
import { createNodeGateway } from '../../resource/gateway-node.ts';
import { requestHeaders, type NodeExchange } from '../../resource/node-route.ts';
import { createNodeHttpFetch, keepAliveAgents } from '../../resource/node-http-fetch.ts';
import { listenOnLoopback, type LoopbackServer } from '../../../testkit/loopback-server.ts';

const auth: AuthInfo = {
  token: 'proxy-jwt-must-not-travel',
  sub: 'user-alice-0001',
  clientId: 'client-123',
  scopes: ['read', 'write'],
  grantId: 'grant-1',
  expiresAt: 2_000_000_000,
  user: { sub: 'user-alice-0001', name: 'Alice Ünïcode', email: 'alice@example.com', login: 'alice' },
  upstreamTokens: () => Promise.reject(new Error('the gateway must not read upstream tokens')),
  hasScopes: () => true,
  insufficientScope: () => new Response(null, { status: 403 }),
  checkToolCall: () => undefined,
};

type Gateway = (request: Request, auth: AuthInfo) => Promise<Response>;
type GatewayFactory = (options: { backendUrl: string }) => Promise<Gateway>;

const servers: LoopbackServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

/**
 * createNodeGateway's Node side behind a loopback server, with a stand-in for the route (node-route.ts) that hands
 * it the test's AuthInfo and writes heads as they come: the gateway's own answers, requests and streams, over real
 * HTTP. The route itself is tested through the standalone server (server/gateway-passthrough.test.ts).
 */
const viaNodeRoute: GatewayFactory = async (options) => {
  const gateway = createNodeGateway(options);
  let auth: AuthInfo | undefined;
  const server = await listenOnLoopback((req, res) => {
    const exchange: NodeExchange = {
      req,
      res,
      auth: auth!,
      headers: requestHeaders(req),
      target: req.url ?? '/',
      writeHead: (status, message, list) => res.writeHead(status, message, list),
      send: (response) => {
        void response.arrayBuffer().then((body) => {
          const list: string[] = [];
          response.headers.forEach((value, key) => list.push(key, value));
          res.writeHead(response.status, list).end(Buffer.from(body));
        });
      },
      fail: () => {
        res.writeHead(500).end();
      },
    };
    gateway.serveNode(exchange);
  });
  servers.push(server);
  return async (request, requestAuth) => {
    auth = requestAuth;
    const url = new URL(request.url);
    const body = request.method === 'GET' ? undefined : new Uint8Array(await request.arrayBuffer());
    return fetch(`${server.url}${url.pathname}${url.search}`, {
      method: request.method,
      headers: request.headers,
      body,
    });
  };
};

const SIDES: Array<[string, GatewayFactory]> = [
  ['fetch', async (options) => createGatewayHandler(options)],
  ['node:http', async (options) => createGatewayHandler({ ...options, fetch: createNodeHttpFetch() })],
  ['node route', viaNodeRoute],
];

describe.each(SIDES)('gateway to a backend MCP server (%s)', (_name, makeGateway) => {
  let backend: LoopbackServer;
  let backendUrl: string;
  let seen: { method?: string; headers?: IncomingHttpHeaders; body?: string; url?: string } = {};
  let releaseStream: () => void = () => {};

  beforeAll(async () => {
    backend = await listenOnLoopback((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen = { method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString(), url: req.url };
        if (req.url?.startsWith('/mcp?stream')) {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'set-cookie': 'backend=1' });
          res.write('event: message\ndata: {"first":true}\n\n');
          // The second event is only sent once the test has received the first through the gateway.
          releaseStream = () => res.end('event: message\ndata: {"second":true}\n\n');
          return;
        }
        if (req.url?.startsWith('/mcp?sized=')) {
          // A declared length: small answers are read whole, large ones stream.
          const answer = JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            result: { text: 'x'.repeat(Number(req.url.slice(11))) },
          });
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
          res.end(answer);
          return;
        }
        if (req.url === '/mcp?truncated') {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
          res.write('{"jsonrpc":');
          setTimeout(() => res.destroy(), 20);
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'abc' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: { ok: true } }));
      });
    });
    backendUrl = `${backend.url}/mcp`;
  });
  afterAll(() => backend.close());

  it('forwards the JSON-RPC body and answers with the backend response and its MCP headers', async () => {
    const gateway = await makeGateway({ backendUrl });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    const response = await gateway(
      new Request('http://proxy.test/mcp', { method: 'POST', body, headers: { 'content-type': 'application/json' } }),
      auth,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('mcp-session-id')).toBe('abc');
    expect(await response.json()).toEqual({ jsonrpc: '2.0', id: 1, result: { ok: true } });
    expect(seen.method).toBe('POST');
    expect(seen.body).toBe(body);
  });

  it.each([10, 200_000])('answers byte for byte with a declared length (%i characters)', async (size) => {
    const gateway = await makeGateway({ backendUrl });
    const response = await gateway(
      new Request(`http://proxy.test/mcp?sized=${size}`, { method: 'POST', body: '{}' }),
      auth,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const answer = (await response.json()) as { result: { text: string } };
    expect(answer.result.text).toHaveLength(size);
  });

  it('answers 502 when the backend breaks off an answer it declared the length of', async () => {
    const gateway = await makeGateway({ backendUrl });
    const response = await gateway(
      new Request('http://proxy.test/mcp?truncated', { method: 'POST', body: '{}' }),
      auth,
    );
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ error: { code: -32603 } });
  });

  it('never forwards the client credentials and sets identity headers only the proxy controls', async () => {
    const gateway = await makeGateway({ backendUrl });
    await gateway(
      new Request('http://proxy.test/mcp', {
        method: 'POST',
        body: '{}',
        headers: {
          authorization: `Bearer ${auth.token}`,
          cookie: 'session=secret',
          'x-mcp-user-sub': 'mallory',
          'x-mcp-admin': 'true',
        },
      }),
      auth,
    );
    expect(seen.headers?.authorization).toBeUndefined();
    expect(seen.headers?.cookie).toBeUndefined();
    expect(seen.headers?.['x-mcp-admin']).toBeUndefined();
    expect(seen.headers?.['x-mcp-user-sub']).toBe('user-alice-0001');
    expect(seen.headers?.['x-mcp-client-id']).toBe('client-123');
    expect(seen.headers?.['x-mcp-scopes']).toBe('read write');
    expect(decodeURIComponent(String(seen.headers?.['x-mcp-user-name']))).toBe('Alice Ünïcode');
  });

  it('streams server-sent events through without waiting for the backend to finish', async () => {
    const gateway = await makeGateway({ backendUrl });
    const response = await gateway(new Request('http://proxy.test/mcp?stream=1', { method: 'GET' }), auth);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('set-cookie')).toBeNull();
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    while (!received.includes('"first":true')) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      received += decoder.decode(value);
    }
    expect(received).not.toContain('second');
    releaseStream();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      received += decoder.decode(value);
    }
    expect(received).toContain('"second":true');
  });

  it('answers 502 with a JSON-RPC error when the backend is unreachable', async () => {
    const gateway = await makeGateway({ backendUrl: 'http://127.0.0.1:1/mcp' });
    const response = await gateway(new Request('http://proxy.test/mcp', { method: 'POST', body: '{}' }), auth);
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32603 } });
  });
});

describe.each(SIDES.slice(1))('the gateway body limit (%s)', (_name, makeGateway) => {
  it('refuses a request body over the forwarding limit with 413, and the backend never sees it', async () => {
    let hits = 0;
    const backend = await listenOnLoopback((_req, res) => {
      hits += 1;
      res.end('{}');
    });
    const url = `${backend.url}/mcp`;
    try {
      const gateway = await makeGateway({ backendUrl: url });
      const small = await gateway(new Request('http://proxy.test/mcp', { method: 'POST', body: '{}' }), auth);
      expect(small.status).toBe(200);
      const huge = new Uint8Array(17 * 1024 * 1024);
      const response = await gateway(new Request('http://proxy.test/mcp', { method: 'POST', body: huge }), auth);
      expect(response.status).toBe(413);
      expect(hits).toBe(1);
    } finally {
      await backend.close();
    }
  });
});

describe("the gateway's keep-alive agents", () => {
  it('drop an idle socket before the backend does, as its Keep-Alive hint says (else the next request gets a 502)', async () => {
    const backend = await listenOnLoopback((_req, res) => res.end('{}'));
    servers.push(backend);
    // node:http answers `Keep-Alive: timeout=3` with this setting.
    backend.server.keepAliveTimeout = 3_000;
    const agents = keepAliveAgents();
    const answer = await createNodeHttpFetch({ agents })(`${backend.url}/mcp`, { method: 'POST', body: '{}' });
    expect(answer.headers.get('keep-alive')).toBe('timeout=3');
    await answer.text();
    await new Promise((resolve) => setImmediate(resolve));
    const free = Object.values(agents['http:'].freeSockets).flat();
    expect(free).toHaveLength(1);
    // Node's agent closes its side a second before the hinted timeout.
    expect(free[0]!.timeout).toBe(2_000);
  });
});
