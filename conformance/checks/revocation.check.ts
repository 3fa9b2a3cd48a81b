// RFC 7009 token revocation, checked only when the metadata advertises revocation_endpoint (conformance/requirements.md).
import { completedFlow } from '../lib/browser/flow.ts';
import { defineCheck } from '../lib/check/define-check.ts';
import { NotApplicable } from '../lib/model/outcome.ts';
import { ref } from '../lib/model/refs.ts';
import { advertises } from '../lib/oauth/discovery.ts';
import { probeMcp, probeMcpUntilRefused, requireUnderstood, type McpProbe } from '../lib/oauth/mcp-probe.ts';
import { errorCode, statusAndError } from '../lib/oauth/error-response.ts';
import { randomToken } from '../lib/oauth/pkce.ts';
import { otherClient } from '../lib/oauth/registration.ts';
import { revokeToken } from '../lib/oauth/revocation.ts';
import { refreshGrant, tokenSet } from '../lib/oauth/token.ts';
import type { CheckSession } from '../lib/session/check-session.ts';
import type { HttpResponse } from '../lib/transport/http.ts';

async function requireRevocation(session: CheckSession): Promise<void> {
  if (!(await advertises(session, 'revocation_endpoint')))
    throw new NotApplicable('revocation_endpoint not advertised');
}

defineCheck(
  {
    id: 'REV-01',
    title: 'a revoked refresh token can no longer be used',
    level: 'MUST',
    quote:
      'Implementations MUST support the revocation of refresh tokens and SHOULD support the revocation of access tokens (see Implementation Note).',
    refs: [ref.rfc(7009, '2'), ref.rfc(7009, '2.1')],
  },
  async ({ session, verdict }) => {
    await requireRevocation(session);
    const flow = await completedFlow(session);
    const rt = flow.tokens.refresh_token;
    if (!rt) return verdict.notApplicable('no refresh token issued');
    const res = await revokeToken(session, flow.client, rt, 'refresh_token');
    verdict.equal(res.status, 200, 'revocation status');
    verdict.equal(
      errorCode(await refreshGrant(session, flow.client, rt)),
      'invalid_grant',
      'refresh with the revoked token',
    );
    const mcp = await probeMcpUntilRefused(session, flow.tokens.access_token);
    if (mcp.verdict === 'not-understood') verdict.note(`the grant's access token after revocation: ${mcp.diagnosis}`);
    else if (mcp.status !== 401)
      verdict.warn('revoking the refresh token should also end the access tokens of the grant (REV-04)', {
        expected: 401,
        actual: mcp.status,
      });
  },
);

defineCheck(
  {
    id: 'REV-02',
    title: 'revoking an unknown token answers 200',
    level: 'MUST',
    quote:
      'The authorization server responds with HTTP status code 200 if the token has been revoked successfully or if the client submitted an invalid token.',
    refs: [ref.rfc(7009, '2.2')],
  },
  async ({ session, verdict }) => {
    await requireRevocation(session);
    const client = await otherClient(session);
    const res = await revokeToken(session, client, randomToken(24));
    verdict.equal(res.status, 200, 'status for an invalid token');
  },
);

/**
 * RFC 7009 §2.1: "The authorization server first validates the client credentials (in case of a confidential client)
 * and then verifies whether the token was issued to the client making the revocation request. If this validation
 * fails, the request is refused". A token that survives client B's request proves this only if B can revoke at all:
 * so B first revokes a token of its own (the positive path), and without that the check is not testable.
 */
defineCheck(
  {
    id: 'REV-03',
    title: "a client cannot revoke another client's token",
    level: 'MUST',
    quote:
      'The authorization server first validates the client credentials (in case of a confidential client) and then verifies whether the token was issued to the client making the revocation request. If this validation fails, the request is refused and the client is informed of the error by the authorization server as described below.',
    refs: [ref.rfc(7009, '2.1')],
  },
  async ({ session, verdict }) => {
    await requireRevocation(session);
    const other = await otherClient(session);
    const own = await completedFlow(session, { client: other });
    const ownRt = own.tokens.refresh_token;
    if (!ownRt) return verdict.notApplicable('no refresh token issued');
    await revokeToken(session, other, ownRt, 'refresh_token');
    if (tokenSet(await refreshGrant(session, other, ownRt))) {
      return verdict.notTestable(
        "client B cannot revoke its own refresh token either: that A's token survives B's request proves nothing (see REV-01)",
      );
    }
    const flow = await completedFlow(session);
    const rt = flow.tokens.refresh_token;
    if (!rt) return verdict.notApplicable('no refresh token issued');
    await revokeToken(session, other, rt, 'refresh_token');
    const res = await refreshGrant(session, flow.client, rt);
    verdict.check(Boolean(tokenSet(res)), "client A's refresh token must survive client B's revocation request", {
      expected: '200',
      actual: statusAndError(res),
    });
  },
);

