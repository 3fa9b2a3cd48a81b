// Streamable HTTP at the demo MCP endpoint, whatever the revision: POST only (405 with Allow: POST otherwise, as
// every revision allows when no GET stream and no sessions are offered), JSON bodies only, bounded bodies.
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE, type TestProxy } from '../support/test-proxy.ts';
import { demoProxy, legacy, modern, postMcp } from '../support/mcp-messages.ts';

let t: TestProxy;
let token: string;

beforeAll(async () => {
  const demo = await demoProxy();
  t = demo;
  token = await demo.tokenFor();
});

describe('the demo MCP endpoint over HTTP', () => {
  it.each(['GET', 'DELETE', 'PUT'])('answers %s with a valid token with 405 and Allow: POST', async (method) => {
    const response = await postMcp(t, token, { body: '' }, { method });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600 } });
  });

  it('answers GET without a token with the 401 challenge, before anything else', async () => {
    const response = await t.proxy.fetch(new Request(`${BASE}/mcp`, { headers: { accept: 'text/event-stream' } }));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('resource_metadata=');
  });

  it('refuses a body that is not application/json (415), not JSON (400 -32700) or too large (413)', async () => {
    const form = await postMcp(t, token, { body: 'a=b' }, { contentType: 'application/x-www-form-urlencoded' });
    expect(form.status).toBe(415);
    const garbage = await postMcp(t, token, { body: '{"jsonrpc":' });
    expect(garbage.status).toBe(400);
    expect(await garbage.json()).toMatchObject({ id: null, error: { code: -32700 } });
    const huge = await postMcp(t, token, { body: `"${'x'.repeat(4 * 1024 * 1024)}"` });
    expect(huge.status).toBe(413);
  });

  it('refuses a client that accepts no JSON (406) and something that is not JSON-RPC (400 -32600)', async () => {
    const html = await postMcp(t, token, legacy('tools/list', {}, '2025-06-18'), { accept: 'text/html' });
    expect(html.status).toBe(406);
    const notRpc = await postMcp(t, token, { body: { hello: 'world' } });
    expect(notRpc.status).toBe(400);
    expect(await notRpc.json()).toMatchObject({ error: { code: -32600 } });
  });

  it('serves either era on one endpoint, chosen by the body', async () => {
    const modernList = await postMcp(t, token, modern('tools/list'));
    expect(await modernList.json()).toMatchObject({ result: { resultType: 'complete' } });
    const legacyList = await postMcp(t, token, legacy('tools/list', {}, '2025-11-25'));
    expect(((await legacyList.json()) as { result: object }).result).not.toHaveProperty('resultType');
  });

  it('answers a CORS preflight with the MCP headers allowed, Mcp-Param-* included', async () => {
    const response = await t.proxy.fetch(
      new Request(`${BASE}/mcp`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://inspector.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, mcp-method, mcp-name, mcp-param-region, x-evil',
        },
      }),
    );
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const allowed = response.headers.get('access-control-allow-headers')?.split(', ');
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'mcp-method', 'mcp-name', 'mcp-param-region']));
    expect(allowed).not.toContain('x-evil');
  });

  it('lets a browser client read the answer and the challenge (CORS headers on 200 and 401)', async () => {
    const ok = await postMcp(t, token, modern('tools/list'));
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    const refused = await t.proxy.fetch(
      new Request(`${BASE}/mcp`, { method: 'POST', headers: { origin: 'https://x.example' } }),
    );
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    expect(refused.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
    expect(refused.headers.get('x-request-id')).toBeTruthy();
  });
});
