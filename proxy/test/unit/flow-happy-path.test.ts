import { describe, expect, it } from 'vitest';
import { BASE, callMcp, createTestProxy, obtainTokens, postForm } from '../support/test-proxy.ts';

describe('the authorization code flow, in process', () => {
  it('issues tokens that open the MCP endpoint, refresh with rotation and stop working after revocation', async () => {
    const t = await createTestProxy();
    const { flow, tokens } = await obtainTokens(t);
    expect(tokens.token_type).toBe('Bearer');
    expect(flow.redirect.searchParams.get('state')).toBe(flow.state);
    expect(flow.redirect.searchParams.get('iss')).toBe(BASE);

    const mcp = await callMcp(t.proxy, tokens.access_token);
    expect(mcp.status).toBe(200);
    expect(await mcp.json()).toMatchObject({ sub: '1001', clientId: flow.clientId, user: { login: 'alice' } });

    const refreshed = await postForm(t.proxy, '/token', {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: flow.clientId,
    });
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as { refresh_token: string; access_token: string };
    expect(next.refresh_token).not.toBe(tokens.refresh_token);

    const revoked = await postForm(t.proxy, '/revoke', { token: next.refresh_token, client_id: flow.clientId });
    expect(revoked.status).toBe(200);
    const after = await callMcp(t.proxy, next.access_token);
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});
