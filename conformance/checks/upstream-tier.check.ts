// The proxy as an OAuth client of the upstream IdP, observed through the mock's request log and the browser's
// navigations (instrumented mode only): its own PKCE pair and state, a fixed callback, and upstream codes and
// tokens that never reach the MCP client (conformance/requirements.md, UP-*).
import { authorize, releaseFlow, sharedFlow, type FlowResult } from '../lib/browser/flow.ts';
import {
  codeToClient,
  interceptUpstreamCallback,
  send,
  stateOf,
  withState,
  type InterceptedCallback,
} from '../lib/browser/upstream-intercept.ts';
import { defineCheck } from '../lib/check/define-check.ts';
import { NotTestable } from '../lib/model/outcome.ts';
import { ref } from '../lib/model/refs.ts';
import { s256 } from '../lib/oauth/pkce.ts';
import type { CheckSession } from '../lib/session/check-session.ts';
import { safeOrigin } from '../lib/transport/url.ts';

/** The browser's request to the upstream authorization endpoint during a flow. */
function upstreamAuthorize(session: CheckSession, flow: FlowResult): URL | undefined {
  const idp = safeOrigin(session.requireHarness().idpUrl);
  const nav = flow.navigations.find((n) => safeOrigin(n.url) === idp);
  return nav ? new URL(nav.url) : undefined;
}

/** Codes in the IdP's redirects of a flow (the `code` of every Location the IdP answered with). */
function upstreamRedirectCodes(session: CheckSession, flow: FlowResult): string[] {
  const idp = safeOrigin(session.requireHarness().idpUrl);
  const codes: string[] = [];
  for (const nav of flow.navigations) {
    if (safeOrigin(nav.url) !== idp || !nav.location) continue;
    const code = new URL(nav.location).searchParams.get('code');
    if (code) codes.push(code);
  }
  const fromCallback = upstreamCallback(session, flow)?.searchParams.get('code');
  if (fromCallback) codes.push(fromCallback);
  return codes;
}

/** The upstream's redirect back to the proxy (the navigation to the target after the IdP). */
function upstreamCallback(session: CheckSession, flow: FlowResult): URL | undefined {
  const idp = safeOrigin(session.requireHarness().idpUrl);
  const i = flow.navigations.findIndex((n) => safeOrigin(n.url) === idp);
  const nav = flow.navigations.slice(i + 1).find((n) => safeOrigin(n.url) === session.targetOrigin);
  return i >= 0 && nav ? new URL(nav.url) : undefined;
}

function secondFlow(session: CheckSession): Promise<FlowResult> {
  return session.memo('upstream-second-flow', async () => {
    const flow = await authorize(session);
    releaseFlow(session, flow);
    return flow;
  });
}

defineCheck(
  {
    id: 'UP-01',
    title: "the proxy uses its own S256 PKCE pair upstream, never the client's challenge",
    level: 'MUST',
    quote:
      'Clients MUST prevent authorization code injection attacks (see Section 4.5) and misuse of authorization codes using one of the following options: […] Public clients MUST use PKCE [RFC7636] to this end, as motivated in Section 4.5.3.1.',
    refs: [ref.rfc(9700, '2.1.1'), ref.mcpSbp('confused-deputy-problem', 'Confused deputy')],
    needsHarness: true,
  },
  async ({ session, verdict }) => {
    const flow = await sharedFlow(session);
    const up = upstreamAuthorize(session, flow);
    if (!up) return verdict.notTestable('no upstream authorization request seen in the flow');
    const challenge = up.searchParams.get('code_challenge');
    verdict.check(challenge !== null, 'PKCE is RECOMMENDED for confidential clients upstream', {
      level: 'SHOULD',
      expected: 'code_challenge',
      actual: '(absent)',
    });
    verdict.equal(up.searchParams.get('code_challenge_method'), 'S256', 'upstream code_challenge_method');
    verdict.check(challenge !== flow.challenge, "the client's challenge must not be forwarded upstream", {
      actual: 'the same challenge',
    });
    const other = upstreamAuthorize(session, await secondFlow(session));
    verdict.check(
      other?.searchParams.get('code_challenge') !== challenge,
      'the upstream challenge must be fresh per transaction',
      { actual: 'the same challenge twice' },
    );
    const code = upstreamCallback(session, flow)?.searchParams.get('code');
    const tokenRequest = (await session.upstreamRequests()).find((r) => r.method === 'POST' && r.form.code === code);
    if (!tokenRequest) return verdict.notTestable('the upstream token request was not found in the mock log');
    const verifier = tokenRequest.form.code_verifier;
    verdict.check(
      typeof verifier === 'string' && s256(verifier) === challenge,
      'the upstream token request must carry the matching verifier',
      {
        expected: `S256(verifier) = ${challenge}`,
        actual: typeof verifier === 'string' ? s256(verifier) : '(no verifier)',
      },
    );
  },
);

