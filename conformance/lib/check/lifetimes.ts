// Declared lifetimes, waited out in a stage of their own. Each lifetime check (CODE-04, LIFE-01 to LIFE-03) needs
// something older than a lifetime the target declares: a code, a pending authorization, an access token, a remembered
// consent. Waiting for each in turn would add their sum to the run; instead their preparations start together (in a
// one-worker run, with its first check from a file before checks/waited-lifetimes.check.ts, define-check.ts;
// otherwise when the first lifetime check runs) and their waits overlap each other and the other checks. Their steps
// (a flow, a probe once the wait is over) take turns with the checks (session/turns.ts): they run between two checks,
// never next to one, so no check sees their requests and a loaded machine never runs two flows at once. Each is
// memoised: a check awaits the promise the stage created, with its own trace (runWithTrace).
import { NotApplicable, NotTestable } from '../model/outcome.ts';
import { GREP_ENV, isSelected } from '../model/selection.ts';
import { authorize, authorizationCode, completedFlow, exchangeCode, NO_CONSENT_PAGE } from '../browser/flow.ts';
import { consentForm, postConsentForm } from '../browser/consent-form.ts';
import { probeMcp, type McpProbe } from '../oauth/mcp-probe.ts';
import { newClient } from '../oauth/registration.ts';
import type { CheckSession } from '../session/check-session.ts';
import type { HttpResponse } from '../transport/http.ts';
import { runWithTrace, TraceRecorder } from '../transport/trace.ts';

/** The longest lifetime the suite waits out; a longer declaration makes the check not applicable. */
export const MAX_WAITED_SECONDS = 30;

/** A prepared probe: its result, and the trace of everything it sent. */
export interface Waited<T> {
  result: T;
  trace: TraceRecorder;
}

const sleepUntil = (at: number): Promise<void> => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

/** Runs a preparation once per worker (memoised under `key`), recording its requests in a trace of its own. */
export function waited<T>(session: CheckSession, key: string, fn: () => Promise<T>): Promise<Waited<T>> {
  return session.memo(`lifetime:${key}`, async () => {
    const trace = new TraceRecorder();
    return { result: await runWithTrace(trace, fn), trace };
  });
}

/** The checks that wait a lifetime out, by what they wait for: their titles are what --grep selects them by. */
export const LIFETIME_CHECKS = {
  code: { id: 'CODE-04', title: 'a code expires shortly after issue' },
  transaction: { id: 'LIFE-01', title: 'a pending authorization older than its declared lifetime cannot be approved' },
  accessToken: { id: 'LIFE-02', title: 'an access token older than its lifetime is refused at the MCP endpoint' },
  consent: {
    id: 'LIFE-03',
    title: 'a remembered consent older than its declared lifetime no longer skips the consent page',
  },
} as const;

/**
 * Starts the preparation of every selected lifetime check, without awaiting it (once per worker; later calls do
 * nothing new, every preparation being memoised). A rejection is left for its check to read (never unobserved: it
 * would end the worker).
 */
export function startLifetimeWaits(session: CheckSession): void {
  const grep = process.env[GREP_ENV];
  const starts: [keyof typeof LIFETIME_CHECKS, (s: CheckSession) => Promise<unknown>][] = [
    ['code', staleCode],
    ['transaction', staleTransaction],
    ['accessToken', staleAccessToken],
    ['consent', staleConsent],
  ];
  for (const [kind, start] of starts) {
    if (isSelected(LIFETIME_CHECKS[kind], grep)) start(session).catch(() => undefined);
  }
}

function declared(session: CheckSession, name: 'codeTtlSeconds' | 'transactionTtlSeconds' | 'consentCookieTtlSeconds') {
  const ttl = session.settings.targetDescription[name];
  if (ttl === undefined || ttl > MAX_WAITED_SECONDS) {
    throw new NotApplicable(`declare ${name} (≤ ${MAX_WAITED_SECONDS}) in the target description to wait it out`);
  }
  return ttl;
}

/** A code left unredeemed for its declared lifetime plus a second, then redeemed (CODE-04). */
export function staleCode(session: CheckSession): Promise<Waited<{ ttl: number; res: HttpResponse }>> {
  return waited(session, 'code', async () => {
    const ttl = declared(session, 'codeTtlSeconds');
    const flow = await session.turns.take(() => authorizationCode(session));
    await sleepUntil(Date.now() + (ttl + 1) * 1000);
    return { ttl, res: await session.turns.take(() => exchangeCode(session, flow)) };
  });
}

/**
 * A pending authorization (the consent page shown, nothing decided) left for its declared lifetime plus a second,
 * then approved by replaying the consent form with the browser's own cookies (LIFE-01).
 */
export function staleTransaction(
  session: CheckSession,
): Promise<Waited<{ ttl: number; approved: boolean; summary: string }>> {
  return waited(session, 'transaction', async () => {
    const ttl = declared(session, 'transactionTtlSeconds');
    const context = await (await session.browser()).newContext();
    try {
      const { shown, form } = await session.turns.take(async () => {
        const flow = await authorize(session, { client: await newClient(session), decision: 'stop', context });
        // The transaction began before the page was shown: waiting from now waits at least its lifetime.
        const shown = Date.now();
        if (!flow.page) throw new NotTestable('no consent page was shown', NO_CONSENT_PAGE);
        return { shown, form: await consentForm(flow.page, session) };
      });
      if (!form) throw new NotTestable('the consent page has no form the suite can replay (consent.approveSelector)');
      await sleepUntil(shown + (ttl + 1) * 1000);
      return { ttl, ...(await session.turns.take(() => postConsentForm(context, form.action, form.fields))) };
    } finally {
      await context.close().catch(() => undefined);
    }
  });
}

