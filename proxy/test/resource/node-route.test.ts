// The MCP route on Node's own objects (resource/node-route.ts), in front of a real loopback backend: it serves what
// it can finish exactly as the web route would (same status, body and route headers, same access line) and leaves
// everything else, every refusal of the bearer check among them, untouched to the web route.
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.ts';
import { createNodeGateway } from '../../resource/gateway-node.ts';
import { requestHeaders, type NodeExchange, type NodeMcpHandler } from '../../resource/node-route.ts';
import { listenOnLoopback, type LoopbackServer } from '../../../testkit/loopback-server.ts';
import { BASE, createTestProxy, obtainTokens, postForm, type TestProxy } from '../support/test-proxy.ts';

const TOOLS_LIST = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });

let backend: LoopbackServer;
const seen: Array<{ url?: string; headers: IncomingHttpHeaders; body: string }> = [];
const lines: Array<Record<string, unknown>> = [];

/** The proxy behind a server that offers every request to handleNode first and records its decision. */
async function front(mcpHandler: NodeMcpHandler) {
  const logger = createLogger('info', {
    write: (chunk: string) =>
      void lines.push(
        ...chunk
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l)),
      ),
  });
  // A grant the bearer check read stays in its cache for a minute: no test depends on the clock.
  const t = await createTestProxy({ mcpHandler, logger, grantCacheMs: 60_000 });
  const adapter = getRequestListener(t.proxy.fetch);
  const decisions: boolean[] = [];
  const server = await listenOnLoopback((req, res) => {
    const served = t.proxy.handleNode(req, res);
    decisions.push(served);
    if (!served) void adapter(req, res);
  });
  return { t, server, decisions };
}

let t: TestProxy;
let server: LoopbackServer;
let decisions: boolean[];
let token: string;
let clientId: string;

beforeAll(async () => {
  backend = await listenOnLoopback((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
      const answer = '{"jsonrpc":"2.0","id":1,"result":{"tools":[]}}';
      // Headers the route sets itself: its own values must win, as on the web route.
      res.writeHead(200, {
        'content-type': 'application/json',
        'access-control-allow-origin': 'https://backend.example',
        'x-request-id': 'backend-id',
        'mcp-session-id': 'session-1',
      });
      res.end(answer);
    });
  });
  ({ t, server, decisions } = await front(createNodeGateway({ backendUrl: `${backend.url}/mcp` })));
  const { flow, tokens } = await obtainTokens(t);
  token = tokens.access_token;
  clientId = flow.clientId;
  await warm(t, token);
});
afterAll(async () => {
  await server?.close();
  await backend?.close();
});
beforeEach(() => {
  decisions.length = 0;
  seen.length = 0;
  lines.length = 0;
});

/**
 * One call through the web route, which reads the grant into the bearer check's cache: the Node route takes only
 * tokens whose grant it holds (a miss needs the store, which is the web route's).
 */
