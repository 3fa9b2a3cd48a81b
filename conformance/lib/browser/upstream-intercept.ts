// Instrumented mode: walks a transaction up to the upstream's redirect back to the proxy without delivering it, so
// the callback can be probed (altered state, replay, injected parameters). Consent is submitted from the page's own
// form and the mock IdP signs in without a page (`login_hint` / `login`), all with the browser context's cookies.
import type { BrowserContext } from 'playwright-core';
import { NotTestable } from '../model/outcome.ts';
import type { CheckSession } from '../session/check-session.ts';
import { currentTrace } from '../transport/trace.ts';
import { consentForm } from './consent-form.ts';
import { authorize } from './flow.ts';
import { safeOrigin } from './navigation.ts';

export interface InterceptedCallback {
  /** The upstream's redirect to the proxy callback (code and state), not yet delivered. */
  url: URL;
  /** The client's redirect_uri of the transaction. */
  redirectUri: string;
  context: BrowserContext;
}

export async function interceptUpstreamCallback(session: CheckSession): Promise<InterceptedCallback> {
  session.requireHarness();
  const flow = await authorize(session, { decision: 'stop' });
  const context = flow.context;
  try {
    if (!flow.page) throw new NotTestable('no consent page was shown');
    const form = await consentForm(flow.page, session);
    if (!form) throw new NotTestable('no consent form found');
    await flow.page.close();
    const approve = await context.request.post(form.action, {
      data: new URLSearchParams(form.fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: session.targetOrigin },
      maxRedirects: 0,
      failOnStatusCode: false,
    });
    let next = approve.headers().location;
    if (!next) throw new NotTestable(`approving through the form gave ${approve.status()} without a redirect`);
    let url = new URL(next, form.action);
    url.searchParams.set(session.settings.upstream === 'harness-github' ? 'login' : 'login_hint', 'alice');
    for (let hop = 0; hop < 10; hop++) {
      if (safeOrigin(url.toString()) === session.targetOrigin) {
        currentTrace()?.note(`intercepted upstream callback ${url.origin}${url.pathname}`);
        return { url, redirectUri: flow.redirectUri, context };
      }
      const res = await context.request.get(url.toString(), { maxRedirects: 0, failOnStatusCode: false });
      next = res.headers().location;
      if (!next) throw new NotTestable(`the upstream stopped at ${url.origin}${url.pathname} with ${res.status()}`);
      url = new URL(next, url);
    }
    throw new NotTestable('too many upstream redirects');
  } catch (err) {
    await context.close();
    throw err;
  }
}

/** GET through the browser context's cookie jar without following redirects; returns status and Location. */
export async function getWithoutRedirect(
  context: BrowserContext,
  url: string,
): Promise<{ status: number; location: string }> {
  const res = await context.request.get(url, { maxRedirects: 0, failOnStatusCode: false });
  const location = res.headers().location ?? '';
  currentTrace()?.note(
    `GET ${new URL(url).pathname} → ${res.status()}${location ? ` → ${location.split('?')[0]}` : ''}`,
  );
  return { status: res.status(), location };
}
