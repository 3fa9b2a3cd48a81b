// The authorization endpoint's handling of redirect URIs and request parameters: exact matching, loopback ports,
// userinfo tricks, no redirect on an invalid client or URI, byte-exact state, duplicates, unsupported response types
// (conformance/requirements.md).
import { authorize, releaseFlow, reportServerErrors } from '../lib/browser/flow.ts';
import { defineCheck } from '../lib/check/define-check.ts';
import { NotTestable } from '../lib/model/outcome.ts';
import { ref } from '../lib/model/refs.ts';
import type { Verdict } from '../lib/model/verdict.ts';
import { expectAccepted, expectErrorPage, expectErrorRedirect } from '../lib/check/authorize-expectations.ts';
import { authorizeParams, probeAuthorize, requireAcceptedControl } from '../lib/oauth/authorize-probe.ts';
import { buildAuthorizeUrl } from '../lib/oauth/authorize-url.ts';
import { randomToken, trickyState } from '../lib/oauth/pkce.ts';
import {
  newClient,
  publicClientMetadata,
  registerClient,
  sharedClient,
  type RegisteredClient,
} from '../lib/oauth/registration.ts';
import type { CheckSession } from '../lib/session/check-session.ts';

/** Redirect URI variants that differ from the registered one in one component. */
function variants(port: number): string[] {
  const base = `http://127.0.0.1:${port}`;
  return [
    `${base}/callback?extra=1`,
    `${base}/callback/extra`,
    `${base}/callback/`,
    `${base}/CALLBACK`,
    `${base}/%63allback`,
    `https://127.0.0.1:${port}/callback`,
    `${base}/callback#fragment`,
  ];
}

defineCheck(
  {
    id: 'REDIR-01',
    title: 'a redirect_uri differing from the registered one in any component is refused',
    level: 'MUST',
    quote:
      "Authorization servers MUST reject authorization requests that specify a redirect URI that doesn't exactly match one that was registered, with an exception for loopback redirects, where an exact match is required except for the port URI component",
    refs: [ref.oauth21('Redirect URI Registration'), ref.rfc(9700, '4.1.3')],
  },
  async ({ session, verdict }) => {
    const client = await sharedClient(session);
    const callback = await session.callback();
    expectAccepted(
      verdict,
      await probeAuthorize(session, authorizeParams(session, client.client_id, callback.uri())),
      'the registered URI (control)',
    );
    for (const uri of variants(callback.port)) {
      expectErrorPage(
        verdict,
        await probeAuthorize(session, authorizeParams(session, client.client_id, uri), uri),
        `redirect_uri ${uri}`,
      );
    }
  },
);

defineCheck(
  {
    id: 'REDIR-02',
    title:
      'URIs the allowlist would admit but this client did not register are refused (incl. localhost vs 127.0.0.1, userinfo)',
    level: 'MUST',
    quote:
      'When comparing client redirection URIs against pre-registered URIs, authorization servers MUST utilize exact string matching except for port numbers in localhost redirection URIs of native apps.',
    refs: [ref.rfc(9700, '2.1'), ref.mcpSbp('redirect-uri-validation', 'Redirect URI validation')],
  },
  async ({ session, verdict }) => {
    await requireAcceptedControl(session);
    const client = await sharedClient(session);
    const { port } = await session.callback();
    const uris = [
      `http://127.0.0.1:${port}/other`,
      `http://localhost:${port}/callback`,
      `http://127.0.0.1:${port}@evil.example/callback`,
      `http://localhost@evil.example/callback`,
      'https://evil.example/callback',
    ];
    for (const uri of uris) {
      expectErrorPage(
        verdict,
        await probeAuthorize(session, authorizeParams(session, client.client_id, uri), uri),
        `unregistered redirect_uri ${uri}`,
      );
    }
  },
);

