// RFC 8707 resource indicators and token audience at the MCP endpoint: tokens bound to the MCP resource, foreign and
// upstream tokens refused, no tokens in query strings (conformance/requirements.md, PRM-11..14).
import { authorizationCode, exchangeCode, sharedFlow } from '../lib/browser/flow.ts';
import { defineCheck } from '../lib/check/define-check.ts';
import { ref } from '../lib/model/refs.ts';
import { expectErrorRedirect } from '../lib/check/authorize-expectations.ts';
import { judgeForeignResourceToken } from '../lib/check/resource-expectations.ts';
import { authorizeParams, probeAuthorize, requireAcceptedControl } from '../lib/oauth/authorize-probe.ts';
import { jwtPayload } from '../lib/oauth/jwt.ts';
import { probeMcp, requireUnderstood } from '../lib/oauth/mcp-probe.ts';
import { randomToken } from '../lib/oauth/pkce.ts';
import { sharedClient } from '../lib/oauth/registration.ts';

defineCheck(
  {
    id: 'RES-01',
    title: 'a flow sending resource at /authorize and /token succeeds',
    level: 'MUST',
    quote: 'The resource parameter: 1. MUST be included in both authorization requests and token requests.',
    refs: [ref.mcpAuth('resource-parameter-implementation', 'Resource parameter'), ref.rfc(8707, '2')],
  },
  async ({ session, verdict }) => {
    const flow = await sharedFlow(session);
    verdict.check(flow.authorizeUrl.includes('resource='), 'the shared flow sent resource', { actual: 'no resource' });
    verdict.check(Boolean(flow.tokens.access_token), 'tokens were issued');
  },
);

/**
 * RFC 8707 §2: the resource value "MUST be an absolute URI" and "MUST NOT include a fragment component" (the
 * client's obligation); §2.1: "If the authorization server fails to parse the provided value(s) or does not consider
 * the resource(s) acceptable, it should reject the request with an error response using the error code
 * "invalid_target"". That "should" is lowercase (RFC 8707 cites RFC 8174: not a keyword), and MCP puts no stronger
 * obligation on the authorization server, so refusing a malformed resource is a SHOULD here, and refusing a
 * well-formed foreign one only information: which resources are acceptable is the server's choice. A refusal goes
 * back to the client as an error redirect with its state (client and redirect URI are valid, RFC 6749 §4.1.2.1).
 */
defineCheck(
  {
    id: 'RES-02',
    title: 'a malformed or foreign resource is refused at /authorize',
    level: 'SHOULD',
    quote:
      'If the authorization server fails to parse the provided value(s) or does not consider the resource(s) acceptable, it should reject the request with an error response using the error code invalid_target as the value of the error parameter',
    refs: [ref.rfc(8707, '2'), ref.rfc(8707, '2.1'), ref.rfc(6749, '4.1.2.1')],
  },
  async ({ session, verdict }) => {
    await requireAcceptedControl(session);
    const client = await sharedClient(session);
    const cb = (await session.callback()).uri();
    for (const resource of [`${session.settings.mcp}#fragment`, '/relative/mcp']) {
      const state = randomToken();
      const probe = await probeAuthorize(
        session,
        authorizeParams(session, client.client_id, cb, { resource, state }),
        cb,
      );
      expectErrorRedirect(verdict, probe, `resource=${resource}`, {
        redirectUri: cb,
        state,
        codes: ['invalid_target', 'invalid_request'],
      });
    }
    const foreign = await probeAuthorize(
      session,
      authorizeParams(session, client.client_id, cb, { resource: 'https://evil.example/mcp' }),
      cb,
    );
    if (foreign.kind === 'accepted')
      verdict.warn(
        'a resource this proxy does not serve was accepted (the server may choose to; RES-05 checks the token)',
        {
          level: 'MAY',
          actual: foreign.summary,
        },
      );
  },
);

defineCheck(
  {
    id: 'RES-03',
    title: 'access tokens are audience-restricted to the MCP resource',
    level: 'SHOULD',
    quote:
      'The authorization server SHOULD audience-restrict issued access tokens to the resource(s) indicated by the resource parameter.',
    refs: [ref.rfc(8707, '2'), ref.rfc(9068, '2.2')],
  },
  async ({ session, verdict }) => {
    const { tokens } = await sharedFlow(session);
    const payload = jwtPayload(tokens.access_token);
    if (!payload) return verdict.notTestable('opaque access token: audience not observable');
    const aud = payload.aud;
    verdict.check(
      aud === session.settings.mcp || (Array.isArray(aud) && aud.includes(session.settings.mcp)),
      'aud must name the MCP resource',
      { expected: session.settings.mcp, actual: aud },
    );
  },
);

