// Refresh tokens for public clients: rotation, the rotated-out token refused, reuse revoking the grant, client
// binding, no scope escalation, resource binding (conformance/requirements.md, RT-*).
import { completedFlow, otherClientFlow, type CompletedFlow } from '../lib/browser/flow.ts';
import { defineCheck } from '../lib/check/define-check.ts';
import { judgeForeignResourceToken } from '../lib/check/resource-expectations.ts';
import { NotApplicable } from '../lib/model/outcome.ts';
import { ref } from '../lib/model/refs.ts';
import { probeMcp, probeMcpUntilRefused, type McpProbe } from '../lib/oauth/mcp-probe.ts';
import { errorCode, statusAndError } from '../lib/oauth/error-response.ts';
import { otherClient } from '../lib/oauth/registration.ts';
import { race, refreshGrant, tokenSet } from '../lib/oauth/token.ts';
import type { CheckSession } from '../lib/session/check-session.ts';
import type { HttpResponse } from '../lib/transport/http.ts';

interface RotationScenario {
  flow: CompletedFlow;
  rt1: string;
  first: HttpResponse;
  /** The MCP endpoint's answer to the refreshed access token, before any reuse. */
  refreshedAccess?: McpProbe;
  second?: HttpResponse;
  reuseOfRt1?: HttpResponse;
  afterReuse?: HttpResponse;
  accessAfterReuse?: McpProbe;
}

/** One grant walked through rotation and reuse; each RT-0x check reads its own step. */
function rotationScenario(session: CheckSession): Promise<RotationScenario> {
  return session.memo('refresh-rotation', async () => {
    const flow = await completedFlow(session);
    const rt1 = flow.tokens.refresh_token;
    if (!rt1) throw new NotApplicable('no refresh token issued');
    const first = await refreshGrant(session, flow.client, rt1);
    const s: RotationScenario = { flow, rt1, first };
    const refreshed = tokenSet(first);
    if (refreshed) s.refreshedAccess = await probeMcp(session, refreshed.access_token);
    const rt2 = refreshed?.refresh_token;
    if (!rt2) return s;
    s.second = await refreshGrant(session, flow.client, rt2);
    const grace = session.settings.targetDescription.rtGraceSeconds ?? 0;
    if (grace > 0) await new Promise((r) => setTimeout(r, (grace + 1) * 1000));
    s.reuseOfRt1 = await refreshGrant(session, flow.client, rt1);
    const third = tokenSet(s.second);
    if (third?.refresh_token) s.afterReuse = await refreshGrant(session, flow.client, third.refresh_token);
    if (third) s.accessAfterReuse = await probeMcpUntilRefused(session, third.access_token);
    return s;
  });
}

async function grantWithRefreshToken(session: CheckSession): Promise<CompletedFlow & { rt: string }> {
  const flow = await completedFlow(session);
  if (!flow.tokens.refresh_token) throw new NotApplicable('no refresh token issued');
  return { ...flow, rt: flow.tokens.refresh_token };
}

defineCheck(
  {
    id: 'RT-01',
    title: 'a refresh returns a new refresh token (rotation for public clients)',
    level: 'MUST',
    quote:
      'For public clients, authorization servers MUST rotate refresh tokens as described in OAuth 2.1 Section 4.3.1 "Token Endpoint Extension".',
    refs: [ref.mcpAuth('token-theft', 'Token theft'), ref.oauth21('Refresh Token Grant')],
  },
  async ({ session, verdict }) => {
    const s = await rotationScenario(session);
    const tokens = tokenSet(s.first);
    verdict.check(Boolean(tokens), 'the refresh must succeed', { actual: statusAndError(s.first) });
    verdict.check(Boolean(tokens?.refresh_token), 'a new refresh token must be issued', {
      actual: '(no refresh_token)',
    });
    verdict.check(tokens?.refresh_token !== s.rt1, 'the new refresh token must differ from the old one', {
      actual: 'the same token',
    });
    verdict.check(tokens?.access_token !== s.flow.tokens.access_token, 'a new access token must be issued', {
      actual: 'the same access token',
    });
  },
);