defineCheck(
  {
    id: 'REDIR-04',
    title: 'an unknown client or unregistered redirect_uri never sends the browser to that URI',
    level: 'MUST',
    quote:
      'If the request fails due to a missing, invalid, or mismatching redirect URI, or if the client identifier is missing or invalid, the authorization server MUST NOT redirect the user agent to the invalid redirect URI and SHOULD inform the resource owner of the error, for example by displaying a message to the user in their browser.',
    refs: [ref.oauth21('Error Response (authorization endpoint)'), ref.rfc(6749, '4.1.2.1')],
  },
  async ({ session, verdict }) => {
    await requireAcceptedControl(session);
    const callback = await session.callback();
    const client = await sharedClient(session);
    const cases: [string, Record<string, string | undefined>][] = [
      ['unknown client_id', authorizeParams(session, 'conformance-unknown-client', callback.uri('/unknown-client'))],
      ['unregistered redirect_uri', authorizeParams(session, client.client_id, callback.uri('/unregistered'))],
      ['missing client_id', authorizeParams(session, undefined as unknown as string, callback.uri('/no-client'))],
    ];
    const context = await (await session.browser()).newContext();
    const from = callback.hits.length;
    try {
      // The cases side by side, each in a page of its own: each has its own callback path, so each is judged on its
      // own hits, and their waits for a late redirect overlap.
      const landed = await Promise.all(
        cases.map(async ([what, params]) => {
          const page = await context.newPage();
          reportServerErrors(page);
          const url = await buildAuthorizeUrl(session, params);
          await page.goto(url, { timeout: 10_000 }).catch(() => undefined);
          await page.waitForTimeout(300);
          const at = page.url();
          await page.close();
          return { what, path: new URL(params.redirect_uri ?? '/', 'http://x').pathname, at };
        }),
      );
      const stray = callback.hits
        .slice(from)
        .find((h) => h.path !== '/callback' && !landed.some((l) => l.path === h.path));
      verdict.check(!stray, 'none of the cases may send the browser to any URI of the callback listener', {
        expected: 'no request',
        actual: stray?.path,
      });
      for (const { what, path, at } of landed) {
        const hit = callback.hits.slice(from).find((h) => h.path === path);
        verdict.check(!hit, `${what}: the callback listener must receive nothing`, {
          expected: 'no request',
          actual: hit?.path,
        });
        verdict.check(
          !at.startsWith(`http://127.0.0.1:${callback.port}`),
          `${what}: the browser must stay on the proxy`,
          {
            actual: at.split('?')[0],
          },
        );
      }
    } finally {
      await context.close();
    }
  },
);

defineCheck(
  {
    id: 'REDIR-05',
    title: 'loopback IP redirect URIs match on any port',
    level: 'MUST',
    quote:
      'The authorization server MUST allow any port to be specified at the time of the request for loopback IP redirect URIs, to accommodate clients that obtain an available ephemeral port from the operating system at the time of the request.',
    refs: [ref.rfc(8252, '7.3'), ref.oauth21('Loopback Interface Redirection')],
  },
  async ({ session, verdict }) => {
    let probed = 0;
    for (const host of ['127.0.0.1', '[::1]']) {
      const loopback = await registerLoopbackClient(session, verdict, host);
      if (!loopback) continue;
      probed++;
      const { client, registered } = loopback;
      expectAccepted(
        verdict,
        await probeAuthorize(session, authorizeParams(session, client.client_id, `http://${host}:54321/callback`)),
        `http://${host}:54321/callback for ${registered}`,
      );
      const other = `http://${host}:54321/other`;
      expectErrorPage(
        verdict,
        await probeAuthorize(session, authorizeParams(session, client.client_id, other), other),
        `${other} (path differs)`,
      );
    }
    if (probed === 0) verdict.notTestable('no loopback IP redirect URI could be registered');
  },
);

/**
 * A client with a loopback redirect URI on `host`: portless, as RFC 8252 §7.3 suggests, or, when the proxy's
 * allowlist refuses portless URIs (a registration policy), with another port than the one the probe uses. §7.3 asks
 * the server to allow any port at request time whatever port was registered, so both test the same rule.
 * Undefined (with a note) when the allowlist admits neither: an allowlist may leave out a loopback address.
 */
