// Failures of the upstream IdP as the MCP client must see them (instrumented mode: the mock IdP's fault injection):
// an OAuth error at the client's redirect URI, with its state and iss, never an error page in the browser. RFC 6749
// §4.1.2.1: "If the resource owner denies the access request or if the request fails for reasons other than a
// missing or invalid redirection URI, the authorization server informs the client by adding the following parameters
// to the query component of the redirection URI". For the proxy the upstream is part of its authorization endpoint,
// so what fails there is such a failure.
import {
  upstreamDenial,
  upstreamExchangeFailure,
  type UpstreamFailureOutcome,
} from '../lib/browser/upstream-faults.ts';
import { expectErrorResponse } from '../lib/check/authorize-expectations.ts';
import { defineCheck } from '../lib/check/define-check.ts';
import { ref } from '../lib/model/refs.ts';
import type { Verdict } from '../lib/model/verdict.ts';
import { advertisedIssuer } from '../lib/oauth/discovery.ts';
import type { CheckSession } from '../lib/session/check-session.ts';

async function judge(
  session: CheckSession,
  verdict: Verdict,
  what: string,
  outcome: UpstreamFailureOutcome,
  codes: string[],
): Promise<void> {
  if (outcome.stoppedAt !== undefined) {
    verdict.fail(`${what} must reach the client as an error redirect, not stop in the browser`, {
      expected: `a redirect to the client's redirect URI with error=${codes.join(' or ')}, state and iss`,
      actual: outcome.stoppedAt,
    });
  }
  expectErrorResponse(verdict, what, outcome.params, {
    codes,
    state: outcome.state,
    issuer: await advertisedIssuer(session),
  });
}

/**
 * RFC 6749 §4.1.2.1 "access_denied: The resource owner or authorization server denied the request." The user who
 * refuses at the upstream IdP refuses the proxy's authorization request: the client must hear access_denied, with
 * "state: REQUIRED if a "state" parameter was present in the client authorization request. The exact value received
 * from the client." and, where advertised, RFC 9207 §2's iss ("Authorization servers supporting this specification
 * MUST provide their issuer identifier to clients in the authorization response").
 */
defineCheck(
  {
    id: 'UP-07',
    title: 'a denial at the upstream IdP reaches the client as access_denied with its state and iss',
    level: 'MUST',
    quote:
      'If the resource owner denies the access request or if the request fails for reasons other than a missing or invalid redirection URI, the authorization server informs the client by adding the following parameters to the query component of the redirection URI […] state REQUIRED if a "state" parameter was present in the client authorization request. The exact value received from the client.',
    refs: [ref.rfc(6749, '4.1.2.1'), ref.rfc(9207, '2')],
    needsHarness: true,
  },
  async ({ session, verdict }) => {
    await judge(session, verdict, 'the upstream denial', await upstreamDenial(session), ['access_denied']);
  },
);

/**
 * RFC 6749 §4.1.2.1 "server_error: The authorization server encountered an unexpected condition that prevented it
 * from fulfilling the request. (This error code is needed because a 500 Internal Server Error HTTP status code cannot
 * be returned to the client via an HTTP redirect.)" and "temporarily_unavailable". The proxy's exchange of the
 * upstream code is part of its authorization endpoint's work: when the IdP's token endpoint answers 500, the client
 * must get one of these at its redirect URI with its state and iss, not a 500 page.
 */
defineCheck(
  {
    id: 'UP-08',
    title: 'a 500 from the upstream token endpoint reaches the client as server_error with its state and iss',
    level: 'MUST',
    quote:
      'If the resource owner denies the access request or if the request fails for reasons other than a missing or invalid redirection URI, the authorization server informs the client by adding the following parameters to the query component of the redirection URI […] state REQUIRED if a "state" parameter was present in the client authorization request. The exact value received from the client.',
    refs: [ref.rfc(6749, '4.1.2.1'), ref.rfc(9207, '2')],
    needsHarness: true,
  },
  async ({ session, verdict }) => {
    await judge(session, verdict, 'the failed upstream code exchange', await upstreamExchangeFailure(session), [
      'server_error',
      'temporarily_unavailable',
    ]);
  },
);
