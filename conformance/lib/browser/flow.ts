// The authorization flow as a user agent lives it: open /authorize in Chromium, sign in on the proxy when it asks
// first (login-first proxies), decide on its consent page (controls found by accessible role and name, or the target
// description's selectors; a form post or a script's fetch alike, since the driver clicks), sign in upstream (the
// mock's "Sign in" button or a user-supplied login script) and wait for the client's callback. Every navigation is
// recorded; every 5xx the browser meets is reported to the check (define-check.ts).
import type { BrowserContext, Page, Request, Response } from 'playwright-core';
import { NotTestable, type RootCause } from '../model/outcome.ts';
import { buildAuthorizeUrl } from '../oauth/authorize-url.ts';
import { newVerifier, randomToken, s256 } from '../oauth/pkce.ts';
import { otherClient, sharedClient, type RegisteredClient } from '../oauth/registration.ts';
import { scopeToRequest } from '../oauth/scope.ts';
import { clientAuth, postToken, refreshGrant, requireTokens, tokenSet, type TokenSet } from '../oauth/token.ts';
import type { CheckSession } from '../session/check-session.ts';
import type { CallbackHit } from '../transport/callback-server.ts';
import { currentTrace } from '../transport/trace.ts';
import { axConsentControls } from './ax-controls.ts';
import { chain, type Navigation } from './navigation.ts';
import { safeOrigin } from '../transport/url.ts';
import {
  callbackOrigin,
  classifyTargetPage,
  clickAndWait,
  consentControlsNotFound,
  pageText,
  safeUrl,
  signInAtTarget,
  signInUpstream,
} from './page-actions.ts';

export interface FlowOptions {
  client?: RegisteredClient;
  state?: string;
  redirectUri?: string;
  /** `null` leaves the resource parameter out. */
  resource?: string | null;
  scope?: string | null;
  verifier?: string;
  /** Overrides or additions to the authorization request; `undefined` values remove a parameter. */
  params?: Record<string, string | undefined>;
  /** approve/deny on the consent page, or stop there (the page stays open in the result). */
  decision?: 'approve' | 'deny' | 'stop';
  /** With 'stop': stop at a sign-in page of the proxy too (the user is asked something, CONSENT-04). */
  stopAtSignIn?: boolean;
  context?: BrowserContext;
  /** Start with this request instead of a new authorization request (a replayed upstream callback, UP-02). */
  start?: { url: string; method: 'GET' | 'POST'; form?: [string, string][] };
  /** Stop as soon as the browser reaches this origin (the upstream IdP), leaving the page open. */
  stopAtOrigin?: string;
}

export interface FlowResult {
  client: RegisteredClient;
  verifier: string;
  challenge: string;
  state: string;
  redirectUri: string;
  authorizeUrl: string;
  /** The client's callback hit, if the flow reached it. */
  hit?: CallbackHit;
  navigations: Navigation[];
  /** Whether the proxy's consent page was shown (a decision was needed). */
  consentShown: boolean;
  /** The consent page's own response (its headers: anti-framing, cookies). */
  consentPage?: Navigation;
  /** How many navigations happened before the consent page was shown (the rest came after it). */
  navigationsBeforeConsent?: number;
  /** How many navigations happened before the consent decision was clicked. */
  navigationsBeforeDecision?: number;
  /** Whether the proxy showed a sign-in page of its own before the consent page (login-first). */
  signInShown: boolean;
  /** Whether the flow stopped at a sign-in page (decision 'stop' with stopAtSignIn). */
  stoppedAtSignIn?: boolean;
  /** The consent (or, with stopAtSignIn, sign-in) page, left open when the decision was 'stop'. */
  page?: Page;
  context: BrowserContext;
  /** The response to the consent decision when it was a form post navigation (AUTHZ-06). */
  decisionResponse?: Navigation;
  /** How the decision reached the proxy: a form submission (a POST navigation) or a page script. */
  decisionBy?: 'form' | 'script';
  /** Whether clicking the decision control led anywhere (a navigation or the callback). */
  decisionMoved?: boolean;
}

