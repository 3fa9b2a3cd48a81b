// Several MCP requests arriving as the upstream token runs out must share one upstream refresh: IdPs that rotate
// refresh tokens (GitHub's expiring user tokens, Auth0, Okta) refuse the second use of one and may end the session.
import { describe, expect, it } from 'vitest';
import type { McpHandler } from '../../resource/auth-info.ts';
import { callMcp, createTestProxy, obtainTokens } from '../support/test-proxy.ts';

const upstreamTokenHandler: McpHandler = async (_request, auth) =>
  Response.json({ upstream: (await auth.upstreamTokens()).accessToken });

describe('upstream refresh for MCP requests', () => {
  it('refreshes once for concurrent requests of one grant, and every request gets the fresh upstream token', async () => {
    const t = await createTestProxy({ mcpHandler: upstreamTokenHandler } as Parameters<typeof createTestProxy>[0]);
    t.upstream.accessTokenTtl = 30; // inside the 60 s refresh margin: the first upstream token is due at once
    const { tokens } = await obtainTokens(t);
    t.upstream.accessTokenTtl = 3600;

    const answers = await Promise.all(
      Array.from({ length: 10 }, () => callMcp(t.proxy, tokens.access_token).then((r) => r.json())),
    );
    expect(t.upstream.calls.refresh).toHaveLength(1);
    const fresh = (answers as Array<{ upstream: string }>).map((a) => a.upstream);
    expect(new Set(fresh).size).toBe(1);
    expect(t.upstream.issued.at(-1)).toBe(fresh[0]);

    // The next request finds the refreshed token still fresh: no further upstream call.
    await callMcp(t.proxy, tokens.access_token);
    expect(t.upstream.calls.refresh).toHaveLength(1);
  });
});
