// Declared lifetimes, verified: a code, a pending authorization, an access token and a remembered consent older than
// the lifetime the target declares (the target description, or expires_in for access tokens) must no longer work.
// They are a stage of their own: the first of them to run starts every selected preparation, and the waits elapse
// side by side (lib/check/lifetimes.ts), so the stage takes about the longest lifetime rather than their sum. The
// file is named to sort last: one worker runs the files in name order, and with the waits started by the first check
// (define-check.ts) every other check runs while they elapse, instead of the worker idling here until they end.
import { defineCheck } from '../lib/check/define-check.ts';
import {
  LIFETIME_CHECKS,
  MAX_LEEWAY_SECONDS,
  staleAccessToken,
  staleCode,
  staleConsent,
  staleTransaction,
  startLifetimeWaits,
  type Waited,
} from '../lib/check/lifetimes.ts';
import { ref } from '../lib/model/refs.ts';
import { requireUnderstood } from '../lib/oauth/mcp-probe.ts';
import { currentTrace } from '../lib/transport/trace.ts';

import { statusAndError } from '../lib/oauth/error-response.ts';
import type { CheckSession } from '../lib/session/check-session.ts';

/**
 * Starts the stage (once per worker), then awaits this check's preparation, out of turn (its steps take turns of
 * their own), and shows its requests in its trace.
 */
async function waitedOut<T>(session: CheckSession, prepare: (s: CheckSession) => Promise<Waited<T>>): Promise<T> {
  startLifetimeWaits(session);
  const w = await session.turns.awaitOutside(prepare(session));
  currentTrace()?.absorb(w.trace, 'prepared for this check, next to the other lifetime checks:');
  return w.result;
}

/**
 * RFC 6749 §4.1.2: "The authorization code MUST expire shortly after it is issued to mitigate the risk of leaks. A
 * maximum authorization code lifetime of 10 minutes is RECOMMENDED." A code is redeemed once it is a second older than
 * the lifetime the target declares (codeTtlSeconds); waited out with the other lifetimes (lib/check/lifetimes.ts).
 */
defineCheck(
  {
    id: 'CODE-04',
    title: LIFETIME_CHECKS.code.title,
    level: 'SHOULD',
    quote:
      'The authorization code MUST expire shortly after it is issued to mitigate the risk of leaks. A maximum authorization code lifetime of 10 minutes is RECOMMENDED.',
    refs: [ref.rfc(6749, '4.1.2')],
  },
  async ({ session, verdict }) => {
    const { ttl, res } = await waitedOut(session, staleCode);
    verdict.equal(statusAndError(res), '400 invalid_grant', `redemption after ${ttl + 1} s`);
    verdict.note(`declared lifetime ${ttl} s`);
  },
);

/**
 * MCP security best practices, "OAuth State Parameter Validation": "Ensure `state` values are single-use … and have a
 * short expiration time (e.g., 10 minutes)". The pending authorization is what that state stands for on the consent
 * page: once older than the lifetime the target declares (transactionTtlSeconds), approving it must not produce a
 * code.
 */
defineCheck(
  {
    id: 'LIFE-01',
    title: LIFETIME_CHECKS.transaction.title,
    level: 'SHOULD',
    quote:
      'MCP proxy servers implementing OAuth flows MUST: […] Ensure state values are single-use (delete after validation) and have a short expiration time (e.g., 10 minutes)',
    refs: [ref.mcpSbp('oauth-state-parameter-validation', 'OAuth State Parameter Validation')],
  },
  async ({ session, verdict }) => {
    const { ttl, approved, summary } = await waitedOut(session, staleTransaction);
    verdict.note(`declared lifetime ${ttl} s; the consent form was posted after ${ttl + 1} s`);
    verdict.check(!approved, 'approving a pending authorization older than its lifetime must be refused', {
      expected: 'refused (no code for the client)',
      actual: summary,
    });
  },
);