defineCheck(
  {
    id: 'REV-05',
    title: 'a wrong token_type_hint does not prevent revocation',
    level: 'MUST',
    quote:
      'If the server is unable to locate the token using the given hint, it MUST extend its search across all of its supported token types.',
    refs: [ref.rfc(7009, '2.1')],
  },
  async ({ session, verdict }) => {
    await requireRevocation(session);
    const flow = await completedFlow(session);
    const rt = flow.tokens.refresh_token;
    if (!rt) return verdict.notApplicable('no refresh token issued');
    await revokeToken(session, flow.client, rt, 'access_token');
    verdict.equal(
      errorCode(await refreshGrant(session, flow.client, rt)),
      'invalid_grant',
      'refresh after revocation with hint access_token',
    );
  },
);

defineCheck(
  {
    id: 'REV-06',
    title: 'a revoked access token is refused at the MCP endpoint',
    level: 'SHOULD',
    quote:
      'Implementations MUST support the revocation of refresh tokens and SHOULD support the revocation of access tokens (see Implementation Note).',
    refs: [ref.rfc(7009, '2')],
  },
  async ({ session, verdict }) => {
    await requireRevocation(session);
    const { res, mcp } = await accessTokenRevocation(session);
    verdict.equal(res.status, 200, 'revocation status');
    verdict.equal(requireUnderstood(mcp).status, 401, 'MCP status with the revoked access token');
  },
);

/**
 * A fresh flow's access token revoked with its hint, then presented at the MCP endpoint (memoised: REV-06 judges it;
 * REV-04 reads from it whether the server revokes access tokens at all, RFC 7009 §2.2.1 unsupported_token_type: "The
 * authorization server does not support the revocation of the presented token type").
 */
function accessTokenRevocation(session: CheckSession): Promise<{ res: HttpResponse; mcp: McpProbe }> {
  return session.memo('access-token-revocation', async () => {
    const flow = await completedFlow(session);
    const res = await revokeToken(session, flow.client, flow.tokens.access_token, 'access_token');
    return { res, mcp: await probeMcpUntilRefused(session, flow.tokens.access_token) };
  });
}

/**
 * RFC 7009 §2.1: "If the particular token is a refresh token and the authorization server supports the revocation of
 * access tokens, then the authorization server SHOULD also invalidate all access tokens based on the same
 * authorization grant". All of them: the one issued with the code and the one a refresh issued. (The converse, "If
 * the token passed to the request is an access token, the server MAY revoke the respective refresh token as well",
 * is a MAY and only noted.) A server that answers 200 and leaves the grant's access tokens working lies about what
 * revocation achieved. Applies where the server revokes access tokens at all (it does not answer unsupported_token_type
 * to an access token's revocation, which REV-06 sends).
 */
defineCheck(
  {
    id: 'REV-04',
    title: 'revoking a refresh token ends every access token of its grant, the refreshed ones included',
    level: 'SHOULD',
    quote:
      'If the particular token is a refresh token and the authorization server supports the revocation of access tokens, then the authorization server SHOULD also invalidate all access tokens based on the same authorization grant (see Implementation Note).',
    refs: [ref.rfc(7009, '2.1')],
  },
  async ({ session, verdict }) => {
    await requireRevocation(session);
    const { res: accessRevocation } = await accessTokenRevocation(session);
    if (errorCode(accessRevocation) === 'unsupported_token_type') {
      return verdict.notApplicable(
        'the server does not revoke access tokens (unsupported_token_type, see REV-06): the sentence applies to servers that do',
      );
    }
    const flow = await completedFlow(session);
    if (!flow.tokens.refresh_token) return verdict.notApplicable('no refresh token issued');
    const refreshed = tokenSet(await refreshGrant(session, flow.client, flow.tokens.refresh_token));
    if (!refreshed?.refresh_token) return verdict.notTestable('the refresh did not return a new refresh token');
    const before = requireUnderstood(await probeMcp(session, refreshed.access_token));
    if (before.verdict !== 'accepted')
      return verdict.notTestable(`the refreshed access token is refused before any revocation (${before.status})`);
    const res = await revokeToken(session, flow.client, refreshed.refresh_token, 'refresh_token');
    verdict.equal(res.status, 200, 'revocation status');
    for (const [what, token] of [
      ['the access token issued with the code', flow.tokens.access_token],
      ['the access token issued by the refresh', refreshed.access_token],
    ] as const) {
      const mcp = requireUnderstood(await probeMcpUntilRefused(session, token));
      verdict.check(mcp.status === 401, `${what} must stop working once the grant's refresh token is revoked`, {
        expected: 401,
        actual: mcp.status,
      });
    }
  },
);
