// RFC 8707 resource indicators and token audience at the MCP endpoint: tokens bound to the MCP resource, foreign and
// upstream tokens refused, no tokens in query strings (requirements.md B11, PRM-11..14).
import { authorizationCode, exchangeCode, sharedFlow } from '../lib/browser/flow.ts';
import { defineCheck } from '../lib/check/define-check.ts';
import { ref } from '../lib/model/refs.ts';
import { authorizeParams, probeAuthorize } from '../lib/oauth/authorize-probe.ts';
import { probeMcp, requireUnderstood } from '../lib/oauth/mcp-probe.ts';
import { statusAndError } from '../lib/oauth/error-response.ts';
import { sharedClient } from '../lib/oauth/registration.ts';
import { tokenSet } from '../lib/oauth/token.ts';

function jwtPayload(token: string): Record<string, unknown> | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

defineCheck(
  {
    id: 'RES-01',
    title: 'a flow sending resource at /authorize and /token succeeds',
    level: 'MUST',
    refs: [ref.mcpAuth('resource-parameter-implementation', 'Resource parameter'), ref.rfc(8707, '2')],
  },
  async ({ session, verdict }) => {
    const flow = await sharedFlow(session);
    verdict.check(flow.authorizeUrl.includes('resource='), 'the shared flow sent resource', { actual: 'no resource' });
    verdict.check(Boolean(flow.tokens.access_token), 'tokens were issued');
  },
);

defineCheck(
  {
    id: 'RES-02',
    title: 'a malformed or foreign resource is refused at /authorize',
    level: 'MUST',
    refs: [ref.rfc(8707, '2')],
  },
  async ({ session, verdict }) => {
    const client = await sharedClient(session);
    const cb = (await session.callback()).uri();
    for (const resource of [`${session.settings.mcp}#fragment`, '/relative/mcp']) {
      const probe = await probeAuthorize(session, authorizeParams(session, client.client_id, cb, { resource }), cb);
      verdict.check(
        probe.kind === 'error_page' || probe.kind === 'error_redirect',
        `resource=${resource} must be refused`,
        {
          expected: 'invalid_target / invalid_request',
          actual: probe.summary,
        },
      );
    }
    const foreign = await probeAuthorize(
      session,
      authorizeParams(session, client.client_id, cb, { resource: 'https://evil.example/mcp' }),
      cb,
    );
    if (foreign.kind === 'accepted')
      verdict.warn('a resource this proxy does not serve should be refused (invalid_target)', {
        actual: foreign.summary,
      });
  },
);

defineCheck(
  {
    id: 'RES-03',
    title: 'access tokens are audience-restricted to the MCP resource',
    level: 'SHOULD',
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

defineCheck(
  {
    id: 'RES-05',
    title: 'a token request for a resource other than the authorized one is refused',
    level: 'MUST',
    refs: [ref.rfc(8707, '2.2')],
  },
  async ({ session, verdict }) => {
    const flow = await authorizationCode(session);
    const res = await exchangeCode(session, flow, { resource: 'https://other-resource.example/mcp' });
    verdict.check(!tokenSet(res), 'no token for a resource that was not authorized', {
      expected: '400 invalid_target / invalid_grant',
      actual: statusAndError(res),
    });
  },
);

defineCheck(
  {
    id: 'PRM-13',
    title: 'an access token the upstream IdP issued is refused at the MCP endpoint',
    level: 'MUST',
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