defineCheck(
  {
    id: 'UP-02',
    title: "the upstream state is the proxy's own, fresh per transaction, and validated at the callback",
    level: 'MUST',
    quote:
      'MCP proxy servers implementing OAuth flows MUST: […] Generate a cryptographically secure random state value for each authorization request […] Reject any callback requests where the state parameter is missing or does not match',
    refs: [ref.mcpSbp('oauth-state-parameter-validation', 'State parameter validation'), ref.rfc(9700, '2.1')],
    needsHarness: true,
  },
  async ({ session, verdict }) => {
    const flow = await sharedFlow(session);
    const state = upstreamAuthorize(session, flow)?.searchParams.get('state');
    if (!state) return verdict.fail('no state sent upstream', { expected: 'a random state' });
    verdict.check(state !== flow.state, "the client's state must not be reused upstream", { actual: 'the same state' });
    verdict.check(state.length >= 16, 'the upstream state must be unguessable', {
      expected: '≥ 16 characters',
      actual: state.length,
    });
    const other = upstreamAuthorize(session, await secondFlow(session))?.searchParams.get('state');
    verdict.check(other !== state, 'the upstream state must be fresh per transaction', {
      actual: 'the same state twice',
    });
    const intercepted = await interceptUpstreamCallback(session);
    try {
      const hop = intercepted.hop;
      for (const [what, altered] of [
        ['altered', withState(hop, `${stateOf(hop)}x`)],
        ['missing', withState(hop, undefined)],
      ] as const) {
        const res = await send(intercepted.context, altered);
        verdict.check(
          !codeToClient(res.onward, intercepted.redirectUri),
          `a callback with the state ${what} must be refused`,
          { expected: 'no code to the client', actual: `${res.status} → ${res.onward?.url.pathname ?? '(stays)'}` },
        );
      }
      // The genuine callback, then its replay, are followed in the browser as far as they go (a login-first proxy
      // shows its consent page after the callback): the first must end at the client with a code, the second not.
      const genuine = await followCallback(session, intercepted);
      if (!genuine.hit?.params.has('code'))
        return verdict.notTestable(
          `the genuine callback did not complete: ${genuine.hit?.params.toString() ?? 'no code reached the client'}`,
        );
      // A replay that stops at the proxy's error page is the expected outcome, not a dead end of the driver.
      const replay = await followCallback(session, intercepted).catch((err: unknown) => {
        if (err instanceof NotTestable) return undefined;
        throw err;
      });
      verdict.check(!replay?.hit?.params.has('code'), 'a replayed upstream callback must not yield a second code', {
        expected: '4xx or an error',
        actual: `a second code reached the client`,
      });
    } finally {
      releaseFlow(session, intercepted);
    }
  },
);

/** Delivers the intercepted callback in the browser and lets the flow driver take it to the client. */
function followCallback(session: CheckSession, intercepted: InterceptedCallback): Promise<FlowResult> {
  const hop = intercepted.hop;
  return authorize(session, {
    context: intercepted.context,
    redirectUri: intercepted.redirectUri,
    state: intercepted.state,
    start: { url: hop.url.toString(), method: hop.method, ...(hop.form ? { form: hop.form } : {}) },
  });
}