/**
 * RFC 6749 §7: "The resource server MUST validate the access token and ensure that it has not expired and that its
 * scope covers the requested resource." The token must work right after issue (the positive path) and be refused with
 * 401 once its lifetime is over (MCP authorization, Token Handling: "Invalid or expired tokens MUST receive a HTTP 401
 * response"). The lifetime is the one the target declares (accessTokenTtlSeconds: the token's lifetime plus the clock
 * leeway its resource server allows), judged by one probe a second after it. Without a declaration the token
 * response's expires_in is the lifetime (RFC 6749 §5.1: "The lifetime in seconds of the access token"), but a
 * resource server may allow "some small leeway, usually no more than a few minutes, to account for clock skew" (RFC
 * 7519 §4.1.4): the token is probed once a second up to MAX_LEEWAY_SECONDS past expires_in; refused in that window
 * passes (with the leeway observed), still accepted after it is a warning (a larger leeway or no expiry check: only a
 * declared lifetime can tell).
 */
defineCheck(
  {
    id: 'LIFE-02',
    title: LIFETIME_CHECKS.accessToken.title,
    level: 'MUST',
    quote: 'Invalid or expired tokens MUST receive a HTTP 401 response.',
    refs: [
      ref.rfc(6749, '7'),
      ref.rfc(6749, '5.1'),
      ref.rfc(7519, '4.1.4'),
      ref.mcpAuth('token-handling', 'Token Handling'),
    ],
  },
  async ({ session, verdict }) => {
    const { ttl, declared, expiresIn, fresh, stale, staleAfter } = await waitedOut(session, staleAccessToken);
    verdict.note(
      declared
        ? `declared lifetime waited out: ${ttl} s (expires_in ${expiresIn ?? 'absent'})`
        : `no declared accessTokenTtlSeconds: expires_in ${ttl} s, probed once a second from ${ttl + 1} s to at most ${ttl + MAX_LEEWAY_SECONDS} s`,
    );
    if (requireUnderstood(fresh).verdict !== 'accepted') {
      return verdict.notTestable(`the fresh access token was not accepted either: ${fresh.status}`);
    }
    if (!declared && requireUnderstood(stale).verdict === 'accepted') {
      return verdict.warn(
        `the access token outlived expires_in by more than ${MAX_LEEWAY_SECONDS} s: either a clock leeway larger than the suite waits or no expiry check; declare accessTokenTtlSeconds in the target description to have it judged`,
        {
          expected: `401 within ${MAX_LEEWAY_SECONDS} s after expires_in (${ttl} s)`,
          actual: `${stale.status} ${staleAfter} s after issue`,
        },
      );
    }
    verdict.equal(requireUnderstood(stale).status, 401, `MCP status ${staleAfter} s after the token was issued`);
    if (!declared) {
      verdict.note(
        staleAfter === ttl + 1
          ? 'refused 1 s after expires_in'
          : `accepted ${staleAfter - 1 - ttl} s after expires_in, refused ${staleAfter - ttl} s after it: a clock leeway of ${staleAfter - 1 - ttl} to ${staleAfter - ttl} s`,
      );
    }
  },
);

/**
 * MCP security best practices, "Consent Cookie Security" asks for consent cookies that the server can trust (signed,
 * bound to the client); a remembered consent is the proxy's own promise to skip the consent page for as long as it
 * declares (consentCookieTtlSeconds), and no longer: after that the user is asked again. No sentence fixes that
 * lifetime, so a longer one is a warning.
 */
defineCheck(
  {
    id: 'LIFE-03',
    title: LIFETIME_CHECKS.consent.title,
    level: 'SHOULD',
    quote:
      'If using cookies to track consent decisions, they MUST: […] Be cryptographically signed or use server-side sessions […] Bind to the specific client_id (not just "user has consented")',
    refs: [
      ref.mcpSbp('consent-cookie-security', 'Consent cookie security'),
      ref.mcpAuth('confused-deputy-problem', 'Confused deputy'),
    ],
  },
  async ({ session, verdict }) => {
    const { ttl, askedAgain } = await waitedOut(session, staleConsent);
    verdict.note(`declared lifetime ${ttl} s; the third authorization came after ${ttl + 1} s`);
    verdict.check(askedAgain, 'a remembered consent older than its lifetime must not skip the consent page', {
      expected: 'the consent page again',
      actual: 'no consent page',
    });
  },
);
