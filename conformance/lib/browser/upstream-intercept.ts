// Instrumented mode: walks a transaction up to the upstream's answer to the proxy's callback without delivering it,
// so that the callback can be probed (altered state, replay, injected parameters). The browser drives the proxy's
// part as a user would (a consent page of any kind, a sign-in page first, or none at all) until it reaches the
// upstream; from there the mock IdP signs in without a page (`login_hint` / `login`) through the browser context's
// cookie jar, and every hop is read the way a user agent follows it (Location, meta refresh, auto-submitting form).
import type { BrowserContext } from 'playwright-core';
import { NotApplicable, NotTestable } from '../model/outcome.ts';
import { onwardOf, responseParams, type Onward } from '../oauth/onward.ts';
import type { CheckSession } from '../session/check-session.ts';
import { currentTrace } from '../transport/trace.ts';
import { answerOf } from './consent-form.ts';
import { authorize, releaseFlow, type FlowOptions } from './flow.ts';
import { safeOrigin } from '../transport/url.ts';

/** One request of the user agent: a GET, or the POST of an auto-submitting form (form_post). */
export interface Hop {
  url: URL;
  method: 'GET' | 'POST';
  form?: [string, string][];
}

export interface InterceptedCallback {
  /** The upstream's answer to the proxy callback (code and state), not yet delivered. */
  hop: Hop;
  /** The client's redirect_uri of the transaction. */
  redirectUri: string;
  /** The client's state of the transaction. */
  state: string;
  /** The target showed a sign-in page of its own before the upstream: it signs its user in there first. */
  loginFirst: boolean;
  context: BrowserContext;
}

export async function interceptUpstreamCallback(
  session: CheckSession,
  opts: Pick<FlowOptions, 'state'> = {},
): Promise<InterceptedCallback> {
  const idp = safeOrigin(session.requireHarness().idpUrl);
  const flow = await authorize(session, { ...opts, stopAtOrigin: idp });
  const context = flow.context;
  try {
    await flow.page?.close();
    const first = flow.navigations.find((n) => safeOrigin(n.url) === idp);
    if (!first) {
      throw new NotTestable(
        `the flow never reached the upstream${flow.hit ? ' (the client callback came first)' : ''}; navigations: ${flow.navigations.map((n) => safeOrigin(n.url)).join(' → ')}`,
      );
    }
    let hop: Hop = { url: new URL(first.url), method: 'GET' };
    hop.url.searchParams.set(session.settings.upstream === 'harness-github' ? 'login' : 'login_hint', 'alice');
    for (let n = 0; n < 10; n++) {
      if (`${hop.url.origin}${hop.url.pathname}` === flow.redirectUri.split('?')[0]) {
        // A pass-through: the upstream answers the client itself (UP-03 reports it). The proxy has no callback of its
        // own, so nothing of the proxy's upstream leg is there to intercept or to fault.
        throw new NotApplicable(
          'the upstream redirects straight to the client (a pass-through proxy, see UP-03): there is no upstream callback of the proxy',
        );
      }
      if (safeOrigin(hop.url.toString()) === session.targetOrigin) {
        currentTrace()?.note(`intercepted upstream callback ${hop.method} ${hop.url.origin}${hop.url.pathname}`);
        return { hop, redirectUri: flow.redirectUri, state: flow.state, loginFirst: flow.signInShown, context };
      }
      const { onward, status } = await send(context, hop);
      if (!onward) throw new NotTestable(`the upstream stopped at ${hop.url.origin}${hop.url.pathname} with ${status}`);
      hop = toHop(onward);
    }
    throw new NotTestable('too many upstream redirects');
  } catch (err) {
    releaseFlow(session, flow);
    throw err;
  }
}

function toHop(onward: Onward): Hop {
  return { url: onward.url, method: onward.method, ...(onward.form ? { form: onward.form } : {}) };
}

/** Sends one hop through the context's cookie jar without following anything; returns where it leads. */
export async function send(context: BrowserContext, hop: Hop): Promise<{ status: number; onward?: Onward }> {
  const res = await context.request.fetch(hop.url.toString(), {
    method: hop.method,
    ...(hop.method === 'POST'
      ? {
          data: new URLSearchParams(hop.form ?? []).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }
      : {}),
    maxRedirects: 0,
    failOnStatusCode: false,
    timeout: 10_000,
  });
  const answer = await answerOf(res, hop.method);
  const onward = onwardOf(answer, hop.url.toString());
  currentTrace()?.note(
    `${hop.method} ${hop.url.origin}${hop.url.pathname} → ${res.status()}${onward ? ` → ${onward.url.origin}${onward.url.pathname}` : ''}`,
  );
  return { status: res.status(), ...(onward ? { onward } : {}) };
}

/** The hop with its state parameter changed (`undefined` removes it), in the query or the form alike. */
export function withState(hop: Hop, state: string | undefined): Hop {
  const url = new URL(hop.url);
  const form = hop.form?.filter(([k]) => k !== 'state');
  if (hop.method === 'POST') {
    return { ...hop, url, form: state === undefined ? (form ?? []) : [...(form ?? []), ['state', state]] };
  }
  if (state === undefined) url.searchParams.delete('state');
  else url.searchParams.set('state', state);
  return { ...hop, url };
}

/** The state the hop carries. */
export function stateOf(hop: Hop): string {
  return (
    (hop.method === 'POST' ? new URLSearchParams(hop.form ?? []).get('state') : hop.url.searchParams.get('state')) ?? ''
  );
}

/** Whether an answer hands the client a code directly (its redirect URI with `code`). */
export function codeToClient(onward: Onward | undefined, redirectUri: string): boolean {
  return onward !== undefined && onward.url.toString().startsWith(redirectUri) && responseParams(onward).has('code');
}
