// Authorization codes at the token endpoint: the happy exchange, single use, revocation on a valid replay, binding
// to the client and the redirect_uri, short life (conformance/requirements.md, CODE-*).
import { authorizationCode, exchangeCode, otherClientFlow, sharedFlow } from '../lib/browser/flow.ts';
import { defineCheck } from '../lib/check/define-check.ts';
import { ref } from '../lib/model/refs.ts';
import { probeMcp, probeMcpUntilRefused, requireUnderstood } from '../lib/oauth/mcp-probe.ts';
import { errorCode, statusAndError } from '../lib/oauth/error-response.ts';
import { newVerifier } from '../lib/oauth/pkce.ts';
import { otherClient, publicClientMetadata, registerClient } from '../lib/oauth/registration.ts';
import { race, refreshGrant, requireTokens, tokenSet } from '../lib/oauth/token.ts';

defineCheck(
  {
    id: 'PKCE-01',
    title: 'the authorization code flow with S256 PKCE yields tokens that the MCP endpoint accepts',
    level: 'MUST',
    quote:
      'If the client is capable of using "S256", it MUST use "S256", as "S256" is Mandatory To Implement (MTI) on the server.',
    refs: [ref.rfc(7636, '4.2'), ref.oauth21('Authorization Code Grant')],
  },
  async ({ session, verdict }) => {
    const flow = await sharedFlow(session);
    // A request the endpoint does not understand (any 4xx but 401/403, in both eras' forms) says nothing about the
    // token: not testable with the probe's diagnosis, never a token failure.
    const probe = requireUnderstood(await probeMcp(session, flow.tokens.access_token));
    verdict.check(probe.verdict === 'accepted', 'the MCP endpoint must accept the access token', {
      expected: '2xx',
      actual: `${probe.status} ${probe.response.text.slice(0, 120)} (${probe.attempts.join('; ')})`,
    });
  },
);

defineCheck(
  {
    id: 'CODE-01',
    title: 'a code can be redeemed only once',
    level: 'MUST',
    quote:
      'If an authorization code is used more than once, the authorization server MUST deny the request and SHOULD revoke (when possible) all tokens previously issued based on that authorization code.',
    refs: [ref.rfc(6749, '4.1.2'), ref.oauth21('Reuse of Authorization Codes')],
  },
  async ({ session, verdict }) => {
    const flow = await authorizationCode(session);
    requireTokens(await exchangeCode(session, flow), 'first redemption');
    const replay = await exchangeCode(session, flow);
    verdict.equal(statusAndError(replay), '400 invalid_grant', 'second redemption of the same code');
  },
);

defineCheck(
  {
    id: 'CODE-02',
    title: 'a valid replay of a code revokes the tokens issued from it',
    level: 'SHOULD',
    quote:
      'If the authorization server observes multiple attempts to exchange an authorization code for an access token, the authorization server SHOULD attempt to revoke all access tokens already granted based on the compromised authorization code.',
    refs: [ref.rfc(6749, '10.5'), ref.rfc(6749, '4.1.2')],
  },
  async ({ session, verdict }) => {
    const flow = await authorizationCode(session);
    const first = requireTokens(await exchangeCode(session, flow), 'first redemption');
    const replay = await exchangeCode(session, flow);
    if (tokenSet(replay))
      verdict.fail('the replay itself was answered with tokens (see CODE-01)', {
        level: 'MUST',
        actual: replay.status,
      });
    const mcp = requireUnderstood(await probeMcpUntilRefused(session, first.access_token));
    verdict.equal(mcp.status, 401, 'MCP status with the access token of a replayed code');
    if (first.refresh_token) {
      const refreshed = await refreshGrant(session, flow.client, first.refresh_token);
      verdict.equal(errorCode(refreshed), 'invalid_grant', 'refresh with the refresh token of a replayed code');
    }
  },
);