/** No consent page was shown: one root cause for every check that needs one (CONSENT-05 reports it as a failure). */
export const NO_CONSENT_PAGE: RootCause = {
  key: 'no-consent-page',
  summary: 'no consent page: the proxy never asks the user before granting a client access',
};

const FLOW_TIMEOUT_MS = 15_000;
/** How long a response's full headers may take; Chromium sometimes never delivers them (see recordNavigation). */
const HEADERS_TIMEOUT_MS = 2000;

/** Runs /authorize in the browser up to the client's callback (or the consent page with decision 'stop'). */
export async function authorize(session: CheckSession, opts: FlowOptions = {}): Promise<FlowResult> {
  const callback = await session.callback();
  const client = opts.client ?? (await sharedClient(session));
  const verifier = opts.verifier ?? newVerifier();
  const challenge = s256(verifier);
  const state = opts.state ?? randomToken();
  const redirectUri = opts.redirectUri ?? client.redirect_uris[0] ?? callback.uri();
  const scope = opts.scope === null ? undefined : (opts.scope ?? (await scopeToRequest(session)));
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: redirectUri,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    scope,
    resource: opts.resource === null ? undefined : (opts.resource ?? session.settings.mcp),
  };
  for (const [k, v] of Object.entries(opts.params ?? {})) params[k] = v;
  const authorizeUrl = opts.start?.url ?? (await buildAuthorizeUrl(session, params));
  // Without a context of its own the flow gets a wiped one from the pool, and runs in its reset page: the caller
  // gives it back (releaseFlow).
  const context = opts.context ?? (await session.contexts.take());
  // The browser is signed in at the mock IdP once a flow of this worker has signed in there (upstream-sign-in.ts);
  // a flow that must stop at the IdP's page starts without that sign-in.
  if (opts.stopAtOrigin === undefined) await session.upstreamSignIn.addTo(context);
  const page = await session.contexts.page(context);
  const navigations: Navigation[] = [];
  const flowStart = Date.now();
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text().slice(0, 300));
  });
  const pending: Promise<void>[] = [];
  reportServerErrors(page);
  page.on('response', (response) => {
    const request = response.request();
    if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
    pending.push(recordNavigation(response, navigations, flowStart));
  });
  const result: FlowResult = {
    client,
    verifier,
    challenge,
    state,
    redirectUri,
    authorizeUrl,
    navigations,
    consentShown: false,
    signInShown: false,
    context,
  };
  const from = callback.hits.length;
  // The worker's listener may also receive the callbacks of flows running meanwhile (the lifetime checks'
  // preparations): a hit carrying another state is theirs. A hit without state is taken (a proxy that drops it). A
  // flow resumed from the middle (`start`) waits for the state of the transaction it resumes, when it is given.
  const expected = opts.start && opts.state === undefined ? undefined : params.state;
  const ours = (hit: CallbackHit): boolean => {
    const got = hit.params.get('state');
    return got === null || expected === undefined || got === expected;
  };
  const ourHit = (): CallbackHit | undefined => callback.hits.slice(from).find(ours);
  const reached = (): boolean => ourHit() !== undefined;
  const deadline = Date.now() + FLOW_TIMEOUT_MS;
  const decision = opts.decision ?? 'approve';
  let decided = false;
  try {
    await open(page, opts.start ?? { url: authorizeUrl, method: 'GET' }).catch((err: unknown) => {
      if (!reached()) throw err;
    });
    for (let step = 0; step < 12 && Date.now() < deadline; step++) {
      result.hit = ourHit();
      if (result.hit) break;
      await page.waitForLoadState('load', { timeout: 5000 }).catch(() => undefined);
      const origin = safeOrigin(page.url());
      if (opts.stopAtOrigin !== undefined && origin === opts.stopAtOrigin) {
        result.page = page;
        return result;
      }
      if (origin === callbackOrigin(callback.port)) {
        result.hit = await callback.waitForHit(from, 2000, ours);
        break;
      }
      if (origin === session.targetOrigin) {
        const here = page.url();
        // Chromium's accessibility tree first (ax-controls.ts): one call instead of Playwright's role queries. Only in
        // a pooled context's kept page, which is reset, never closed: a page of a check's own context that was read
        // and clicked this way made Playwright's page.close() hang to its 5 s bound in about one oidc run of two.
        const quick =
          session.settings.targetDescription.consent || !session.contexts.isKeeper(page)
            ? undefined
            : await axConsentControls(page);
        const found = quick ? ({ kind: 'consent', ...quick } as const) : await classifyTargetPage(page, session);
        // A page that moved on while it was being read (a meta refresh, a script) was not the page classified.
        if (page.url() !== here) continue;
        if (found.kind === 'unknown') {
          await settle(pending);
          // A page that moves on by itself (meta refresh, an auto-submitting form, a script) is not a dead end; an
          // error status is.
          if (!isErrorPage(page, navigations) && (await movesOnByItself(page, reached))) continue;
          throw stoppedAt(page, navigations, await pageText(page));
        }
        if (found.kind === 'sign-in') {
          result.signInShown = true;
          if (decision === 'stop' && opts.stopAtSignIn) {
            result.stoppedAtSignIn = true;
            result.page = page;
            return result;
          }
          const moved = await signInAtTarget(page, session, found, reached);
          if (!moved) throw stoppedAt(page, navigations, 'clicking its sign-in control led nowhere');
          continue;
        }
        await settle(pending);
        result.consentShown = true;
        result.consentPage = lastTargetPage(navigations, session.targetOrigin);
        result.navigationsBeforeConsent = navigations.length;
        if (decision === 'stop') {
          // A consent page may fill in what it shows with its own requests (the client's name); only a script can
          // start one after the load event, so a page without scripts is complete already (networkidle costs 500 ms).
          if (await hasScripts(page)) {
            await page.waitForLoadState('networkidle', { timeout: 3000 }).catch(() => undefined);
          }
          result.page = page;
          return result;
        }
        const button = decision === 'deny' ? found.deny : found.approve;
        if (!button) {
          throw new NotTestable(`the consent page ${safeUrl(page.url())} has no deny control`, {
            key: `consent-deny-control:${safeUrl(page.url())}`,
            summary: `the consent page at ${safeUrl(page.url())} has no deny control the suite recognises: configure consent.denySelector`,
          });
        }
        const before = navigations.length;
        result.navigationsBeforeDecision = before;
        const posts = watchDecisionRequests(page, session.targetOrigin);
        decided = true;
        result.decisionMoved = await clickAndWait(page, button, reached);
        await settle(pending);
        const formPost = navigations.slice(before).find((n) => n.method === 'POST');
        result.decisionBy = formPost ? 'form' : posts.seen() ? 'script' : undefined;
        if (formPost) result.decisionResponse = formPost;
        posts.stop();
        if (decision === 'deny') {
          // A denial is the end of the driver's part: whatever the page does now (a redirect with access_denied, a
          // history.back() to nowhere) is what the check judges. Nothing more is clicked, nobody signs in.
          result.hit = await callback.waitForHit(from, 3000, ours);
          break;
        }
        if (!result.decisionMoved) {
          throw new NotTestable(
            `clicking ${decision} on the consent page led nowhere (${consoleErrors.join(' | ') || 'no console error'}); navigations: ${chain(navigations)}`,
          );
        }
        continue;
      }
      if (decided && decision === 'deny') break;
      await signInUpstream(page, session, reached);
    }
    result.hit ??= await callback.waitForHit(from, Math.max(0, Math.min(3000, deadline - Date.now())), ours);
    if (result.hit) {
      await settle(pending);
      await session.upstreamSignIn.keepFrom(context, navigations);
    }
  } finally {
    await settle(pending);
    // A pooled context's page stays open: giving the context back resets it (context-pool.ts).
    if (!result.page && !session.contexts.isKeeper(page)) {
      await closeQuietly(page, reached() ? callbackOrigin(callback.port) : undefined);
    }
  }
  return result;
}

