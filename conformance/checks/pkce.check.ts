// Client-tier PKCE (RFC 7636, OAuth 2.1): a challenge is required and must be S256 (or an advertised method), and
// the token endpoint enforces the verifier, including against a downgrade to "plain" (conformance/requirements.md).
import { authorizationCode, exchangeCode, sharedFlow } from '../lib/browser/flow.ts';
import { defineCheck } from '../lib/check/define-check.ts';
import { ref } from '../lib/model/refs.ts';
import { expectErrorRedirect } from '../lib/check/authorize-expectations.ts';
import { authorizeParams, probeAuthorize, requireAcceptedControl } from '../lib/oauth/authorize-probe.ts';
import { authorizationServerMetadata } from '../lib/oauth/discovery.ts';
import { errorCode, statusAndError } from '../lib/oauth/error-response.ts';
import { newVerifier, randomToken } from '../lib/oauth/pkce.ts';
import { sharedClient } from '../lib/oauth/registration.ts';
import { tokenSet } from '../lib/oauth/token.ts';

/**
 * RFC 7636 §4.4.1: "If the server requires Proof Key for Code Exchange (PKCE) by OAuth public clients and the client
 * does not send the "code_challenge" in the request, the authorization endpoint MUST return the authorization error
 * response with the "error" value set to "invalid_request"." OAuth 2.1 requires PKCE, and client and redirect URI are
 * valid here, so the error goes back to the client with its state (RFC 6749 §4.1.2.1), not to an error page.
 */
defineCheck(
  {
    id: 'PKCE-02',
    title: 'an authorization request without code_challenge is refused',
    level: 'MUST',
    quote:
      'If the server requires Proof Key for Code Exchange (PKCE) by OAuth public clients and the client does not send the "code_challenge" in the request, the authorization endpoint MUST return the authorization error response with the "error" value set to "invalid_request".',
    refs: [ref.oauth21('Authorization Request'), ref.rfc(7636, '4.4.1'), ref.rfc(6749, '4.1.2.1')],
  },
  async ({ session, verdict }) => {
    await requireAcceptedControl(session);
    const client = await sharedClient(session);
    const cb = (await session.callback()).uri();
    const state = randomToken();
    const probe = await probeAuthorize(
      session,
      authorizeParams(session, client.client_id, cb, {
        code_challenge: undefined,
        code_challenge_method: undefined,
        state,
      }),
      cb,
    );
    expectErrorRedirect(verdict, probe, 'a request without code_challenge (public clients must send one)', {
      redirectUri: cb,
      state,
      codes: ['invalid_request'],
    });
  },
);

/**
 * RFC 7636 §4.4.1: the authorization error response with invalid_request, to the client (its redirect URI is valid):
 * "If the server supporting PKCE does not support the requested transformation, the authorization endpoint MUST
 * return the authorization error response with "error" value set to "invalid_request"."
 */
defineCheck(
  {
    id: 'PKCE-03',
    title: 'an unsupported code_challenge_method is refused with invalid_request',
    level: 'MUST',
    quote:
      'If the server supporting PKCE does not support the requested transformation, the authorization endpoint MUST return the authorization error response with "error" value set to "invalid_request".',
    refs: [ref.rfc(7636, '4.4.1'), ref.rfc(6749, '4.1.2.1')],
  },
  async ({ session, verdict }) => {
    await requireAcceptedControl(session);
    const client = await sharedClient(session);
    const cb = (await session.callback()).uri();
    const state = randomToken();
    const probe = await probeAuthorize(
      session,
      authorizeParams(session, client.client_id, cb, { code_challenge_method: 'S512', state }),
      cb,
    );
    expectErrorRedirect(verdict, probe, 'code_challenge_method=S512', {
      redirectUri: cb,
      state,
      codes: ['invalid_request'],
    });
  },
);

defineCheck(
  {
    id: 'PKCE-04',
    title: 'a wrong code_verifier is refused with invalid_grant',
    level: 'MUST',
    quote:
      'If the values are not equal, an error response indicating "invalid_grant" as described in Section 5.2 of [RFC6749] MUST be returned.',
    refs: [ref.rfc(7636, '4.6')],
  },
  async ({ session, verdict }) => {
    const flow = await authorizationCode(session);
    const res = await exchangeCode(session, flow, { code_verifier: newVerifier() });
    verdict.equal(statusAndError(res), '400 invalid_grant', 'token response for a wrong verifier');
  },
);

/**
 * OAuth 2.1 "Token Request": code_verifier is "REQUIRED, if the code_challenge parameter was included in the
 * authorization request", so a missing verifier must not redeem the code. Its error: RFC 6749 §5.2 invalid_request,
 * "The request is missing a required parameter", is the right code for a *missing* verifier; RFC 7636 §4.6's
 * invalid_grant ("If the values are not equal") is for a verifier that does not match. Both are accepted.
 */