defineCheck(
  {
    id: 'RT-04',
    title: 'the rotated refresh token works',
    level: 'MUST',
    quote:
      'The authorization server MAY issue a new refresh token, in which case the client MUST discard the old refresh token and replace it with the new refresh token.',
    refs: [ref.oauth21('Refresh Token Response')],
  },
  async ({ session, verdict }) => {
    const s = await rotationScenario(session);
    if (!s.second) return verdict.notTestable(`the first refresh failed: ${statusAndError(s.first)}`);
    verdict.check(Boolean(tokenSet(s.second)), 'refresh with the new refresh token must succeed', {
      expected: '200',
      actual: statusAndError(s.second),
    });
    const access = s.refreshedAccess;
    if (access?.verdict === 'not-understood') return verdict.notTestable(access.diagnosis);
    verdict.check(access?.verdict === 'accepted', 'the refreshed access token must be accepted', {
      expected: '2xx',
      actual: access ? `${access.status} (${access.attempts.join('; ')})` : '(not tried)',
    });
  },
);

defineCheck(
  {
    id: 'RT-02',
    title: 'a rotated-out refresh token is refused with invalid_grant',
    level: 'MUST',
    quote:
      'Authorization servers MUST utilize one of these methods to detect refresh token replay by malicious actors for public clients: […] the authorization server issues a new refresh token with every access token refresh response. The previous refresh token is invalidated but information about the relationship is retained by the authorization server.',
    refs: [ref.oauth21('Refresh Token Grant'), ref.rfc(9700, '4.14.2')],
  },
  async ({ session, verdict }) => {
    const s = await rotationScenario(session);
    if (!s.reuseOfRt1) return verdict.notTestable(`rotation did not complete: ${statusAndError(s.first)}`);
    verdict.equal(statusAndError(s.reuseOfRt1), '400 invalid_grant', 'reuse of the first refresh token');
  },
);

defineCheck(
  {
    id: 'RT-03',
    title: 'reuse of a rotated-out refresh token revokes the whole grant',
    level: 'MUST',
    quote:
      'Authorization servers MUST utilize one of these methods to detect refresh token replay by malicious actors for public clients: […] The authorization server cannot determine which party submitted the invalid refresh token, but it will revoke the active refresh token as well as the access authorization grant associated with it.',
    refs: [ref.rfc(9700, '4.14.2'), ref.oauth21('Refresh Token Grant')],
  },
  async ({ session, verdict }) => {
    const s = await rotationScenario(session);
    if (!s.afterReuse) return verdict.notTestable('rotation did not complete');
    verdict.equal(
      errorCode(s.afterReuse),
      'invalid_grant',
      'refresh with the newest refresh token after reuse was detected',
    );
    const access = s.accessAfterReuse;
    if (access?.verdict === 'not-understood') verdict.note(`the revoked grant's access token: ${access.diagnosis}`);
    else if (access && access.status !== 401) {
      verdict.warn('access tokens of the revoked grant should stop working', { expected: 401, actual: access.status });
    }
  },
);

/**
 * RFC 6749 §6: the requested scope "MUST NOT include any scope not originally granted by the resource owner, and if
 * omitted is treated as equal to the scope originally granted" (the client's obligation), and §3.3: "The
 * authorization server MAY fully or partially ignore the scope requested by the client". So a refresh asking for an
 * extra scope may be refused (invalid_scope, RFC 6749 §5.2) or answered with the scope originally granted; only a
 * token carrying the extra scope is wrong. §5.1: `scope` is "OPTIONAL, if identical to the scope requested by the
 * client; otherwise, REQUIRED", so a 200 without `scope` says the extra scope was granted.
 */
