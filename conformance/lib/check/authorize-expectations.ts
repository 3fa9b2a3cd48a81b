// What a check expects of a browserless /authorize probe, as verdicts. Three shapes of answer, by RFC 6749:
// - the client or its redirect URI cannot be trusted: an error page, never a redirect (§4.1.2.1, §3.1.2.4);
// - client and redirect URI are valid but the request is not: an error *redirect* to the client with `error`, the
//   client's `state` byte-exact and `iss` when advertised (§4.1.2.1 "the authorization server informs the client by
//   adding the following parameters to the query component of the redirection URI"; RFC 7636 §4.4.1 "MUST return
//   the authorization error response"; RFC 9207 §2);
// - a valid request: accepted (a consent or sign-in page, or an onward redirect).
// A 5xx is none of these (it is also a finding of its own, define-check.ts), and an answer the suite cannot read is
// "not testable", never taken for the expected shape.
import type { Verdict } from '../model/verdict.ts';
import type { Level } from '../model/vocabulary.ts';
import type { Probe } from '../oauth/authorize-probe.ts';

function unreadable(verdict: Verdict, probe: Probe, what: string): void {
  if (probe.kind === 'unclassified') {
    verdict.notTestable(`cannot tell whether ${what} was accepted or refused: ${probe.summary}`, {
      key: 'authorize-unclassified',
      summary: '/authorize answers with pages the suite cannot classify (no consent/sign-in control, no error)',
    });
  }
}

/** The request must stop at the proxy with an error page: no redirect anywhere, and not a 5xx. */
export function expectErrorPage(verdict: Verdict, probe: Probe, what: string): void {
  unreadable(verdict, probe, what);
  verdict.check(probe.kind === 'error_page', `${what} must be refused with an error page, without redirecting`, {
    expected: '4xx error page, no redirect',
    actual: probe.summary,
  });
}

export function expectAccepted(verdict: Verdict, probe: Probe, what: string, level?: Level): void {
  unreadable(verdict, probe, what);
  verdict.check(probe.kind === 'accepted', `${what} must be accepted`, {
    expected: 'consent or sign-in page, or onward redirect',
    actual: probe.summary,
    ...(level ? { level } : {}),
  });
}

/**
 * Client and redirect URI are valid: the refusal must reach the client as an error redirect with one of `codes`,
 * the `state` sent, and no code.
 */
export function expectErrorRedirect(
  verdict: Verdict,
  probe: Probe,
  what: string,
  expected: { redirectUri: string; state: string | undefined; codes: string[]; level?: Level },
): void {
  unreadable(verdict, probe, what);
  const level = expected.level ? { level: expected.level } : {};
  const to = `error=${expected.codes.join(' or ')} redirected to ${expected.redirectUri}`;
  verdict.check(probe.kind !== 'accepted' && probe.kind !== 'redirect_to_uri', `${what} must be refused`, {
    expected: to,
    actual: probe.summary,
    ...level,
  });
  verdict.check(
    probe.kind === 'error_redirect' && probe.location?.toString().startsWith(expected.redirectUri) === true,
    `${what}: client and redirect URI are valid, so the error goes back to the client (RFC 6749 §4.1.2.1), not to a page`,
    { expected: to, actual: probe.summary, ...level },
  );
  verdict.check(expected.codes.includes(probe.error ?? ''), `${what}: error code`, {
    expected: expected.codes.join(' or '),
    actual: probe.error,
    ...level,
  });
  if (expected.state !== undefined) {
    verdict.check(probe.params?.get('state') === expected.state, `${what}: the error response returns the state`, {
      expected: expected.state,
      actual: probe.params?.get('state') ?? '(absent)',
      ...level,
    });
  }
  verdict.check(!probe.params?.has('code'), `${what}: no code with an error`, { actual: 'code present', ...level });
}

/**
 * An error authorization response that reached the client (its callback's parameters): one of `codes`, the client's
 * `state` byte-exact (RFC 6749 §4.1.2.1: "REQUIRED if a "state" parameter was present in the client authorization
 * request. The exact value received from the client.") and, when the metadata advertises
 * authorization_response_iss_parameter_supported, `iss` equal to the metadata issuer (RFC 9207 §2: "MUST provide
 * their issuer identifier to clients in the authorization response" — error responses included, §2.4).
 */
export function expectErrorResponse(
  verdict: Verdict,
  what: string,
  params: URLSearchParams | undefined,
  expected: { codes: string[]; state: string; issuer: string | undefined },
): void {
  if (!params) {
    return verdict.fail(`${what}: the error must reach the client at its redirect URI`, {
      expected: `error=${expected.codes.join(' or ')} at the client's redirect URI`,
      actual: 'no callback reached the client',
    });
  }
  verdict.check(expected.codes.includes(params.get('error') ?? ''), `${what}: error code`, {
    expected: expected.codes.join(' or '),
    actual: params.get('error') ?? `(no error: ${[...params.keys()].join(', ')})`,
  });
  verdict.check(!params.has('code'), `${what}: no code with an error`, { actual: 'code present' });
  verdict.check(params.get('state') === expected.state, `${what}: the client's state, byte for byte`, {
    expected: expected.state,
    actual: params.get('state') ?? '(absent)',
  });
  if (expected.issuer === undefined) return;
  verdict.check(params.getAll('iss').length === 1 && params.get('iss') === expected.issuer, `${what}: iss`, {
    expected: expected.issuer,
    actual: params.getAll('iss').join(', ') || '(absent)',
  });
}