/**
 * Closes a page without hanging the check. Closing a page while a navigation is still in flight (the client callback
 * was hit, but the browser has not committed it: typically after a meta refresh or a script's location change) can
 * keep Playwright's page.close() waiting for about a minute on a loaded machine. So the navigation to the callback is
 * awaited first (bounded), and the close itself is bounded: a page that will not close goes with its context.
 */
export async function closeQuietly(page: Page, arrivingAt: string | undefined): Promise<void> {
  if (arrivingAt !== undefined && safeOrigin(page.url()) !== arrivingAt) {
    await page
      .waitForURL((url) => safeOrigin(url.toString()) === arrivingAt, { timeout: 3000, waitUntil: 'commit' })
      .catch(() => undefined);
  }
  await Promise.race([
    page.close({ runBeforeUnload: false }).catch(() => undefined),
    new Promise<void>((resolve) => setTimeout(resolve, 5000)),
  ]);
}

/** A 5xx from any request of the page (a consent page's fetch included) is the check's finding (define-check.ts). */
export function reportServerErrors(page: Page): void {
  page.on('response', (response) => {
    if (response.status() < 500) return;
    currentTrace()?.serverError({
      method: response.request().method(),
      url: response.url(),
      status: response.status(),
    });
  });
}

/** Opens the first page: a GET navigation, or a POST submitted from a blank page (a form_post callback). */
async function open(page: Page, start: NonNullable<FlowOptions['start']>): Promise<void> {
  if (start.method === 'GET') {
    await page.goto(start.url, { timeout: FLOW_TIMEOUT_MS });
    return;
  }
  await page.evaluate(
    ({ url, fields }) => {
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = url;
      for (const [name, value] of fields) {
        const input = document.createElement('input');
        input.type = 'hidden';
        input.name = name;
        input.value = value;
        form.append(input);
      }
      document.body.append(form);
      form.submit();
    },
    { url: start.url, fields: start.form ?? [] },
  );
  await page.waitForLoadState('domcontentloaded', { timeout: FLOW_TIMEOUT_MS });
}

