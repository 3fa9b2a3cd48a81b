// Gateway mode over real HTTP (PROXY_MCP_UPSTREAM): the standalone proxy in front of a loopback backend that records
// what it receives. The MCP request-metadata headers and the body reach the backend unchanged for every revision, a
// backend's 405 to GET reaches the client as a 405, and an SSE answer streams through: its first event arrives
// while the backend is still holding the stream open.
import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHttpFlow } from '../../../testkit/http-flow.ts';
import { listenOnLoopback, type LoopbackServer } from '../../../testkit/loopback-server.ts';
import { startStack, type Stack } from '../../../testkit/stack.ts';

describe('the gateway in front of a backend MCP server', () => {
  let backend: LoopbackServer;
  let stack: Stack;
  let token: string;
  const seen: Array<{ method?: string; headers: IncomingHttpHeaders; body: string }> = [];
  let release: () => void = () => {};

  beforeAll(async () => {
    backend = await listenOnLoopback((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        seen.push({ method: req.method, headers: req.headers, body });
        if (req.method === 'GET') {
          res.writeHead(405, { allow: 'POST', 'content-type': 'application/json' });
          res.end('{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"no GET stream"}}');
          return;
        }
        if (body.includes('"slow_stream"')) {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'x-accel-buffering': 'no' });
          res.write('event: message\ndata: {"jsonrpc":"2.0","method":"notifications/progress","params":{}}\n\n');
          release = () => res.end('event: message\ndata: {"jsonrpc":"2.0","id":1,"result":{"content":[]}}\n\n');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"jsonrpc":"2.0","id":1,"result":{}}');
      });
    });
    stack = await startStack('github', { PROXY_MCP_UPSTREAM: `${backend.url}/mcp` });
    token = (await runHttpFlow(stack.proxy.url, { flavor: 'github' })).tokens.access_token;
  });
  afterAll(async () => {
    release();
    await stack?.close();
    await backend?.close();
  });

  function post(body: string, headers: Record<string, string>): Promise<Response> {
    return fetch(stack.proxy.resource, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...headers,
      },
      body,
    });
  }

  it('passes the 2026-07-28 headers and body (its _meta included) through unchanged', async () => {
    seen.length = 0;
    const body = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: {
        name: 'backend_tool',
        arguments: { region: 'eu' },
        _meta: {
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientCapabilities': {},
          progressToken: 4,
        },
      },
    });
    const headers = {
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/call',
      'mcp-name': 'backend_tool',
      'mcp-param-region': 'eu',
    };
    expect((await post(body, headers)).status).toBe(200);
    expect(seen[0]?.body).toBe(body);
    expect(seen[0]?.headers).toMatchObject(headers);
    expect(seen[0]?.headers.authorization).toBeUndefined();
  });

  it('passes 2025 requests through unchanged too, header and all', async () => {
    seen.length = 0;
    const body = '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}';
    expect((await post(body, { 'mcp-protocol-version': '2025-06-18' })).status).toBe(200);
    expect(seen[0]?.body).toBe(body);
    expect(seen[0]?.headers['mcp-protocol-version']).toBe('2025-06-18');
  });

  it("answers GET with the backend's 405 and its body, not an empty stream", async () => {
    const response = await fetch(stack.proxy.resource, {
      headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
    });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toMatchObject({ error: { message: 'no GET stream' } });
  });

  it('streams an SSE answer through: the first event arrives before the backend finishes', async () => {
    const body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"slow_stream"}}';
    const response = await post(body, { 'mcp-protocol-version': '2025-11-25' });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    while (!received.includes('notifications/progress')) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      received += decoder.decode(value);
    }
    expect(received).not.toContain('"result"');
    release();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      received += decoder.decode(value);
    }
    expect(received).toContain('"result"');
  });
});