defineCheck(
  {
    id: 'UP-03',
    title: 'upstream codes and tokens never reach the MCP client',
    level: 'MUST',
    quote: 'The MCP server MUST NOT pass through the token it received from the MCP client.',
    refs: [
      ref.mcpAuth('access-token-privilege-restriction', 'Access token privilege restriction'),
      ref.mcpSbp('token-passthrough', 'Token passthrough'),
    ],
    needsHarness: true,
  },
  async ({ session, verdict }) => {
    const flow = await sharedFlow(session);
    // Tokens first: a pass-through proxy hands the client the upstream's tokens, whatever the browser saw.
    const issued = await session.upstreamIssuedTokens();
    for (const token of issued) {
      verdict.check(!flow.tokenResponse.text.includes(token), 'the token response must not contain an upstream token', {
        actual: 'upstream token in the response',
      });
    }
    verdict.check(!issued.includes(flow.tokens.access_token), 'the access token must be minted by the proxy', {
      actual: 'an upstream token',
    });
    // Codes: the upstream's code is in its redirect, wherever it leads (to the proxy's callback, or, for a proxy that
    // passes the upstream's answer through, straight to the client).
    const upstreamCodes = upstreamRedirectCodes(session, flow);
    if (upstreamCodes.length === 0) verdict.note('no upstream code seen in the browser: only the tokens were compared');
    verdict.check(!upstreamCodes.includes(flow.code), 'the client must get a proxy code, not the upstream code', {
      actual: 'the upstream code',
    });
  },
);

defineCheck(
  {
    id: 'UP-04',
    title: 'the upstream redirect_uri is the fixed proxy callback, and callback parameters cannot redirect elsewhere',
    level: 'MUST',
    quote:
      "Clients and authorization servers MUST NOT expose URLs that forward the user's browser to arbitrary URIs obtained from a query parameter.",
    refs: [ref.mcpAuth('confused-deputy-problem', 'Confused deputy'), ref.rfc(9700, '4.11.2'), ref.rfc(9700, '2.1')],
    needsHarness: true,
  },
  async ({ session, verdict }) => {
    const flow = await sharedFlow(session);
    const first = upstreamAuthorize(session, flow)?.searchParams.get('redirect_uri');
    const second = upstreamAuthorize(session, await secondFlow(session))?.searchParams.get('redirect_uri');
    if (!first) return verdict.notTestable('no upstream authorization request seen');
    verdict.equal(second, first, 'upstream redirect_uri across transactions');
    verdict.equal(safeOrigin(first), session.targetOrigin, 'origin of the upstream redirect_uri');
    verdict.check(first !== flow.redirectUri, "the client's redirect_uri must not be sent upstream", { actual: first });
    const intercepted = await interceptUpstreamCallback(session);
    try {
      const hop = intercepted.hop;
      const url = new URL(hop.url);
      for (const name of ['redirect_uri', 'next', 'return_to']) url.searchParams.set(name, 'https://evil.example/cb');
      const res = await send(intercepted.context, { ...hop, url });
      const to = res.onward?.url.toString() ?? '';
      verdict.check(
        !to.startsWith('https://evil.example'),
        'the callback must redirect only to the registered client URI',
        {
          actual: to.split('?')[0],
        },
      );
      // Onward to the client's redirect URI, or to the proxy's own next step (a login-first proxy's consent page).
      verdict.check(
        to === '' || to.startsWith(intercepted.redirectUri) || safeOrigin(to) === session.targetOrigin,
        "the callback redirects to the transaction's client redirect_uri (or to the proxy's own next step)",
        { expected: intercepted.redirectUri, actual: to.split('?')[0] },
      );
    } finally {
      releaseFlow(session, intercepted);
    }
  },
);