/**
 * Records a main-frame navigation with its full headers (Set-Cookie included). Chromium does not always deliver the
 * extra-info event those come from (Playwright then waits for it forever: `headersArray()` never settles, which made
 * whole checks time out after their flow had finished), so the wait is bounded and falls back to the provisional
 * headers, which lack only the cookie headers (CONSENT-04 also reads the cookie jar).
 */
export async function recordNavigation(
  response: Response,
  navigations: Navigation[],
  flowStart: number,
): Promise<void> {
  const request = response.request();
  const full = await Promise.race([
    response.headersArray().catch(() => undefined),
    new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), HEADERS_TIMEOUT_MS)),
  ]);
  const headers = full ?? Object.entries(response.headers()).map(([name, value]) => ({ name, value }));
  const nav: Navigation = {
    method: request.method(),
    url: response.url(),
    status: response.status(),
    setCookies: headers.filter((h) => h.name.toLowerCase() === 'set-cookie').map((h) => h.value),
    headers: Object.fromEntries(headers.map((h) => [h.name.toLowerCase(), h.value])),
    ...(full ? {} : { headersIncomplete: true }),
  };
  const location = nav.headers.location;
  if (location) nav.location = new URL(location, nav.url).toString();
  navigations.push(nav);
  currentTrace()?.browser(
    `${nav.method} ${nav.url} → ${nav.status}${nav.location ? ` → ${nav.location}` : ''} (+${Date.now() - flowStart} ms)${full ? '' : ' (provisional headers)'}`,
  );
}