defineCheck(
  {
    id: 'RT-05',
    title: 'a refresh cannot add scopes; without scope it keeps the granted scope',
    level: 'MUST',
    quote:
      'The requested scope MUST NOT include any scope not originally granted by the resource owner, and if omitted is treated as equal to the scope originally granted by the resource owner.',
    refs: [ref.oauth21('Refresh Token Grant'), ref.rfc(6749, '6'), ref.rfc(6749, '3.3'), ref.rfc(6749, '5.1')],
  },
  async ({ session, verdict }) => {
    const flow = await grantWithRefreshToken(session);
    const granted = flow.tokens.scope ?? '';
    const escalated = await refreshGrant(session, flow.client, flow.rt, {
      scope: `${granted} conformance:escalated`.trim(),
    });
    const widened = tokenSet(escalated);
    let rt = flow.rt;
    if (widened) {
      verdict.check(
        widened.scope !== undefined && !widened.scope.split(' ').includes('conformance:escalated'),
        'an extra scope must not be granted',
        {
          expected: '400 invalid_scope, or 200 with the scope originally granted',
          actual: `200 scope=${widened.scope ?? '(absent: the requested scope, extra one included, is implied)'}`,
        },
      );
      verdict.note(`the extra scope was ignored: scope=${widened.scope ?? ''} (RFC 6749 §3.3 allows it)`);
      rt = widened.refresh_token ?? rt;
    } else {
      verdict.equal(errorCode(escalated), 'invalid_scope', 'error for an extra scope', 'SHOULD');
    }
    const plain = tokenSet(await refreshGrant(session, flow.client, rt));
    if (!plain) return verdict.notTestable('a refresh without scope failed after the escalation attempt');
    const sorted = (x: string): string => x.split(' ').filter(Boolean).sort().join(' ');
    verdict.equal(sorted(plain.scope ?? granted), sorted(granted), 'scope of a refresh without a scope parameter');
  },
);

defineCheck(
  {
    id: 'RT-06',
    title: "a refresh token is bound to its client: another client's id is refused",
    level: 'MUST',
    quote:
      'the authorization server MUST: […] if client authentication is included in the request, ensure that the refresh token was issued to the authenticated client, OR if a client_id is included in the request, ensure the refresh token was issued to the matching client',
    refs: [ref.oauth21('Refresh Token Grant')],
  },
  async ({ session, verdict }) => {
    const flow = await grantWithRefreshToken(session);
    const other = await otherClient(session);
    const res = await refreshGrant(session, other, flow.rt);
    verdict.equal(statusAndError(res), '400 invalid_grant', "refresh of client A's token by client B");
    // The refusal proves the binding only if B can refresh a token of its own (the positive path, same client).
    const own = await otherClientFlow(session);
    if (!own.tokens.refresh_token) return verdict.notTestable('client B got no refresh token of its own');
    const ownRefresh = await refreshGrant(session, other, own.tokens.refresh_token);
    if (!tokenSet(ownRefresh))
      verdict.notTestable(
        `client B cannot refresh its own token either (${statusAndError(ownRefresh)}), so the refusal proves nothing`,
      );
  },
);

/**
 * OAuth 2.1 "Token Response": "If refresh tokens are issued, those refresh tokens MUST be bound to the scope and
 * resource servers as consented by the resource owner." A refresh that asks for another resource is therefore
 * refused, or ignored with the token still restricted to the consented resource (a JWT's aud shows it; RFC 8707
 * §2.2 leaves the acceptable resources to the server). A token for the other resource, or an opaque token whose
 * audience nothing shows, breaks the binding. RFC 8707 §2's invalid_target is the code to use (a "should").
 */
defineCheck(
  {
    id: 'RT-07',
    title: 'a refresh for another resource is refused or stays bound to the consented resource',
    level: 'MUST',
    quote:
      'If refresh tokens are issued, those refresh tokens MUST be bound to the scope and resource servers as consented by the resource owner.',
    refs: [ref.oauth21('Token Response'), ref.rfc(8707, '2.2')],
  },
  async ({ session, verdict }) => {
    const flow = await grantWithRefreshToken(session);
    const other = 'https://other-resource.example/mcp';
    const res = await refreshGrant(session, flow.client, flow.rt, { resource: other });
    judgeForeignResourceToken(verdict, session.settings.mcp, other, res, 'MUST', flow.tokens.access_token);
  },
);

/** How many uses of one refresh token race each other. */
const RACERS = 8;

/**
 * RFC 9700 §4.14.2 (refresh token rotation): "the authorization server issues a new refresh token with every access
 * token refresh response. The previous refresh token is invalidated". OAuth 2.1 "Refresh Token Grant": for public
 * clients the authorization server "MUST" rotate (or sender-constrain) refresh tokens. A refresh token sent several
 * times at once is one token used several times: a server that reads it and deletes it only after minting the
 * successor hands out several live token families from one refresh token. At most one use may succeed (with a
 * declared grace window the others may get the same successor again, never a different one).
 */
