// MCP "Runtime Insufficient Scope Errors" at the MCP endpoint: a tools/call whose tool needs a scope the token lacks
// (after the scope hierarchy) gets 403 with `error="insufficient_scope"`, every scope the call needs and
// `resource_metadata`, in every revision, for the demo server and the gateway alike; nothing is executed or
// forwarded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayHandler } from '../../resource/gateway.ts';
import { createNodeHttpFetch } from '../../resource/node-http-fetch.ts';
import { listenOnLoopback, type LoopbackServer } from '../../../testkit/loopback-server.ts';
import { BASE, type TestProxy } from '../support/test-proxy.ts';
import { demoProxy, legacy, modern, postMcp } from '../support/mcp-messages.ts';

const PRM = `resource_metadata="${BASE}/.well-known/oauth-protected-resource/mcp"`;

function challenge(response: Response): string | null {
  return response.headers.get('www-authenticate');
}

describe('the per-tool scope check on the demo server (default scopes)', () => {
  let t: TestProxy & { tokenFor(scope?: string): Promise<string> };
  let basic: string;
  beforeAll(async () => {
    t = await demoProxy();
    basic = await t.tokenFor();
  });

  it.each([
    ['2026-07-28', modern('tools/call', { name: 'admin_audit', arguments: {} })],
    ['2025-11-25', legacy('tools/call', { name: 'admin_audit', arguments: {} }, '2025-11-25')],
    ['2025-03-26', legacy('tools/call', { name: 'admin_audit', arguments: {} }, undefined)],
  ])('answers admin_audit at %s with a basic token with 403 naming mcp:admin', async (_rev, message) => {
    const response = await postMcp(t, basic, message);
    expect(response.status).toBe(403);
    expect(challenge(response)).toBe(
      `Bearer error="insufficient_scope", error_description="Calling admin_audit needs scope mcp:admin", ${PRM}, scope="mcp:admin"`,
    );
    expect(await response.json()).toMatchObject({ error: 'insufficient_scope' });
  });

  it('names every scope a 2025-03-26 batch needs in one challenge, not only the missing one', async () => {
    const batch = [
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } },
      { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'admin_audit', arguments: {} } },
    ];
    const response = await postMcp(t, basic, { body: batch });
    expect(response.status).toBe(403);
    expect(challenge(response)).toContain('scope="mcp:tools mcp:admin"');
  });

  it('lets the basic token call whoami, and list every tool (admin_audit included)', async () => {
    expect((await postMcp(t, basic, modern('tools/call', { name: 'whoami', arguments: {} }))).status).toBe(200);
    const list = await postMcp(t, basic, modern('tools/list'));
    expect(JSON.stringify(await list.json())).toContain('admin_audit');
  });

  it('accepts a broader scope for a narrower one: an mcp:admin token calls whoami and admin_audit', async () => {
    const admin = await t.tokenFor('mcp:admin');
    for (const name of ['whoami', 'admin_audit']) {
      const response = await postMcp(t, admin, modern('tools/call', { name, arguments: {} }));
      expect(response.status).toBe(200);
      expect(await response.json()).not.toHaveProperty('error');
    }
  });

  it('judges the header-mismatch before the scope: Mcp-Name cannot smuggle a tool past the check', async () => {
    const smuggled = modern(
      'tools/call',
      { name: 'admin_audit', arguments: {} },
      { headers: { 'mcp-name': 'whoami' } },
    );
    const response = await postMcp(t, basic, smuggled);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: -32020 } });
  });
});

describe('the per-tool scope check with no tool scopes configured', () => {
  it('lets any token call admin_audit', async () => {
    const t = await demoProxy({ toolScopes: [] });
    const response = await postMcp(t, await t.tokenFor(), modern('tools/call', { name: 'admin_audit', arguments: {} }));
    expect(response.status).toBe(200);
  });
});

describe('the per-tool scope check in gateway mode', () => {
  let backend: LoopbackServer;
  let hits: string[];
  let t: TestProxy & { tokenFor(scope?: string): Promise<string> };
  let basic: string;

  beforeAll(async () => {
    hits = [];
    backend = await listenOnLoopback((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        hits.push(Buffer.concat(chunks).toString());
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"jsonrpc":"2.0","id":1,"result":{"content":[]}}');
      });
    });
    t = await demoProxy({
      mcpHandler: createGatewayHandler({ backendUrl: `${backend.url}/mcp`, fetch: createNodeHttpFetch() }),
    });
    basic = await t.tokenFor();
  });
  afterAll(() => backend.close());

  it('refuses admin_audit before forwarding, reading the tool from Mcp-Name (2026-07-28) or the body', async () => {
    hits.length = 0;
    for (const message of [
      modern('tools/call', { name: 'admin_audit', arguments: {} }),
      legacy('tools/call', { name: 'admin_audit', arguments: {} }, '2025-06-18'),
      { body: [legacy('tools/call', { name: 'admin_audit' }, undefined).body] },
    ]) {
      const response = await postMcp(t, basic, message);
      expect(response.status).toBe(403);
      expect(challenge(response)).toContain('error="insufficient_scope"');
      expect(challenge(response)).toContain('scope="mcp:admin"');
      expect(challenge(response)).toContain(PRM);
    }
    expect(hits).toEqual([]);
  });

  it('forwards a call the token may make, body and MCP headers unchanged', async () => {
    hits.length = 0;
    const message = modern('tools/call', { name: 'some_backend_tool', arguments: { a: 1 } });
    const response = await postMcp(t, basic, message);
    expect(response.status).toBe(200);
    expect(hits).toEqual([JSON.stringify(message.body)]);
  });

  it('refuses a body it cannot read (400) and an Mcp-Name that disagrees with the body (400 -32020)', async () => {
    hits.length = 0;
    const garbage = await postMcp(t, basic, { body: '\u0000not json' });
    expect(garbage.status).toBe(400);
    const smuggled = modern(
      'tools/call',
      { name: 'admin_audit', arguments: {} },
      { headers: { 'mcp-name': 'whoami' } },
    );
    const mismatch = await postMcp(t, basic, smuggled);
    expect(mismatch.status).toBe(400);
    expect(await mismatch.json()).toMatchObject({ error: { code: -32020 } });
    const nameless = await postMcp(t, basic, legacy('tools/call', { name: ['admin_audit'] }, '2025-06-18'));
    expect(nameless.status).toBe(400);
    expect(hits).toEqual([]);
  });
});
