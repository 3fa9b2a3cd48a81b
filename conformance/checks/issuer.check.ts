// RFC 9207 issuer identification and byte-identical issuer strings everywhere a client compares them
// (conformance/requirements.md, ISS-*).
import { authorize, releaseFlow, sharedFlow } from '../lib/browser/flow.ts';
import { upstreamDenial, upstreamExchangeFailure } from '../lib/browser/upstream-faults.ts';
import { expectErrorResponse } from '../lib/check/authorize-expectations.ts';
import { defineCheck } from '../lib/check/define-check.ts';
import { NotApplicable, NotTestable } from '../lib/model/outcome.ts';
import { ref } from '../lib/model/refs.ts';
import { since } from '../lib/model/vocabulary.ts';
import { authorizeParams, probeAuthorize, requireAcceptedControl } from '../lib/oauth/authorize-probe.ts';
import {
  advertisedIssuer,
  authorizationServerMetadata,
  expectedIssuer,
  protectedResourceMetadata,
} from '../lib/oauth/discovery.ts';
import { trickyState } from '../lib/oauth/pkce.ts';
import { newClient, sharedClient } from '../lib/oauth/registration.ts';

defineCheck(
  {
    id: 'ISS-01',
    title: 'when supported, iss is in success and error authorization responses, exactly once',
    level: 'MUST',
    quote:
      'In authorization responses to the client, including error responses, an authorization server supporting this specification MUST indicate its identity by including the iss parameter in the response.',
    refs: [ref.rfc(9207, '2')],
  },
  async ({ session, verdict }) => {
    const { body } = await authorizationServerMetadata(session);
    if (body.authorization_response_iss_parameter_supported !== true)
      return verdict.notApplicable('authorization_response_iss_parameter_supported is not true');
    const flow = await sharedFlow(session);
    verdict.equal(flow.hit?.params.getAll('iss').length, 1, 'number of iss parameters in the success response');
    const client = await sharedClient(session);
    const cb = (await session.callback()).uri();
    const probe = await probeAuthorize(
      session,
      authorizeParams(session, client.client_id, cb, { code_challenge_method: 'S512' }),
      cb,
    );
    if (probe.kind !== 'error_redirect' || !probe.params)
      return verdict.note(`no error redirect to inspect (${probe.summary})`);
    verdict.equal(probe.params.getAll('iss').length, 1, 'number of iss parameters in an error response');
  },
);

defineCheck(
  {
    id: 'ISS-02',
    title: 'iss equals the metadata issuer and is only sent when advertised',
    level: 'MUST',
    quote:
      "The issuer identifier included in the server's metadata value issuer MUST be identical to the iss parameter's value. […] The server MUST indicate its support for the iss parameter by setting the metadata parameter authorization_response_iss_parameter_supported, defined in Section 3, to true.",
    refs: [ref.rfc(9207, '2.3'), ref.rfc(9207, '3')],
  },
  async ({ session, verdict }) => {
    const { body } = await authorizationServerMetadata(session);
    const flow = await sharedFlow(session);
    const iss = flow.hit?.params.get('iss');
    if (iss === null || iss === undefined) return verdict.note('no iss sent');
    verdict.equal(
      body.authorization_response_iss_parameter_supported,
      true,
      'authorization_response_iss_parameter_supported while iss is sent',
    );
    verdict.equal(iss, body.issuer, 'iss (byte comparison)');
  },
);

defineCheck(
  {
    id: 'ISS-03',
    title: 'authorization responses carry iss',
    level: 'SHOULD',
    quote:
      'MCP authorization servers SHOULD include the iss parameter in authorization responses, including error responses',
    refs: [ref.mcpAuthRev('2026-07-28', 'authorization-response-validation', 'Authorization response validation')],
    revisions: since('2026-07-28'),
  },
  async ({ session, verdict }) => {
    const flow = await sharedFlow(session);
    verdict.check(flow.hit?.params.has('iss') === true, 'MCP authorization servers SHOULD include iss', {
      expected: 'iss=…',
      actual: '(absent)',
    });
  },
);

/**
 * MCP 2026-07-28 "Authorization Response Validation": clients "MUST NOT apply scheme or host case folding,
 * default-port elision, trailing-slash, or percent-encoding normalization" when comparing issuers, so the same
 * string must appear in the resource metadata's authorization_servers, the AS metadata issuer and iss. Byte-equality
 * among the three is what matters; `https://host/` is as good as `https://host` when used everywhere.
 */