/** Waits for the navigations recorded so far; each is bounded (recordNavigation), so this always ends. */
async function settle(pending: Promise<void>[]): Promise<void> {
  await Promise.all(pending);
}

/**
 * Whether the page could still run code that fetches: a script element, an inline event handler (onload=…), or an
 * embedded document of its own.
 */
async function hasScripts(page: Page): Promise<boolean> {
  return page
    .evaluate(
      () =>
        document.scripts.length > 0 ||
        document.querySelector('iframe, frame, object, embed') !== null ||
        [...document.querySelectorAll('*')].some((el) => el.getAttributeNames().some((name) => name.startsWith('on'))),
    )
    .catch(() => true);
}

/** Whether a page without controls navigates away by itself within a moment (meta refresh, auto-submit, script). */
async function movesOnByItself(page: Page, reached: () => boolean): Promise<boolean> {
  const url = page.url();
  const moved = await page
    .waitForEvent('framenavigated', { timeout: 1500 })
    .then(() => true)
    .catch(() => false);
  return moved || reached() || page.url() !== url;
}

function isErrorPage(page: Page, navigations: Navigation[]): boolean {
  const where = safeUrl(page.url());
  const last = [...navigations].reverse().find((n) => safeUrl(n.url) === where);
  return last !== undefined && last.status >= 400;
}

/** The last 2xx navigation on the target's origin: the page on screen. */
function lastTargetPage(navigations: Navigation[], targetOrigin: string): Navigation | undefined {
  return [...navigations]
    .reverse()
    .find((n) => safeOrigin(n.url) === targetOrigin && n.status >= 200 && n.status < 300);
}

/** The flow stops at a proxy page it cannot drive: an error page, or a page whose controls it does not recognise. */
function stoppedAt(page: Page, navigations: Navigation[], text: string): NotTestable {
  const where = safeUrl(page.url());
  const last = [...navigations].reverse().find((n) => safeUrl(n.url) === where);
  const shown = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  if (last && last.status >= 400) {
    return new NotTestable(
      `the flow stopped at ${where} (${last.status}: "${shown}"); navigations: ${chain(navigations)}`,
      {
        key: `flow-stopped:${where}`,
        summary: `the authorization flow stops at ${where} with ${last.status}: "${shown.slice(0, 120)}"`,
      },
    );
  }
  const cause = consentControlsNotFound(page);
  return new NotTestable(`${cause.summary} ("${shown}"); navigations: ${chain(navigations)}`, cause);
}

/** Notices requests a consent decision sends without navigating (a script's fetch or XHR to the proxy). */
function watchDecisionRequests(page: Page, targetOrigin: string): { seen(): boolean; stop(): void } {
  let seen = false;
  const listener = (request: Request): void => {
    if (request.method() !== 'GET' && !request.isNavigationRequest() && safeOrigin(request.url()) === targetOrigin) {
      seen = true;
    }
  };
  page.on('request', listener);
  return { seen: () => seen, stop: () => page.off('request', listener) };
}

/**
 * Ends a flow that was run without a context of its own: its pages close and its context goes back to the pool,
 * wiped (context-pool.ts). The flow's pages and context must not be used afterwards. Returns at once: the wipe runs
 * meanwhile (a page still navigating can take seconds to close, and a code exchange may be next).
 */
export function releaseFlow(session: CheckSession, flow: Pick<FlowResult, 'context'>): void {
  void session.contexts.give(flow.context, (page) => closeQuietly(page, undefined));
}

/** A completed flow: authorization approved and the code exchanged; anything short of that is not testable. */
export interface CompletedFlow extends FlowResult {
  code: string;
  tokens: TokenSet;
  tokenResponse: Awaited<ReturnType<typeof postToken>>;
}

