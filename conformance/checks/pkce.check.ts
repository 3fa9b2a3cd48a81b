// Client-tier PKCE (RFC 7636, OAuth 2.1): a challenge is required and must be S256 (or an advertised method), and
// the token endpoint enforces the verifier, including against a downgrade to "plain" (requirements.md B7).
import { authorizationCode, exchangeCode, sharedFlow } from '../lib/browser/flow.ts';
import { defineCheck } from '../lib/check/define-check.ts';
import { ref } from '../lib/model/refs.ts';
import { authorizeParams, probeAuthorize, type Probe } from '../lib/oauth/authorize-probe.ts';
import { authorizationServerMetadata } from '../lib/oauth/discovery.ts';
import { errorCode, statusAndError } from '../lib/oauth/error-response.ts';
import { newVerifier } from '../lib/oauth/pkce.ts';
import { sharedClient } from '../lib/oauth/registration.ts';
import { tokenSet } from '../lib/oauth/token.ts';

function refusedAsInvalidRequest(probe: Probe): boolean {
  return probe.kind === 'error_page' || (probe.kind === 'error_redirect' && probe.error === 'invalid_request');
}

defineCheck(
  {
    id: 'PKCE-02',
    title: 'an authorization request without code_challenge is refused',
    level: 'MUST',
    refs: [ref.oauth21('Authorization Request'), ref.rfc(7636, '4.4.1')],
  },
  async ({ session, verdict }) => {
    const client = await sharedClient(session);
    const cb = (await session.callback()).uri();
    const probe = await probeAuthorize(
      session,
      authorizeParams(session, client.client_id, cb, { code_challenge: undefined, code_challenge_method: undefined }),
      cb,
    );
    verdict.check(refusedAsInvalidRequest(probe), 'public clients must send a code_challenge', {
      expected: 'error=invalid_request',
      actual: probe.summary,
    });
  },
);

defineCheck(
  {
    id: 'PKCE-03',
    title: 'an unsupported code_challenge_method is refused with invalid_request',
    level: 'MUST',
    refs: [ref.rfc(7636, '4.4.1')],
  },
  async ({ session, verdict }) => {
    const client = await sharedClient(session);
    const cb = (await session.callback()).uri();
    const probe = await probeAuthorize(
      session,
      authorizeParams(session, client.client_id, cb, { code_challenge_method: 'S512' }),
      cb,
    );
    verdict.check(refusedAsInvalidRequest(probe), 'code_challenge_method=S512', {
      expected: 'error=invalid_request',
      actual: probe.summary,
    });
  },
);

defineCheck(
  {
    id: 'PKCE-04',
    title: 'a wrong code_verifier is refused with invalid_grant',
    level: 'MUST',
    refs: [ref.rfc(7636, '4.6')],
  },
  async ({ session, verdict }) => {
    const flow = await authorizationCode(session);
    const res = await exchangeCode(session, flow, { code_verifier: newVerifier() });
    verdict.equal(statusAndError(res), '400 invalid_grant', 'token response for a wrong verifier');
  },
);

defineCheck(
  {
    id: 'PKCE-05',
    title: 'a missing code_verifier is refused',
    level: 'MUST',
    refs: [ref.oauth21('Token Request (authorization code)'), ref.rfc(9700, '2.1.1')],
  },
  async ({ session, verdict }) => {
    const flow = await authorizationCode(session);
    const res = await exchangeCode(session, flow, { code_verifier: undefined });
    verdict.check(!tokenSet(res) && res.status === 400, 'the code must not be redeemable without its verifier', {
      expected: '400 invalid_grant',
      actual: statusAndError(res),
    });
    if (errorCode(res) !== 'invalid_grant')
      verdict.warn('RFC 7636 §4.6 expects invalid_grant', { expected: 'invalid_grant', actual: errorCode(res) });
  },
);

defineCheck(
  {
    id: 'PKCE-07',
    title: 'a code_verifier outside 43–128 unreserved characters is refused',
    level: 'SHOULD',
    refs: [ref.rfc(7636, '4.1'), ref.oauth21('Authorization Request')],
  },
  async ({ session, verdict }) => {
    // The verifier's challenge is correct, so only the syntax check can refuse it.
    const shortVerifier = newVerifier().slice(0, 42);
    const flow = await authorizationCode(session, { verifier: shortVerifier });
    const res = await exchangeCode(session, flow);
    verdict.check(!tokenSet(res), 'a 42-character verifier violates the ABNF', {
      expected: '400',
      actual: statusAndError(res),
    });
  },
);

defineCheck(
  {
    id: 'PKCE-08',
    title: '"plain" is refused unless advertised (advertise-vs-enforce consistency)',
    level: 'MUST',
    refs: [ref.rfc(8414, '2'), ref.rfc(7636, '4.4.1')],
  },
  async ({ session, verdict }) => {
    const { body } = await authorizationServerMetadata(session);
    const methods = Array.isArray(body.code_challenge_methods_supported) ? body.code_challenge_methods_supported : [];
    const client = await sharedClient(session);
    const cb = (await session.callback()).uri();
    const verifier = newVerifier();
    const probe = await probeAuthorize(
      session,
      authorizeParams(session, client.client_id, cb, { code_challenge: verifier, code_challenge_method: 'plain' }),
      cb,
    );
    if (methods.includes('plain')) {
      if (probe.kind === 'accepted')
        verdict.warn('plain is advertised and accepted; MCP clients never need it', { level: 'SHOULD' });
      return;
    }
    verdict.check(refusedAsInvalidRequest(probe), 'plain is not advertised, so it must be refused', {
      expected: 'error=invalid_request',
      actual: probe.summary,
    });
  },
);

defineCheck(
  {
    id: 'PKCE-09',
    title: 'a code is bound to its own challenge: the verifier of another flow is refused',
    level: 'MUST',
    refs: [ref.oauth21('Authorization Request'), ref.rfc(7636, '4.6')],
  },
  async ({ session, verdict }) => {
    const other = await sharedFlow(session);
    const flow = await authorizationCode(session);
    const res = await exchangeCode(session, flow, { code_verifier: other.verifier });
    verdict.equal(statusAndError(res), '400 invalid_grant', "redemption with another flow's valid verifier");
    verdict.check(
      !flow.hit?.params.has('code_challenge'),
      'the challenge must not be echoed in the authorization response',
      { actual: 'code_challenge in the redirect' },
    );
  },
);

defineCheck(
  {
    id: 'PKCE-11',
    title: 'an S256 code cannot be redeemed with the challenge itself as verifier (downgrade to plain)',
    level: 'MUST',
    refs: [ref.rfc(7636, '4.6'), ref.rfc(9700, '2.1.1')],
  },
  async ({ session, verdict }) => {
    const flow = await authorizationCode(session);
    const res = await exchangeCode(session, flow, { code_verifier: flow.challenge });
    verdict.equal(statusAndError(res), '400 invalid_grant', 'redemption with verifier = challenge');
  },
);
