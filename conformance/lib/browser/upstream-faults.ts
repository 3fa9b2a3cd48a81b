// Instrumented mode: flows in which the upstream IdP fails, through the mock IdP's fault injection, and what reached
// the client. A denial at the IdP's authorization endpoint (as if the user refused there) and a 500 from its token
// endpoint when the proxy exchanges the upstream code (not applicable to a target that signs its user in upstream
// before deciding the request, nor to a pass-through, which has no upstream leg of its own). Each fault matches its own transaction's upstream state or
// code, so the flows of other workers never meet it. Memoised per worker: UP-07/UP-08 judge the error code, ISS-06
// every error path's state and iss.
import { NotApplicable, NotTestable } from '../model/outcome.ts';
import { trickyState } from '../oauth/pkce.ts';
import type { CheckSession } from '../session/check-session.ts';
import { authorize, releaseFlow, sharedFlow, type FlowResult } from './flow.ts';
import { safeOrigin } from '../transport/url.ts';
import { interceptUpstreamCallback } from './upstream-intercept.ts';

export interface UpstreamFailureOutcome {
  /** The client's state of the transaction (URL-special characters included, to be returned byte-exact). */
  state: string;
  /** The parameters of the client's callback, when the failure reached the client. */
  params?: URLSearchParams;
  /** Where the browser stopped instead (an error page of the proxy), when it did not. */
  stoppedAt?: string;
}

/** The user refuses at the upstream IdP: the mock IdP's `deny` fault on its authorization endpoint. */
export function upstreamDenial(session: CheckSession): Promise<UpstreamFailureOutcome> {
  return session.memo('upstream-denial', async () => {
    const idp = safeOrigin(session.requireHarness().idpUrl);
    const state = trickyState();
    // The flow stops on arriving at the IdP; the fault is armed only then, and the browser asks the IdP again, so
    // that no other request meets it.
    const atIdp = await authorize(session, { state, stopAtOrigin: idp });
    let disarm = async (): Promise<void> => undefined;
    try {
      await atIdp.page?.close();
      if (atIdp.signInShown) throw loginFirst();
      const first = atIdp.navigations.find((n) => safeOrigin(n.url) === idp);
      if (!first) throw new NotTestable('the flow never reached the upstream IdP');
      const upstreamAuthorize = new URL(first.url);
      disarm = await armFault(
        session,
        { endpoint: upstreamAuthorize.pathname, kind: 'deny' },
        'state',
        upstreamAuthorize.searchParams.get('state'),
      );
      return await toClient(state, () =>
        authorize(session, {
          context: atIdp.context,
          redirectUri: atIdp.redirectUri,
          state,
          start: { url: upstreamAuthorize.toString(), method: 'GET' },
        }),
      );
    } finally {
      await disarm();
      releaseFlow(session, atIdp);
    }
  });
}

/** The upstream token endpoint answers 500 to the proxy's code exchange: the mock IdP's `status` fault. */
export function upstreamExchangeFailure(session: CheckSession): Promise<UpstreamFailureOutcome> {
  return session.memo('upstream-exchange-failure', async () => {
    const tokenPath = await upstreamTokenPath(session);
    const state = trickyState();
    const intercepted = await interceptUpstreamCallback(session, { state });
    let disarm = async (): Promise<void> => undefined;
    try {
      if (intercepted.loginFirst) throw loginFirst();
      const hop = intercepted.hop;
      const upstreamCode = hop.form?.find(([k]) => k === 'code')?.[1] ?? hop.url.searchParams.get('code');
      disarm = await armFault(session, { endpoint: tokenPath, kind: 'status', status: 500 }, 'code', upstreamCode);
      return await toClient(state, () =>
        authorize(session, {
          context: intercepted.context,
          redirectUri: intercepted.redirectUri,
          state,
          start: { url: hop.url.toString(), method: hop.method, ...(hop.form ? { form: hop.form } : {}) },
        }),
      );
    } finally {
      await disarm();
      releaseFlow(session, intercepted);
    }
  });
}

/**
 * A target that shows its own sign-in page and signs its user in at the upstream before the authorization request is
 * decided: the upstream leg is how it authenticates the resource owner, which RFC 6749 §3.1 leaves to it ("The way in
 * which the authorization server authenticates the resource owner … is beyond the scope of this specification"), so a
 * failed sign-in there may end on its own page (the user can try again) rather than at the client.
 */
function loginFirst(): NotApplicable {
  return new NotApplicable(
    'the target signs its user in at the upstream before the authorization request is decided (its own sign-in page came first): a failed upstream sign-in belongs to that login (RFC 6749 §3.1)',
  );
}

/**
 * Arms a one-time fault for the request carrying `name=value` (this transaction's upstream state or code), so that
 * the flows of other workers never meet it; it is consumed by that request, and clearing every fault afterwards would
 * disarm the other workers' faults. Without a value (a proxy that sends no state upstream, which UP-02 reports) the
 * fault matches the endpoint and is cleared after use.
 */
async function armFault(
  session: CheckSession,
  fault: Parameters<CheckSession['injectUpstreamFault']>[0],
  name: string,
  value: string | null,
): Promise<() => Promise<void>> {
  await session.injectUpstreamFault(value ? { ...fault, match: { [name]: value } } : fault);
  return value ? async () => undefined : () => session.clearUpstreamFaults();
}

/** Follows the browser to the client; a stop at a page of the proxy is an outcome here, not a dead end. */
async function toClient(state: string, run: () => Promise<FlowResult>): Promise<UpstreamFailureOutcome> {
  try {
    const flow = await run();
    return flow.hit ? { state, params: flow.hit.params } : { state, stoppedAt: 'no callback reached the client' };
  } catch (err) {
    if (err instanceof NotTestable) return { state, stoppedAt: err.message };
    throw err;
  }
}

/** The path of the IdP's token endpoint, as the proxy uses it: its code exchanges in the mock IdP's request log. */
async function upstreamTokenPath(session: CheckSession): Promise<string> {
  await sharedFlow(session).catch(() => undefined);
  const exchange = (await session.upstreamRequests()).find((r) => r.method === 'POST' && r.form.code !== undefined);
  if (!exchange) throw new NotTestable('no upstream code exchange in the mock IdP log to learn its token endpoint');
  return exchange.path;
}