async function registerLoopbackClient(
  session: CheckSession,
  verdict: Verdict,
  host: string,
): Promise<{ client: RegisteredClient; registered: string } | undefined> {
  const refusals: string[] = [];
  for (const registered of [`http://${host}/callback`, `http://${host}:54320/callback`]) {
    try {
      return { client: await registerClient(session, publicClientMetadata([registered])), registered };
    } catch (err) {
      if (!(err instanceof NotTestable)) throw err;
      refusals.push(`${registered}: ${err.message}`);
    }
  }
  verdict.note(`registration refused (${refusals.join(', ')}): ${host} not probed`);
  return undefined;
}

defineCheck(
  {
    id: 'REDIR-06',
    title: 'localhost redirect URIs match on any port (interop)',
    level: 'SHOULD',
    quote:
      'While redirect URIs using localhost (i.e., "http://localhost:{port}/{path}") function similarly to loopback IP redirects described in Section 7.3, the use of localhost is NOT RECOMMENDED.',
    refs: [ref.rfc(8252, '8.3'), ref.mcpAuth('client-id-metadata-documents', 'localhost redirect URIs')],
  },
  async ({ session, verdict }) => {
    const loopback = await registerLoopbackClient(session, verdict, 'localhost');
    if (!loopback) return verdict.notTestable('no localhost redirect URI could be registered');
    expectAccepted(
      verdict,
      await probeAuthorize(
        session,
        authorizeParams(session, loopback.client.client_id, 'http://localhost:54321/callback'),
      ),
      `http://localhost:54321/callback for ${loopback.registered}`,
    );
  },
);

defineCheck(
  {
    id: 'REDIR-07',
    title: 'a client with several redirect URIs that omits redirect_uri gets an error page, no redirect',
    level: 'MUST',
    quote:
      'If multiple redirect URIs have been registered to a client, the client MUST include a redirect URI with the authorization request using the redirect_uri request parameter',
    refs: [ref.oauth21('Redirect URI in the authorization request')],
  },
  async ({ session, verdict }) => {
    const callback = await session.callback();
    const client = await registerClient(session, publicClientMetadata([callback.uri(), callback.uri('/second')]));
    expectAccepted(
      verdict,
      await probeAuthorize(session, authorizeParams(session, client.client_id, callback.uri())),
      'the same client naming one of its redirect URIs (control)',
    );
    expectErrorPage(
      verdict,
      await probeAuthorize(session, authorizeParams(session, client.client_id, undefined), callback.uri('')),
      'a request without redirect_uri',
    );
  },
);

defineCheck(
  {
    id: 'AUTHZ-01',
    title: 'unknown parameters are ignored; duplicated parameters are refused',
    level: 'MUST',
    quote:
      'The authorization server MUST ignore unrecognized request parameters sent to the authorization endpoint. Request and response parameters defined by this specification MUST NOT be included more than once.',
    refs: [ref.oauth21('Authorization Endpoint'), ref.rfc(6749, '3.1')],
  },
  async ({ session, verdict }) => {
    await requireAcceptedControl(session);
    const client = await sharedClient(session);
    const cb = (await session.callback()).uri();
    expectAccepted(
      verdict,
      await probeAuthorize(session, authorizeParams(session, client.client_id, cb, { x_conformance: '1' }), cb),
      'an unknown parameter',
    );
    for (const dup of ['state', 'code_challenge', 'redirect_uri']) {
      const pairs = Object.entries(authorizeParams(session, client.client_id, cb)).filter(
        (p): p is [string, string] => p[1] !== undefined,
      );
      const first = pairs.find(([k]) => k === dup);
      pairs.push([dup, dup === 'redirect_uri' ? (first?.[1] ?? cb) : `${first?.[1] ?? ''}x`]);
      const probe = await probeAuthorize(session, pairs, cb);
      // The duplicate makes the request ambiguous, its state or redirect URI included: an error page is as right as
      // an invalid_request redirect here.
      if (probe.kind === 'error_page') continue;
      expectErrorRedirect(verdict, probe, `a duplicated ${dup}`, {
        redirectUri: cb,
        state: undefined,
        codes: ['invalid_request'],
      });
    }
  },
);

