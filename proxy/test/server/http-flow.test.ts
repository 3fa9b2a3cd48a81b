import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshHttp, runHttpFlow } from '../../../testkit/http-flow.ts';
import { startStack, type Stack } from '../../../testkit/stack.ts';

describe.each(['github', 'oidc'] as const)('the standalone server over HTTP (%s upstream)', (flavor) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(flavor);
  });
  afterAll(() => stack?.close());

  it('serves the flow, the demo MCP endpoint and refresh rotation', async () => {
    const client = await runHttpFlow(stack.proxy.url, { flavor });
    const list = await fetch(stack.proxy.resource, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${client.tokens.access_token}`,
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(list.status).toBe(200);
    expect(list.headers.get('x-request-id')).toBeTruthy();
    expect(JSON.stringify(await list.json())).toContain('whoami');

    const refreshed = await refreshHttp(client, client.tokens.refresh_token);
    expect(refreshed.status).toBe(200);
    const again = await refreshHttp(client, client.tokens.refresh_token);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('answers /healthz for load balancers and readiness probes', async () => {
    const response = await fetch(`${stack.proxy.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});