/**
 * RFC 8707 §2.2: "The resource value(s) that is acceptable to an authorization server in fulfilling an access token
 * request is at its sole discretion based on local policy or configuration. In the case of a refresh_token or
 * authorization_code grant type request, such policy may limit the acceptable resources to those that were
 * originally granted by the resource owner". And §2: the server "SHOULD audience-restrict issued access tokens to
 * the resource(s) indicated". So: refusing the other resource conforms, and so does ignoring it while the token stays
 * restricted to the resource the user consented to (observable in a JWT's aud); a token for the other resource is a
 * SHOULD-level finding (the user consented to the MCP resource only), and so is an opaque token, whose audience the
 * suite cannot see.
 */
defineCheck(
  {
    id: 'RES-05',
    title:
      'a token request for a resource other than the authorized one is refused or stays bound to the authorized one',
    level: 'SHOULD',
    quote:
      'The resource value(s) that is acceptable to an authorization server in fulfilling an access token request is at its sole discretion based on local policy or configuration. […] The authorization server SHOULD audience-restrict issued access tokens to the resource(s) indicated by the resource parameter.',
    refs: [ref.rfc(8707, '2.2'), ref.rfc(8707, '2')],
  },
  async ({ session, verdict }) => {
    const flow = await authorizationCode(session);
    const other = 'https://other-resource.example/mcp';
    const res = await exchangeCode(session, flow, { resource: other });
    const consented = await sharedFlow(session);
    judgeForeignResourceToken(verdict, session.settings.mcp, other, res, 'SHOULD', consented.tokens.access_token);
  },
);

defineCheck(
  {
    id: 'PRM-13',
    title: 'an access token the upstream IdP issued is refused at the MCP endpoint',
    level: 'MUST',
    quote:
      'MCP servers MUST validate that access tokens were issued specifically for them as the intended audience, according to RFC 8707 Section 2.',
    refs: [ref.mcpAuth('token-handling', 'Token handling'), ref.mcpSbp('token-passthrough', 'Token passthrough')],
    needsHarness: true,
  },
  async ({ session, verdict }) => {
    await sharedFlow(session);
    const upstreamTokens = await session.upstreamIssuedTokens();
    if (upstreamTokens.length === 0) return verdict.notTestable('the mock IdP issued no token');
    for (const token of upstreamTokens.slice(-4)) {
      const res = requireUnderstood(await probeMcp(session, token));
      verdict.equal(res.status, 401, 'MCP status with an upstream token');
    }
  },
);

defineCheck(
  {
    id: 'PRM-14',
    title: 'an access token in the query string is not accepted',
    level: 'SHOULD',
    quote: 'Access tokens MUST NOT be included in the URI query string',
    refs: [ref.mcpAuth('token-requirements', 'Token requirements'), ref.oauth21('Bearer Token Usage')],
  },
  async ({ session, verdict }) => {
    const { tokens } = await sharedFlow(session);
    const url = new URL(session.settings.mcp);
    url.searchParams.set('access_token', tokens.access_token);
    const res = requireUnderstood(await probeMcp(session, undefined, url.toString()));
    verdict.equal(res.status, 401, 'MCP status with ?access_token=');
  },
);

defineCheck(
  {
    id: 'PRM-16',
    title: 'a tampered access token is refused with 401',
    level: 'MUST',
    quote: 'Invalid or expired tokens MUST receive a HTTP 401 response.',
    refs: [ref.mcpAuth('token-handling', 'Token handling'), ref.rfc(6750, '3.1')],
  },
  async ({ session, verdict }) => {
    const { tokens } = await sharedFlow(session);
    const t = tokens.access_token;
    const i = Math.floor(t.length * 0.8);
    const tampered = `${t.slice(0, i)}${t[i] === 'A' ? 'B' : 'A'}${t.slice(i + 1)}`;
    verdict.equal(requireUnderstood(await probeMcp(session, tampered)).status, 401, 'MCP status with a tampered token');
    const payload = jwtPayload(t);
    if (payload) {
      const [h, , sig] = t.split('.');
      const forged = Buffer.from(JSON.stringify({ ...payload, sub: 'conformance-forged' })).toString('base64url');
      verdict.equal(
        requireUnderstood(await probeMcp(session, `${h}.${forged}.${sig}`)).status,
        401,
        'MCP status with a modified payload',
      );
    }
  },
);