defineCheck(
  {
    id: 'ISS-04',
    title: 'the issuer is byte-identical in AS metadata, resource metadata and iss',
    level: 'MUST',
    quote:
      'clients MUST NOT apply scheme or host case folding, default-port elision, trailing-slash, or percent-encoding normalization',
    refs: [ref.mcpAuthRev('2026-07-28', 'authorization-response-validation', 'no normalisation'), ref.rfc(8414, '3.3')],
  },
  async ({ session, verdict }) => {
    const { body } = await authorizationServerMetadata(session);
    const { body: prm } = await protectedResourceMetadata(session);
    const servers = Array.isArray(prm.authorization_servers) ? prm.authorization_servers : [];
    verdict.check(
      servers.includes(body.issuer),
      'resource metadata authorization_servers must contain the issuer string exactly',
      { expected: body.issuer, actual: servers },
    );
    const flow = await sharedFlow(session);
    const iss = flow.hit?.params.get('iss');
    if (iss !== null && iss !== undefined) verdict.equal(iss, body.issuer, 'iss vs metadata issuer');
    const expected = await expectedIssuer(session);
    verdict.note(`issuer identifier from ${expected.describe}`);
    verdict.equal(body.issuer, expected.issuer, 'metadata issuer vs the identifier the client started from');
  },
);

/**
 * Every error redirect the suite can provoke, not one sample: the redirectable refusals of /authorize, the user's
 * denial on the consent page and, instrumented, the upstream's failures (a denial at the IdP, a 500 from its token
 * endpoint). RFC 6749 §4.1.2.1, error response: "state: REQUIRED if a "state" parameter was present in the client
 * authorization request. The exact value received from the client." RFC 9207 §2: "Authorization servers supporting
 * this specification MUST provide their issuer identifier to clients in the authorization response" (error responses
 * included), so `iss` is required wherever the metadata advertises authorization_response_iss_parameter_supported.
 * The state sent is 128 characters with URL-special ones, so that a state re-encoded on one path shows. Which error
 * code each path answers with is judged elsewhere (PKCE-03, RES-02, AUTHZ-04, UP-07, UP-08).
 */
defineCheck(
  {
    id: 'ISS-06',
    title: "every error redirect carries the client's state byte-exact and, when advertised, iss",
    level: 'MUST',
    quote:
      'In authorization responses to the client, including error responses, an authorization server supporting this specification MUST indicate its identity by including the iss parameter in the response.',
    refs: [ref.rfc(6749, '4.1.2.1'), ref.rfc(9207, '2')],
  },
  async ({ session, verdict }) => {
    await requireAcceptedControl(session);
    const issuer = await advertisedIssuer(session);
    const client = await sharedClient(session);
    const cb = (await session.callback()).uri();
    let judged = 0;
    const refusals: [string, Record<string, string | undefined>][] = [
      ['response_type=token', { response_type: 'token' }],
      ['no code_challenge', { code_challenge: undefined, code_challenge_method: undefined }],
      ['code_challenge_method=S512', { code_challenge_method: 'S512' }],
      ['a foreign resource', { resource: 'https://other-resource.example/mcp' }],
      ['an unknown scope', { scope: 'conformance:unknown-scope' }],
    ];
    for (const [what, overrides] of refusals) {
      const state = trickyState();
      const probe = await probeAuthorize(
        session,
        authorizeParams(session, client.client_id, cb, { ...overrides, state }),
        cb,
      );
      if (probe.kind !== 'error_redirect' || !probe.location?.toString().startsWith(cb)) {
        verdict.note(`${what}: no error redirect to the client to inspect (${probe.summary})`);
        continue;
      }
      judged++;
      expectErrorResponse(verdict, `the error redirect for ${what}`, probe.params, {
        codes: [probe.error ?? ''],
        state,
        issuer,
      });
    }
    // The denial needs a consent page: a client never approved (a target may remember the shared client's consent,
    // and then there is nothing to deny).
    const state = trickyState();
    const denied = await authorize(session, { state, decision: 'deny', client: await newClient(session) }).catch(
      (err: unknown) => {
        if (err instanceof NotTestable) return undefined;
        throw err;
      },
    );
    if (denied) releaseFlow(session, denied);
    if (denied && !denied.consentShown) {
      verdict.note('the consent denial: no consent page was shown, so nothing to deny (see CONSENT-05)');
    } else if (denied?.hit) {
      judged++;
      expectErrorResponse(verdict, 'the consent denial', denied.hit.params, {
        codes: [denied.hit.params.get('error') ?? ''],
        state,
        issuer,
      });
    } else verdict.note('the consent denial: no error redirect to the client to inspect (see AUTHZ-04)');
    if (session.instrumented) {
      for (const [what, failure] of [
        ['the upstream denial', upstreamDenial],
        ['the failed upstream code exchange', upstreamExchangeFailure],
      ] as const) {
        const outcome = await failure(session).catch((err: unknown) => {
          if (err instanceof NotApplicable || err instanceof NotTestable) return err;
          throw err;
        });
        if (outcome instanceof Error) {
          verdict.note(`${what}: ${outcome.message}`);
          continue;
        }
        if (!outcome.params) {
          verdict.note(`${what}: no error redirect to the client to inspect (see UP-07, UP-08)`);
          continue;
        }
        judged++;
        expectErrorResponse(verdict, what, outcome.params, {
          codes: [outcome.params.get('error') ?? ''],
          state: outcome.state,
          issuer,
        });
      }
    }
    if (judged === 0) verdict.notTestable('no error redirect to the client could be provoked');
    verdict.note(
      `${judged} error redirects inspected${issuer === undefined ? ' (iss not advertised: state only)' : ''}`,
    );
  },
);
