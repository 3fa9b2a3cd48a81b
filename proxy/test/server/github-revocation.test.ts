// Revoking one client's tokens must not reach the same user's other grants. Every MCP client of one GitHub user signs
// in through the proxy's one OAuth app, so deleting GitHub's app authorization (`/applications/{id}/grant`) deletes
// the upstream tokens of all of them, and fails any sign-in of that user in flight between the code exchange and
// GET /user. Revocation of one grant therefore deletes its one upstream token. Real standalone server, real mock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssuedToken } from '../../../mock-idp/index.ts';
import { form } from '../../../testkit/forms.ts';
import { runHttpFlow } from '../../../testkit/http-flow.ts';
import { startStack, type Stack } from '../../../testkit/stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack('github');
});
afterAll(() => stack?.close());

/** A full flow for `alice`, with the upstream access token the mock issued for it. */
async function signIn(): Promise<{ refreshToken: string; clientId: string; upstream: string }> {
  const before = new Set(stack.idp.issuedTokens().map((t: IssuedToken) => t.value));
  const client = await runHttpFlow(stack.proxy.url, { flavor: 'github', user: 'alice' });
  const issued = stack.idp.issuedTokens().filter((t) => t.type === 'access_token' && !before.has(t.value));
  expect(issued).toHaveLength(1);
  return { refreshToken: client.tokens.refresh_token, clientId: client.clientId, upstream: issued[0]!.value };
}

const githubUser = (accessToken: string) =>
  fetch(`${stack.idp.url}/user`, { headers: { authorization: `Bearer ${accessToken}` } });

describe('revocation with the github upstream', () => {
  it("revokes the grant's own upstream token and leaves the same user's other grants signed in upstream", async () => {
    const first = await signIn();
    const second = await signIn();
    expect((await githubUser(second.upstream)).status).toBe(200);

    const revoked = await fetch(`${stack.proxy.url}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form({ token: first.refreshToken, token_type_hint: 'refresh_token', client_id: first.clientId }),
    });
    expect(revoked.status).toBe(200);

    expect((await githubUser(first.upstream)).status).toBe(401);
    expect((await githubUser(second.upstream)).status).toBe(200);
    // And the user can sign in again while the other grant lives on.
    const third = await signIn();
    expect((await githubUser(third.upstream)).status).toBe(200);
  });
});
