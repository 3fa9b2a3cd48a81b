// The MCP probe against real MCP servers of each era behind a bearer check, on loopback: a 2025-only server (TS SDK
// v1, stateless and sessionful), a 2026-07-28-only server (TS SDK v2 createMcpHandler with legacy: 'reject', what
// @better-auth/mcp prescribes) and a dual-era one (createMcpHandler's default). Whatever --revision the suite runs,
// a valid token must read as accepted and a bad one as refused; a protocol error is never a token verdict.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { McpServer as McpServerV1 } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { createMcpHandler, McpServer as McpServerV2 } from '@modelcontextprotocol/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { NotTestable } from '../lib/model/outcome.ts';
import type { Revision } from '../lib/model/vocabulary.ts';
import { probeMcp, requireUnderstood } from '../lib/oauth/mcp-probe.ts';
import { callTool } from '../lib/oauth/mcp-tool-call.ts';
import { CheckSession } from '../lib/session/check-session.ts';
import { normaliseSettings } from '../lib/target/settings.ts';

const TOKEN = 'good-token';

type Handler = (request: Request) => Promise<Response>;

/** A resource server's bearer check in front of an MCP handler: 401 with the RFC 9728 challenge, as MCP requires. */
function behindBearer(handler: Handler): Handler {
  return async (request) => {
    if (request.headers.get('authorization') !== `Bearer ${TOKEN}`) {
      return Response.json(
        { error: 'invalid_token' },
        {
          status: 401,
          headers: {
            'www-authenticate': `Bearer error="invalid_token", resource_metadata="${new URL(request.url).origin}/.well-known/oauth-protected-resource/mcp"`,
          },
        },
      );
    }
    return handler(request);
  };
}

/** TS SDK v1 (2025 revisions only), stateless with JSON answers, or sessionful as server-everything is. */
function v1Server(sessions: boolean): Handler {
  const transports = new Map<string, WebStandardStreamableHTTPServerTransport>();
  const build = () => {
    const server = new McpServerV1({ name: 'v1', version: '1.0.0' });
    server.registerTool('echo', { description: 'echo', inputSchema: { text: z.string() } }, ({ text }) => ({
      content: [{ type: 'text', text }],
    }));
    return server;
  };
  return async (request) => {
    const id = request.headers.get('mcp-session-id');
    if (sessions && id && transports.has(id)) return transports.get(id)!.handleRequest(request);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: sessions ? randomUUID : undefined,
      enableJsonResponse: !sessions,
      onsessioninitialized: (sid) => void transports.set(sid, transport),
    });
    await build().connect(transport);
    return transport.handleRequest(request);
  };
}

/** TS SDK v2: 2026-07-28, and the 2025 revisions served statelessly unless `legacy` is 'reject'. */
function v2Server(legacy: 'stateless' | 'reject'): Handler {
  const handler = createMcpHandler(
    () => {
      const server = new McpServerV2({ name: 'v2', version: '1.0.0' });
      server.registerTool('echo', { description: 'echo', inputSchema: z.object({ text: z.string() }) }, ({ text }) => ({
        content: [{ type: 'text', text }],
      }));
      return server;
    },
    { legacy },
  );
  return (request) => handler.fetch(request);
}

/** Refuses every request with a JSON-RPC protocol error, whatever its form. */
const understandsNothing: Handler = async () =>
  Response.json(
    { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'nothing is understood here' } },
    { status: 400 },
  );

const servers = {
  '2025-only (SDK v1, stateless)': { handler: v1Server(false), form: 'legacy' },
  '2025-only (SDK v1, sessionful)': { handler: v1Server(true), form: 'legacy' },
  '2026-07-28-only (SDK v2, legacy: reject)': { handler: v2Server('reject'), form: 'modern' },
  'dual-era (SDK v2 default)': { handler: v2Server('stateless'), form: undefined },
} as const;

const REVISIONS: Revision[] = ['2025-06-18', '2025-11-25', '2026-07-28'];

const listening: ServerType[] = [];
const urls = new Map<string, string>();

async function listen(handler: Handler): Promise<string> {
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: behindBearer(handler), port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  listening.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
}

function sessionFor(mcp: string, revision: Revision): CheckSession {
  const settings = normaliseSettings({ target: new URL(mcp).origin, mcp, revision, requestTimeoutMs: 10_000 });
  return new CheckSession(settings, () => Promise.reject(new Error('no browser in this test')));
}

beforeAll(async () => {
  for (const [name, { handler }] of Object.entries(servers)) urls.set(name, await listen(handler));
  urls.set('nothing', await listen(understandsNothing));
});
afterAll(async () => {
  for (const server of listening) await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe.each(Object.entries(servers))('the MCP probe against a %s server', (name, { form }) => {
  it.each(REVISIONS)('reads a valid token as accepted, under --revision %s', async (revision) => {
    const probe = await probeMcp(sessionFor(urls.get(name)!, revision), TOKEN);
    expect(probe.verdict, probe.diagnosis).toBe('accepted');
    expect(probe.form).toBe(form ?? (revision === '2026-07-28' ? 'modern' : 'legacy'));
  });

  it.each(REVISIONS)('reads a bad token as refused with its challenge, under --revision %s', async (revision) => {
    const probe = await probeMcp(sessionFor(urls.get(name)!, revision), 'bad-token');
    expect({ verdict: probe.verdict, status: probe.status }).toEqual({ verdict: 'refused', status: 401 });
    expect(probe.challenge?.resource_metadata).toMatch(/oauth-protected-resource/);
  });

  it.each(REVISIONS)('calls a tool the way a client of its era does, under --revision %s', async (revision) => {
    const call = await callTool(sessionFor(urls.get(name)!, revision), TOKEN, 'echo', { text: 'hi' });
    expect(call.verdict, call.diagnosis).toBe('accepted');
    expect(call.result?.content).toEqual([{ type: 'text', text: 'hi' }]);
  });
});

describe('the MCP probe against a server that understands no form', () => {
  it('is not a token verdict: requireUnderstood makes the check not testable with the diagnosis', async () => {
    const probe = await probeMcp(sessionFor(urls.get('nothing')!, '2026-07-28'), TOKEN);
    expect(probe.verdict).toBe('not-understood');
    expect(probe.attempts).toEqual(['modern server/discover → 400 -32600', 'legacy initialize → 400 -32600']);
    expect(() => requireUnderstood(probe)).toThrow(NotTestable);
    expect(() => requireUnderstood(probe)).toThrow(/understood neither/);
  });

  it('still reads a bad token as refused: the bearer check answers before the protocol', async () => {
    const probe = await probeMcp(sessionFor(urls.get('nothing')!, '2025-11-25'), 'bad-token');
    expect(probe.verdict).toBe('refused');
  });
});