/**
 * How long past expires_in the suite keeps probing an access token when the target declares no lifetime: a resource
 * server may allow "some small leeway, usually no more than a few minutes, to account for clock skew" (RFC 7519
 * §4.1.4), so a token still accepted a second after expires_in breaks nothing by itself.
 */
export const MAX_LEEWAY_SECONDS = 30;

/** What LIFE-02 judges: the token right after issue, and the last probe after its lifetime. */
export interface StaleAccessToken {
  /** The lifetime waited out: accessTokenTtlSeconds if declared, else expires_in. */
  ttl: number;
  /** Whether the target description declared it (then it includes any leeway, and one probe judges it). */
  declared: boolean;
  expiresIn?: number;
  fresh: McpProbe;
  /** The last probe: the first one not accepted, or the last one sent. */
  stale: McpProbe;
  /** Seconds after the token response that `stale` was sent. */
  staleAfter: number;
}

/**
 * An access token used right after issue (it must work) and again once its lifetime is over (LIFE-02). With the
 * target description's accessTokenTtlSeconds (the token's lifetime plus any clock leeway the resource server allows)
 * one probe a second after it. Without it the lifetime is the token response's expires_in and the leeway unknown: the
 * token is probed once a second from expires_in + 1 s to expires_in + MAX_LEEWAY_SECONDS, until it is refused.
 */
export function staleAccessToken(session: CheckSession): Promise<Waited<StaleAccessToken>> {
  return waited(session, 'access-token', async () => {
    const declaredTtl = session.settings.targetDescription.accessTokenTtlSeconds;
    const { flow, obtained, expiresIn, ttl, fresh } = await session.turns.take(async () => {
      const flow = await completedFlow(session);
      // Issued before the response arrived: waiting from now waits at least its lifetime.
      const obtained = Date.now();
      const expiresIn = flow.tokens.expires_in;
      const ttl = declaredTtl ?? expiresIn;
      if (ttl === undefined || ttl > MAX_WAITED_SECONDS) {
        throw new NotApplicable(
          `the access token lives ${ttl ?? 'an undeclared time'} (expires_in ${expiresIn ?? 'absent'}); declare accessTokenTtlSeconds (≤ ${MAX_WAITED_SECONDS}) to wait it out`,
        );
      }
      return { flow, obtained, expiresIn, ttl, fresh: await probeMcp(session, flow.tokens.access_token) };
    });
    const last = declaredTtl === undefined && fresh.verdict === 'accepted' ? ttl + MAX_LEEWAY_SECONDS : ttl + 1;
    let staleAfter = ttl + 1;
    await sleepUntil(obtained + staleAfter * 1000);
    // One turn for every probe: the leeway is read from probes a second apart, which another check must not delay.
    const stale = await session.turns.take(async () => {
      for (;;) {
        await sleepUntil(obtained + staleAfter * 1000);
        const probe = await probeMcp(session, flow.tokens.access_token);
        if (probe.verdict !== 'accepted' || staleAfter >= last) return probe;
        staleAfter += 1;
      }
    });
    return {
      ttl,
      declared: declaredTtl !== undefined,
      ...(expiresIn !== undefined ? { expiresIn } : {}),
      fresh,
      stale,
      staleAfter,
    };
  });
}

/**
 * A remembered consent (LIFE-03): the client approved once, a second authorization right away (the consent is
 * remembered: no consent page), and a third after the declared cookie lifetime plus a second, which must ask again.
 * Not applicable when the target does not remember consent at all (the second authorization asks again).
 */
export function staleConsent(session: CheckSession): Promise<Waited<{ ttl: number; askedAgain: boolean }>> {
  return waited(session, 'consent-cookie', async () => {
    const ttl = declared(session, 'consentCookieTtlSeconds');
    const context = await (await session.browser()).newContext();
    try {
      // The approval and the authorization that finds it remembered, in one turn: back to back.
      const { client, approved } = await session.turns.take(async () => {
        const client = await newClient(session);
        const first = await authorizationCode(session, { client, context });
        const approved = Date.now();
        if (!first.consentShown) throw new NotTestable('no consent page was shown', NO_CONSENT_PAGE);
        const second = await authorizationCode(session, { client, context });
        if (second.consentShown && Date.now() - approved >= ttl * 1000) {
          throw new NotTestable('the second authorization came only after the declared lifetime: nothing to wait out');
        }
        if (second.consentShown) throw new NotApplicable('the target does not remember consent: it asks every time');
        return { client, approved };
      });
      await sleepUntil(approved + (ttl + 1) * 1000);
      const third = await session.turns.take(() => authorize(session, { client, context, decision: 'stop' }));
      return { ttl, askedAgain: third.consentShown };
    } finally {
      await context.close().catch(() => undefined);
    }
  });
}