async function warm(proxy: TestProxy, accessToken: string): Promise<void> {
  const response = await proxy.proxy.fetch(
    new Request(`${BASE}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: TOOLS_LIST,
    }),
  );
  expect(response.status).toBe(200);
}

function headersOf(response: Response): Record<string, string> {
  const kept: Record<string, string> = {};
  const hop = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);
  response.headers.forEach((value, key) => {
    if (!hop.has(key)) kept[key] = value;
  });
  return kept;
}

/** The same request over HTTP through the front server and in process through the web route. */
async function both(path: string, init: RequestInit): Promise<[Response, Response]> {
  const viaNode = await fetch(`${server.url}${path}`, init);
  const viaWeb = await t.proxy.fetch(new Request(`${BASE}${path}`, init));
  return [viaNode, viaWeb];
}

describe('the MCP route on Node objects (gateway mode)', () => {
  it('serves an authenticated POST and answers as the web route does, route headers and access line included', async () => {
    const init = {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'x-request-id': 'req-0001',
      },
      body: TOOLS_LIST,
    };
    const [viaNode, viaWeb] = await both('/mcp', init);
    expect(decisions).toEqual([true]);
    expect(viaNode.status).toBe(200);
    expect(headersOf(viaNode)).toEqual(headersOf(viaWeb));
    expect(viaNode.headers.get('access-control-allow-origin')).toBe('*');
    expect(viaNode.headers.get('x-request-id')).toBe('req-0001');
    expect(await viaNode.text()).toBe(await viaWeb.text());
    // The backend saw the body, the identity headers, and never the client's token.
    expect(seen[0]!.body).toBe(TOOLS_LIST);
    expect(seen[0]!.headers.authorization).toBeUndefined();
    expect(seen[0]!.headers['x-mcp-client-id']).toBe(clientId);
    const access = lines.filter((line) => line.event === 'request');
    expect(access).toHaveLength(2);
    const [nodeLine, webLine] = access.map(({ ms: _ms, time: _time, pid: _pid, ...rest }) => rest);
    expect(nodeLine).toEqual(webLine);
    expect(nodeLine).toMatchObject({ requestId: 'req-0001', method: 'POST', path: '/mcp', status: 200, clientId });
  });

  it('sends its own refusals through the route: a body that is not JSON gets the JSON-RPC parse error', async () => {
    const init = { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{not json' };
    const [viaNode, viaWeb] = await both('/mcp?x=1', init);
    expect(decisions).toEqual([true]);
    expect(viaNode.status).toBe(400);
    expect(headersOf(viaNode)).toEqual({ ...headersOf(viaWeb), 'x-request-id': viaNode.headers.get('x-request-id')! });
    expect(await viaNode.json()).toEqual(await viaWeb.json());
    expect(seen).toHaveLength(0);
  });

  it.each([
    ['no token', '/mcp', {}],
    ['a token that does not verify', '/mcp', { authorization: 'Bearer not.a.jwt' }],
    ['a malformed Authorization header', '/mcp', { authorization: 'Bearer a b' }],
    ['a token in the query as well', '/mcp?access_token=abc', { authorization: 'TOKEN' }],
    ['a form-encoded body', '/mcp', { authorization: 'TOKEN', 'content-type': 'application/x-www-form-urlencoded' }],
    ['another path', '/mcp/', { authorization: 'TOKEN' }],
  ])('leaves a request with %s to the web route', async (_case, path, headers: Record<string, string>) => {
    const withToken = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, v === 'TOKEN' ? `Bearer ${token}` : v]),
    );
    const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: withToken, body: TOOLS_LIST });
    expect(decisions).toEqual([false]);
    const web = await t.proxy.fetch(
      new Request(new URL(path, BASE), { method: 'POST', headers: withToken, body: TOOLS_LIST }),
    );
    expect(response.status).toBe(web.status);
    expect(response.headers.get('www-authenticate')).toBe(web.headers.get('www-authenticate'));
  });

  it('leaves a target with dot segments to the web route, which normalises it', async () => {
    // fetch() would normalise the path itself: node:http sends it as written.
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(server.url);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: '/x/../mcp',
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(TOOLS_LIST);
    });
    expect(decisions).toEqual([false]);
    expect(status).toBe(200);
  });

  it('leaves preflights and HEAD to the web route', async () => {
    const preflight = await fetch(`${server.url}/mcp`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    const head = await fetch(`${server.url}/mcp`, { method: 'HEAD', headers: { authorization: `Bearer ${token}` } });
    expect(decisions).toEqual([false, false]);
    expect(preflight.status).toBe(204);
    expect(head.status).toBeLessThan(500);
  });

  it('refuses a token at once when its grant is revoked (the cache forgets it, the web route reads the store)', async () => {
    const { flow, tokens } = await obtainTokens(t);
    const call = () =>
      fetch(`${server.url}/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
        body: TOOLS_LIST,
      });
    expect((await call()).status).toBe(200);
    await warm(t, tokens.access_token);
    expect((await call()).status).toBe(200);
    expect((await postForm(t.proxy, '/revoke', { token: tokens.refresh_token, client_id: flow.clientId })).status).toBe(
      200,
    );
    const refused = await call();
    // The first call's grant was not cached yet; the second was served on Node; the revoked one is not.
    expect(decisions).toEqual([false, true, false]);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it.each([
    [
      'thrown at once',
      () => {
        throw new Error('planted fault');
      },
    ],
    [
      'met while sending an answer',
      (exchange: NodeExchange) =>
        exchange.send(new Response(new ReadableStream({ start: (c) => c.error(new Error('planted fault')) }))),
    ],
  ])("answers a fault of the handler's own (%s) with the RFC-shaped 500, never a crash", async (_case, serveNode) => {
    const broken: NodeMcpHandler = Object.assign(async () => new Response(null), { serveNode });
    const other = await front(broken);
    try {
      const { tokens } = await obtainTokens(other.t);
      await warm(other.t, tokens.access_token);
      const response = await fetch(`${other.server.url}/mcp`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.access_token}` },
        body: TOOLS_LIST,
      });
      expect(other.decisions).toEqual([true]);
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({
        error: 'server_error',
        error_description: 'An unexpected error occurred',
      });
      expect(response.headers.get('x-request-id')).toBeTruthy();
    } finally {
      await other.server.close();
    }
  });
});

describe("the Node route's view of a request's headers", () => {
  /** What requestHeaders and a web Headers (the web route's view) read from the same raw request. */
  async function bothViews(head: string): Promise<[Array<[string, string]>, Array<[string, string]>]> {
    let views: [Array<[string, string]>, Array<[string, string]>] | undefined;
    const server = await listenOnLoopback((req, res) => {
      const node: Array<[string, string]> = [];
      const headers = requestHeaders(req);
      headers.forEach((value, name) => node.push([name, value]));
      expect(node.map(([name]) => headers.get(name))).toEqual(node.map(([, value]) => value));
      const web = new Headers();
      for (let i = 0; i < req.rawHeaders.length; i += 2) web.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
      views = [node.sort(), [...web].sort()];
      res.end();
    });
    try {
      const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
      socket.end(`GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n${head}Connection: close\r\n\r\n`);
      await new Promise((resolve) => socket.on('close', resolve).resume());
    } finally {
      await server.close();
    }
    return views!;
  }

  it('is what the web route reads when no field is repeated', async () => {
    const [node, web] = await bothViews('Authorization: Bearer a\r\nContent-Type: application/json\r\nX-Y: 1\r\n');
    expect(node).toEqual(web);
  });

  it('is what the web route reads when fields are repeated, those node:http keeps only one of among them', async () => {
    const [node, web] = await bothViews(
      'Authorization: Bearer a\r\nauthorization: Bearer b\r\nCookie: a=1\r\nCookie: b=2\r\n' +
        'Content-Type: a/b\r\nContent-Type: c/d\r\nMcp-Method: x\r\nMCP-Method: y\r\n',
    );
    expect(node).toEqual(web);
    expect(node).toContainEqual(['authorization', 'Bearer a, Bearer b']);
  });
});
