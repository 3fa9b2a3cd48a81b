// The authorization flow as a user agent lives it: open /authorize in Chromium, decide on the proxy's consent page
// (buttons found by accessible role and name, or the target description's selectors), sign in upstream (the mock's
// "Sign in" button or a user-supplied login script) and wait for the client's callback. Every navigation is recorded.
import type { BrowserContext, Page } from 'playwright-core';
import { NotTestable } from '../model/outcome.ts';
import { buildAuthorizeUrl } from '../oauth/authorize-url.ts';
import { newVerifier, randomToken, s256 } from '../oauth/pkce.ts';
import { sharedClient, type RegisteredClient } from '../oauth/registration.ts';
import { scopeToRequest } from '../oauth/scope.ts';
import { clientAuth, postToken, requireTokens, type TokenSet } from '../oauth/token.ts';
import type { CheckSession } from '../session/check-session.ts';
import type { CallbackHit } from '../transport/callback-server.ts';
import { currentTrace } from '../transport/trace.ts';
import { chain, safeOrigin, type Navigation } from './navigation.ts';
import { callbackOrigin, clickAndWait, findButton, pageText, signInUpstream } from './page-actions.ts';

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
  context?: BrowserContext;
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
  /** The consent page, left open when the decision was 'stop'. */
  page?: Page;
  context: BrowserContext;
  /** The response to the consent decision (the form POST). */
  decisionResponse?: Navigation;
}

const FLOW_TIMEOUT_MS = 15_000;

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
  const authorizeUrl = await buildAuthorizeUrl(session, params);
  const context = opts.context ?? (await (await session.browser()).newContext());
  const page = await context.newPage();
  const navigations: Navigation[] = [];
  const flowStart = Date.now();
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text().slice(0, 300));
  });
  const pending: Promise<void>[] = [];
  page.on('response', (response) => {
    const request = response.request();
    if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
    pending.push(
      response.headersArray().then((headers) => {
        const nav: Navigation = {
          method: request.method(),
          url: response.url(),
          status: response.status(),
          setCookies: headers.filter((h) => h.name.toLowerCase() === 'set-cookie').map((h) => h.value),
          headers: Object.fromEntries(headers.map((h) => [h.name.toLowerCase(), h.value])),
        };
        const location = nav.headers.location;
        if (location) nav.location = new URL(location, nav.url).toString();
        navigations.push(nav);
        currentTrace()?.browser(
          `${nav.method} ${nav.url} → ${nav.status}${nav.location ? ` → ${nav.location}` : ''} (+${Date.now() - flowStart} ms)`,
        );
      }),
    );
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
    context,
  };
  const from = callback.hits.length;
  const deadline = Date.now() + FLOW_TIMEOUT_MS;
  try {
    await page.goto(authorizeUrl, { timeout: FLOW_TIMEOUT_MS }).catch((err: unknown) => {
      if (callback.hits.length <= from) throw err;
    });
    for (let step = 0; step < 10 && Date.now() < deadline; step++) {
      result.hit = callback.hits[from];
      if (result.hit) break;
      await page.waitForLoadState('domcontentloaded').catch(() => undefined);
      const origin = safeOrigin(page.url());
      if (origin === callbackOrigin(callback.port)) {
        result.hit = await callback.waitForHit(from, 2000);
        break;
      }
      if (origin === session.targetOrigin) {
        const decision = opts.decision ?? 'approve';
        const button = await findButton(page, decision === 'deny' ? 'deny' : 'approve', session);
        if (!button) {
          await page.waitForTimeout(200);
          if (callback.hits.length > from || safeOrigin(page.url()) !== origin) continue;
          const text = (await pageText(page)).replace(/\s+/g, ' ').trim().slice(0, 200);
          throw new NotTestable(`no consent button on ${page.url()} ("${text}"); navigations: ${chain(navigations)}`);
        }
        result.consentShown = true;
        if (decision === 'stop') {
          result.page = page;
          return result;
        }
        const before = navigations.length;
        const moved = await clickAndWait(page, button, () => callback.hits.length > from);
        if (!moved) {
          throw new NotTestable(
            `clicking ${decision} on the consent page led nowhere (${consoleErrors.join(' | ') || 'no console error'}); navigations: ${chain(navigations)}`,
          );
        }
        await Promise.all(pending);
        result.decisionResponse = navigations.slice(before).find((n) => n.method === 'POST') ?? navigations[before];
        continue;
      }
      await signInUpstream(page, session, () => callback.hits.length > from);
    }
    result.hit ??= await callback.waitForHit(from, Math.max(0, Math.min(3000, deadline - Date.now())));
  } finally {
    await Promise.all(pending);
    if (!result.page) await page.close().catch(() => undefined);
  }
  return result;
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
  if (!opts.context) await flow.context.close().catch(() => undefined);
  const code = flow.hit?.params.get('code');
  if (!code) {
    const got = flow.hit
      ? `callback ${flow.hit.params.toString().slice(0, 200)}`
      : `no callback (last page ${flow.navigations.at(-1)?.url ?? 'none'})`;
    throw new NotTestable(`authorization did not return a code: ${got}`);
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

/** The worker's shared, read-only happy flow. Checks that mutate grants run their own flow. */
export function sharedFlow(session: CheckSession): Promise<CompletedFlow> {
  return session.memo('shared-flow', () => completedFlow(session));
}