defineCheck(
  {
    id: 'CODE-03',
    title: 'an invalid replay (wrong verifier) is refused and does not revoke the first tokens',
    level: 'MUST',
    quote:
      'The authorization server MUST return an access token only once for a given authorization code. […] The authorization server SHOULD NOT revoke any issued tokens when receiving a replayed authorization code that contains invalid parameters.',
    refs: [ref.oauth21('Reuse of Authorization Codes')],
  },
  async ({ session, verdict }) => {
    const flow = await authorizationCode(session);
    const first = requireTokens(await exchangeCode(session, flow), 'first redemption');
    const replay = await exchangeCode(session, flow, { code_verifier: newVerifier() });
    verdict.equal(statusAndError(replay), '400 invalid_grant', 'replay with a wrong verifier');
    const mcp = await probeMcp(session, first.access_token);
    if (mcp.verdict === 'not-understood')
      verdict.note(`whether the first tokens survived is unknown: ${mcp.diagnosis}`);
    else if (mcp.status === 401)
      verdict.warn('an invalid replay SHOULD NOT revoke the issued tokens (denial of service)', {
        expected: 'token still accepted',
        actual: 401,
      });
  },
);

defineCheck(
  {
    id: 'CODE-05',
    title: 'a code is bound to its client: another client cannot redeem it',
    level: 'MUST',
    quote:
      'the authorization server MUST: […] ensure that the authorization code was issued to the authenticated confidential client, or if the client is public, ensure that the code was issued to client_id in the request',
    refs: [ref.oauth21('Token Request (authorization code)')],
  },
  async ({ session, verdict }) => {
    const flow = await authorizationCode(session);
    const other = await otherClient(session);
    // B presents the code as itself: with B's own credentials when the proxy issued secrets. Sending A's Basic
    // credentials with client_id=B would be one request with two client identities (RFC 6749 §2.3.1), not B.
    const res = await exchangeCode(session, flow, {}, other);
    verdict.equal(statusAndError(res), '400 invalid_grant', "redemption of client A's code by client B");
    // The refusal proves the binding only if B can redeem a code of its own (the positive path, same client).
    await otherClientFlow(session).catch((err: unknown) => {
      verdict.notTestable(
        `client B cannot redeem a code of its own either, so the refusal proves nothing: ${err instanceof Error ? err.message : String(err)}`,
      );
    });
  },
);

defineCheck(
  {
    id: 'CODE-06',
    title: 'a code is bound to its redirect_uri: another registered URI is refused at the token endpoint',
    level: 'MUST',
    quote:
      'The authorization server MUST: […] ensure that the "redirect_uri" parameter is present if the "redirect_uri" parameter was included in the initial authorization request as described in Section 4.1.1, and if included ensure that their values are identical.',
    refs: [ref.oauth21('Differences from OAuth 2.0'), ref.rfc(6749, '4.1.3')],
  },
  async ({ session, verdict }) => {
    const callback = await session.callback();
    const client = await registerClient(session, publicClientMetadata([callback.uri(), callback.uri('/other')]));
    const flow = await authorizationCode(session, { client, redirectUri: callback.uri() });
    const res = await exchangeCode(session, flow, { redirect_uri: callback.uri('/other') });
    verdict.equal(statusAndError(res), '400 invalid_grant', 'redemption with a different registered redirect_uri');
  },
);

/** How many redemptions of one code (or uses of one refresh token) race each other. */
const RACERS = 8;

/**
 * RFC 6749 §4.1.2: "The client MUST NOT use the authorization code more than once. If an authorization code is used
 * more than once, the authorization server MUST deny the request". OAuth 2.1 "Token Request (authorization code)"
 * repeats it for the server ("ensure that the authorization code was not used before"). Sent at once, the
 * redemptions reach the server together: a server that reads the code, checks it, and deletes it only afterwards (a
 * read-then-delete instead of one atomic take) lets several of them through, each with its own working token set.
 * Exactly one may succeed; the others get invalid_grant.
 */
defineCheck(
  {
    id: 'CODE-07',
    title: `of ${RACERS} concurrent redemptions of one code exactly one succeeds`,
    level: 'MUST',
    quote:
      'If an authorization code is used more than once, the authorization server MUST deny the request and SHOULD revoke (when possible) all tokens previously issued based on that authorization code.',
    refs: [ref.rfc(6749, '4.1.2'), ref.oauth21('Token Request (authorization code)')],
  },
  async ({ session, verdict }) => {
    const flow = await authorizationCode(session);
    const answers = await race(session, RACERS, () => exchangeCode(session, flow));
    const won = answers.filter((a) => tokenSet(a) !== undefined).length;
    const tally = answers.map(statusAndError).join(', ');
    if (won === 0) return verdict.notTestable(`none of the concurrent redemptions succeeded: ${tally}`);
    verdict.equal(won, 1, `successful redemptions of one code sent ${RACERS} times at once (${tally})`);
  },
);