defineCheck(
  {
    id: 'RT-11',
    title: `of ${RACERS} concurrent refreshes with one refresh token at most one new refresh token is minted`,
    level: 'MUST',
    quote:
      'Authorization servers MUST utilize one of these methods to detect refresh token replay by malicious actors for public clients: […] the authorization server issues a new refresh token with every access token refresh response. The previous refresh token is invalidated but information about the relationship is retained by the authorization server.',
    refs: [ref.rfc(9700, '4.14.2'), ref.oauth21('Refresh Token Grant')],
  },
  async ({ session, verdict }) => {
    const flow = await grantWithRefreshToken(session);
    const answers = await race(session, RACERS, () => refreshGrant(session, flow.client, flow.rt));
    const minted = new Set(answers.map((a) => tokenSet(a)?.refresh_token ?? tokenSet(a)?.access_token));
    minted.delete(undefined);
    const tally = answers.map(statusAndError).join(', ');
    if (minted.size === 0) return verdict.notTestable(`none of the concurrent refreshes succeeded: ${tally}`);
    verdict.equal(
      minted.size,
      1,
      `distinct token sets minted from one refresh token sent ${RACERS} times at once (${tally})`,
    );
  },
);

/**
 * The theft window. RFC 9700 §4.14.2 (refresh token rotation): "the authorization server issues a new refresh token
 * with every access token refresh response. The previous refresh token is invalidated but information about the
 * relationship is retained by the authorization server." So the previous token is dead as soon as its successor is
 * issued, not when the successor is first used: otherwise an attacker holding the old token mints a fresh pair of
 * their own while the client has not refreshed yet (OAuth 2.1 "Refresh Token Grant": for public clients the server
 * MUST rotate or sender-constrain refresh tokens). A declared grace window (`rtGraceSeconds`, catalogue RT-08) is a
 * profile, not a defect: inside it a retry may be answered with the same successor again, never with a new one.
 */
defineCheck(
  {
    id: 'RT-08',
    title: 'a rotated-out refresh token replayed before its successor is used mints nothing new',
    level: 'MUST',
    quote:
      'Authorization servers MUST utilize one of these methods to detect refresh token replay by malicious actors for public clients: […] the authorization server issues a new refresh token with every access token refresh response. The previous refresh token is invalidated but information about the relationship is retained by the authorization server.',
    refs: [ref.rfc(9700, '4.14.2'), ref.oauth21('Refresh Token Grant')],
  },
  async ({ session, verdict }) => {
    const flow = await grantWithRefreshToken(session);
    const rotated = tokenSet(await refreshGrant(session, flow.client, flow.rt));
    if (!rotated?.refresh_token) return verdict.notTestable('the first refresh did not return a new refresh token');
    // RT1 again, at once, while RT2 has not been used yet.
    const replay = await refreshGrant(session, flow.client, flow.rt);
    const replayed = tokenSet(replay);
    const grace = session.settings.targetDescription.rtGraceSeconds ?? 0;
    if (!replayed) {
      verdict.equal(statusAndError(replay), '400 invalid_grant', 'replay of the rotated-out refresh token');
      if (grace > 0) verdict.note(`profile: a ${grace} s grace window is declared, but the replay was refused`);
      return;
    }
    if (grace > 0) {
      verdict.check(
        replayed.refresh_token === rotated.refresh_token && replayed.access_token === rotated.access_token,
        `inside the declared ${grace} s grace window a retry may only get the same successor again`,
        { expected: 'the successor pair issued by the first refresh', actual: 'a new token pair' },
      );
      verdict.note(`profile: a retry within the declared ${grace} s grace window gets the same successor`);
      return;
    }
    verdict.fail('a rotated-out refresh token must not mint a new token pair, even before its successor is used', {
      expected: '400 invalid_grant (or a declared rtGraceSeconds window returning the same successor)',
      actual: `200 with ${replayed.refresh_token === rotated.refresh_token ? 'the same' : 'a new'} refresh token`,
    });
  },
);