export async function authorizationCode(
  session: CheckSession,
  opts: FlowOptions = {},
): Promise<FlowResult & { code: string }> {
  const flow = await authorize(session, opts);
  if (!opts.context) releaseFlow(session, flow);
  const code = flow.hit?.params.get('code');
  if (!code) {
    const error = flow.hit?.params.get('error');
    const got = flow.hit
      ? `callback ${flow.hit.params.toString().slice(0, 200)}`
      : `no callback (last page ${flow.navigations.at(-1)?.url ?? 'none'})`;
    throw new NotTestable(
      `authorization did not return a code: ${got}`,
      error
        ? { key: `no-code:${error}`, summary: `the authorization flow returns error=${error} instead of a code` }
        : { key: 'no-code', summary: 'the authorization flow does not reach the client with a code' },
    );
  }
  return { ...flow, code };
}

export async function exchangeCode(
  session: CheckSession,
  flow: FlowResult & { code: string },
  overrides: Record<string, string | undefined> = {},
  /** Another client presenting the code, authenticating with its own credentials (RFC 6749 §2.3.1). */
  as: RegisteredClient = flow.client,
): Promise<Awaited<ReturnType<typeof postToken>>> {
  const auth = clientAuth(as);
  return postToken(
    session,
    {
      grant_type: 'authorization_code',
      code: flow.code,
      redirect_uri: flow.redirectUri,
      code_verifier: flow.verifier,
      resource: session.settings.mcp,
      ...auth.form,
      ...overrides,
    },
    auth.headers,
  );
}

export async function completedFlow(session: CheckSession, opts: FlowOptions = {}): Promise<CompletedFlow> {
  const flow = await authorizationCode(session, opts);
  const tokenResponse = await exchangeCode(session, flow);
  return { ...flow, tokenResponse, tokens: requireTokens(tokenResponse, 'code exchange') };
}

/**
 * The proxy's own upstream callback, as the proxy itself announces it: the `redirect_uri` of the browser's
 * navigation from the proxy to the upstream authorization endpoint in the shared flow. No spec fixes its path, so it
 * is observed rather than assumed; undefined when the flow does not get that far.
 */
export function proxyCallbackUri(session: CheckSession): Promise<string | undefined> {
  return session.memo('proxy-callback', async () => {
    const flow = await sharedFlow(session).catch(() => undefined);
    for (const nav of flow?.navigations ?? []) {
      if (safeOrigin(nav.url) === session.targetOrigin) continue;
      const redirectUri = new URL(nav.url).searchParams.get('redirect_uri');
      if (redirectUri && safeOrigin(redirectUri) === session.targetOrigin) return redirectUri;
    }
    return undefined;
  });
}

/**
 * A completed flow of the worker's second client (B), memoised: the positive path of the checks in which B must not
 * use A's code or refresh token (CODE-05, RT-06). Only B's own refresh may use its refresh token.
 */
export function otherClientFlow(session: CheckSession): Promise<CompletedFlow> {
  return session.memo('other-client-flow', async () => completedFlow(session, { client: await otherClient(session) }));
}

/**
 * The worker's shared, read-only happy flow. Checks that mutate grants run their own flow. On a target with short
 * access tokens its tokens are refreshed once they are older than half their expires_in (or the flow is run again
 * when that fails), so that every check reading it gets a live token.
 */
export async function sharedFlow(session: CheckSession): Promise<CompletedFlow> {
  const held = await session.memo('shared-flow', async () => ({ flow: await completedFlow(session), at: Date.now() }));
  const expiresIn = held.flow.tokens.expires_in;
  if (expiresIn === undefined || Date.now() - held.at < (expiresIn * 1000) / 2) return held.flow;
  const rt = held.flow.tokens.refresh_token;
  const refreshed = rt ? await refreshGrant(session, held.flow.client, rt) : undefined;
  const tokens = refreshed ? tokenSet(refreshed) : undefined;
  held.flow =
    refreshed && tokens
      ? { ...held.flow, tokenResponse: refreshed, tokens: { ...tokens, refresh_token: tokens.refresh_token ?? rt } }
      : await completedFlow(session);
  held.at = Date.now();
  return held.flow;
}