defineCheck(
  {
    id: 'AUTHZ-02',
    title: 'state comes back byte-exact (128 characters with URL-special characters)',
    level: 'MUST',
    quote:
      'state REQUIRED if the "state" parameter was present in the client authorization request. The exact value received from the client.',
    refs: [ref.rfc(6749, '4.1.2'), ref.oauth21('Authorization Response')],
  },
  async ({ session, verdict }) => {
    const state = trickyState();
    const flow = await authorize(session, { state });
    releaseFlow(session, flow);
    if (!flow.hit) return verdict.notTestable('the flow did not reach the client callback');
    verdict.equal(flow.hit.params.get('state'), state, 'state returned to the client');
    verdict.equal(flow.hit.params.getAll('state').length, 1, 'number of state parameters');
  },
);

/**
 * RFC 6749 §4.1.2.1: "If the resource owner denies the access request or if the request fails for reasons other
 * than a missing or invalid redirection URI, the authorization server informs the client by adding the following
 * parameters to the query component of the redirection URI": unsupported_response_type ("The authorization server
 * does not support obtaining an authorization code using this method") or invalid_request (a missing parameter),
 * with the state. OAuth 2.1 removes response_type=token.
 */
defineCheck(
  {
    id: 'AUTHZ-03',
    title: 'response_type token or a missing response_type is refused',
    level: 'MUST',
    quote:
      'If an authorization request is missing the "response_type" parameter, or if the response type is not understood, the authorization server MUST return an error response as described in Section 4.1.2.1.',
    refs: [ref.oauth21('Authorization Request'), ref.oauth21('Differences from OAuth 2.0'), ref.rfc(6749, '3.1.1')],
  },
  async ({ session, verdict }) => {
    const client = await sharedClient(session);
    const cb = (await session.callback()).uri();
    await requireAcceptedControl(session);
    for (const responseType of ['token', 'code token', undefined]) {
      const state = randomToken();
      const probe = await probeAuthorize(
        session,
        authorizeParams(session, client.client_id, cb, { response_type: responseType, state }),
        cb,
      );
      expectErrorRedirect(verdict, probe, `response_type=${responseType ?? '(missing)'}`, {
        redirectUri: cb,
        state,
        codes: ['unsupported_response_type', 'invalid_request'],
      });
      verdict.check(!probe.location?.hash.includes('access_token'), 'no token may be issued in the fragment', {
        actual: 'access_token in fragment',
      });
    }
  },
);

/**
 * RFC 6749 §3.1.2.3: "If multiple redirection URIs have been registered, if only part of the redirection URI has been
 * registered, or if no redirection URI has been registered, the client MUST include a redirection URI with the
 * authorization request using the "redirect_uri" request parameter." With exactly one complete URI registered the
 * parameter is optional (OAuth 2.1 "Authorization Request": redirect_uri is "OPTIONAL if only one redirect URI is
 * registered for this client"), so a request without it is a valid request: refusing it, or failing with a 5xx,
 * refuses a conforming client.
 */
defineCheck(
  {
    id: 'REDIR-20',
    title: 'a client with exactly one redirect URI may omit redirect_uri',
    level: 'MUST',
    quote:
      'If multiple redirection URIs have been registered, if only part of the redirection URI has been registered, or if no redirection URI has been registered, the client MUST include a redirection URI with the authorization request using the "redirect_uri" request parameter.',
    refs: [ref.rfc(6749, '3.1.2.3'), ref.oauth21('Authorization Request')],
  },
  async ({ session, verdict }) => {
    await requireAcceptedControl(session);
    const client = await newClient(session);
    expectAccepted(
      verdict,
      await probeAuthorize(session, authorizeParams(session, client.client_id, undefined), client.redirect_uris[0]),
      'a request without redirect_uri from a client with one registered redirect URI',
    );
  },
);