defineCheck(
  {
    id: 'PKCE-05',
    title: 'a missing code_verifier is refused',
    level: 'MUST',
    quote:
      'the authorization server MUST: […] verify that the code_verifier parameter is present if and only if a code_challenge parameter was present in the authorization request',
    refs: [ref.oauth21('Token Request (authorization code)'), ref.rfc(6749, '5.2'), ref.rfc(7636, '4.6')],
  },
  async ({ session, verdict }) => {
    const flow = await authorizationCode(session);
    const res = await exchangeCode(session, flow, { code_verifier: undefined });
    verdict.check(!tokenSet(res) && res.status === 400, 'the code must not be redeemable without its verifier', {
      expected: '400 invalid_request or invalid_grant',
      actual: statusAndError(res),
    });
    const code = errorCode(res);
    if (code !== 'invalid_request' && code !== 'invalid_grant')
      verdict.warn('a missing parameter is invalid_request (RFC 6749 §5.2)', {
        expected: 'invalid_request (or invalid_grant)',
        actual: code,
      });
  },
);

/**
 * RFC 7636 §4.1 defines the verifier's syntax for the client: "code-verifier = 43*128unreserved" ("with a minimum
 * length of 43 characters and a maximum length of 128 characters"). No sentence obliges the server to check it
 * (§4.6 only compares the transformed verifier with the challenge, and OAuth 2.1 adds no such rule), so a server
 * that accepts a short verifier whose challenge matches is conforming: reported as information (MAY), not a warning.
 */
defineCheck(
  {
    id: 'PKCE-07',
    title: 'a code_verifier outside 43–128 unreserved characters is refused',
    level: 'MAY',
    quote: 'code-verifier = 43*128unreserved',
    refs: [ref.rfc(7636, '4.1'), ref.rfc(7636, '4.6')],
  },
  async ({ session, verdict }) => {
    // The verifier's challenge is correct, so only the syntax check can refuse it.
    const shortVerifier = newVerifier().slice(0, 42);
    const flow = await authorizationCode(session, { verifier: shortVerifier });
    const res = await exchangeCode(session, flow);
    verdict.check(
      !tokenSet(res),
      'a 42-character verifier violates the ABNF of RFC 7636 §4.1 (the server may check it)',
      {
        expected: '400',
        actual: statusAndError(res),
      },
    );
  },
);

defineCheck(
  {
    id: 'PKCE-08',
    title: '"plain" is refused unless advertised (advertise-vs-enforce consistency)',
    level: 'MUST',
    quote:
      'If the server supporting PKCE does not support the requested transformation, the authorization endpoint MUST return the authorization error response with "error" value set to "invalid_request".',
    refs: [ref.rfc(8414, '2'), ref.rfc(7636, '4.4.1')],
  },
  async ({ session, verdict }) => {
    const { body } = await authorizationServerMetadata(session);
    const methods = Array.isArray(body.code_challenge_methods_supported) ? body.code_challenge_methods_supported : [];
    await requireAcceptedControl(session);
    const client = await sharedClient(session);
    const cb = (await session.callback()).uri();
    const verifier = newVerifier();
    const state = randomToken();
    const probe = await probeAuthorize(
      session,
      authorizeParams(session, client.client_id, cb, {
        code_challenge: verifier,
        code_challenge_method: 'plain',
        state,
      }),
      cb,
    );
    if (methods.includes('plain')) {
      if (probe.kind === 'accepted')
        verdict.warn('plain is advertised and accepted; MCP clients never need it', { level: 'SHOULD' });
      return;
    }
    expectErrorRedirect(verdict, probe, 'code_challenge_method=plain (not advertised)', {
      redirectUri: cb,
      state,
      codes: ['invalid_request'],
    });
  },
);

defineCheck(
  {
    id: 'PKCE-09',
    title: 'a code is bound to its own challenge: the verifier of another flow is refused',
    level: 'MUST',
    quote:
      'The authorization server MUST associate the code_challenge and code_challenge_method values with the issued authorization code so the code challenge can be verified later.',
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
    quote:
      'If the values are not equal, an error response indicating "invalid_grant" as described in Section 5.2 of [RFC6749] MUST be returned.',
    refs: [ref.rfc(7636, '4.6'), ref.rfc(9700, '2.1.1')],
  },
  async ({ session, verdict }) => {
    const flow = await authorizationCode(session);
    const res = await exchangeCode(session, flow, { code_verifier: flow.challenge });
    verdict.equal(statusAndError(res), '400 invalid_grant', 'redemption with verifier = challenge');
  },
);
