// Client ID Metadata Documents (MCP 2026-07-28 "Client ID Metadata Documents", draft-ietf-oauth-client-id-metadata-
// document-00): the target fetches the document a URL client_id names, holds it to the rules, never fetches from
// loopback, follows no redirect, bounds size and time, shows the client's identity on the consent page, and
// authenticates private_key_jwt clients (conformance/requirements.md, CIMD-*). The documents are served by the suite's own
// HTTPS host on 127.0.0.1 (lib/target/metadata-document-server.ts), which records every fetch; no check makes the
// target connect anywhere but loopback.
//
// Levels: MCP 2026-07-28 incorporates draft -00 by reference. Where only draft -01 (published after MCP pinned -00)
// makes a rule a MUST, the check quotes -01 and reports at SHOULD: not yet required by the MCP revision under test.
import { authorize, releaseFlow, authorizationCode } from '../lib/browser/flow.ts';
import { defineCheck } from '../lib/check/define-check.ts';
import { UNDELIVERED_DOCUMENT_CHECK, undeliveredDocument } from '../lib/check/undelivered-document.ts';
import { ref } from '../lib/model/refs.ts';
import { since } from '../lib/model/vocabulary.ts';
import { authorizeParams, probeAuthorize, type Probe } from '../lib/oauth/authorize-probe.ts';
import { endpoint, isLoopbackUrl } from '../lib/oauth/discovery.ts';
import { statusAndError } from '../lib/oauth/error-response.ts';
import {
  acceptsValidDocument,
  clientAssertion,
  documentBody,
  documentClient,
  documentHost,
  documentPath,
  fetchesOf,
  JWT_BEARER_ASSERTION,
  newClientKey,
  openProbe,
  probeConnections,
  publish,
  requireCimdSupport,
  requirePrivateKeyJwt,
  urlOf,
  type ClientKey,
} from '../lib/oauth/metadata-document.ts';
import type { RegisteredClient } from '../lib/oauth/registration.ts';
import { postToken, requireTokens } from '../lib/oauth/token.ts';
import type { CheckSession } from '../lib/session/check-session.ts';
import type { Verdict } from '../lib/model/verdict.ts';
import { currentTrace } from '../lib/transport/trace.ts';

const CIMD_REQUIREMENTS = ref.mcpAuthPage(
  '2026-07-28',
  'client-registration',
  'implementation-requirements',
  'CIMD implementation requirements',
);
const LOCALHOST_RISKS = ref.mcpAuthPage(
  '2026-07-28',
  'security-considerations',
  'localhost-redirect-uri-risks',
  'Localhost redirect URI risks',
);
const REVISIONS = since('2025-11-25');

/** An /authorize probe for a client_id with the worker's callback as redirect_uri. */
async function probeClientId(session: CheckSession, clientId: string, redirectUri?: string): Promise<Probe> {
  const uri = redirectUri ?? (await session.callback()).uri();
  return probeAuthorize(session, authorizeParams(session, clientId, uri), uri);
}

/**
 * A document that must be refused: an error page, no redirect to the client (its redirect URI cannot be trusted), and
 * a 4xx: the mistake is the client's, so a 5xx would be a crash, not a refusal.
 */
function expectRefusedWithoutRedirect(verdict: Verdict, probe: Probe, what: string): void {
  verdict.check(
    probe.kind === 'error_page' && probe.status >= 400 && probe.status < 500,
    `${what} must be refused without redirecting to the client`,
    { expected: 'an error page (4xx), no redirect', actual: probe.summary },
  );
}

/** Publishes a valid document for a client_id other than its own URL, or other variants, and returns its URL. */
async function publishAt(
  session: CheckSession,
  label: string,
  build: (url: string, callback: string) => Parameters<typeof publish>[2],
): Promise<string> {
  const path = documentPath(label);
  const url = urlOf(session, path);
  await publish(session, path, build(url, (await session.callback()).uri()));
  return url;
}

/**
 * "SHOULD fetch metadata documents when encountering URL-formatted client_ids" (MCP 2026-07-28, for authorization
 * servers); draft -00 §4: "The authorization server SHOULD fetch the document indicated by the `client_id` to
 * retrieve the client registration information."
 */
defineCheck(
  {
    id: 'CIMD-01',
    title: 'fetches the metadata document of a URL client_id and completes the flow with it',
    level: 'SHOULD',
    quote: 'SHOULD fetch metadata documents when encountering URL-formatted client_ids',
    refs: [CIMD_REQUIREMENTS, ref.cimd('4', 'Client Metadata Document')],
    revisions: REVISIONS,
  },
  async ({ session, verdict }) => {
    await requireCimdSupport(session);
    // External targets cannot reach the suite's document host: they may name a document of their own, published
    // where they can fetch it, listing http://127.0.0.1/callback (loopback redirect URIs match on any port).
    const published = session.settings.targetDescription.cimdDocumentUrl;
    const own = session.settings.cimd === undefined && published !== undefined;
    const client: RegisteredClient = own
      ? {
          client_id: published,
          redirect_uris: [(await session.callback()).uri()],
          token_endpoint_auth_method: 'none',
          raw: {},
        }
      : await documentClient(session, 'cimd-01');
    const probe = await probeClientId(session, client.client_id);
    verdict.check(probe.kind === 'accepted', 'a valid metadata document must be accepted at /authorize', {
      expected: 'the consent page',
      actual: probe.summary,
    });
    if (own) {
      verdict.note(`the target description's document ${published} was used; its fetches cannot be observed`);
    } else {
      verdict.check(
        (await fetchesOf(session, new URL(client.client_id).pathname)) > 0,
        'the document must be fetched',
        {
          expected: 'at least one fetch by the target',
          actual: 'none',
        },
      );
    }
    const flow = await authorizationCode(session, { client });
    const tokens = requireTokens(
      await postToken(session, {
        grant_type: 'authorization_code',
        code: flow.code,
        redirect_uri: flow.redirectUri,
        code_verifier: flow.verifier,
        resource: session.settings.mcp,
        client_id: client.client_id,
      }),
      'code exchange for the document client',
    );
    verdict.check(typeof tokens.access_token === 'string', 'the document client must get tokens');
  },
);

/** "MUST validate that the fetched document's `client_id` matches the URL exactly" (MCP 2026-07-28). */
defineCheck(
  {
    id: 'CIMD-02',
    title: 'a document whose client_id differs from its URL is refused, without a redirect',
    level: 'MUST',
    quote: "MUST validate that the fetched document's client_id matches the URL exactly",
    refs: [CIMD_REQUIREMENTS, ref.cimd('4.1', 'Client Metadata')],
    revisions: REVISIONS,
  },
  async ({ session, verdict }) => {
    await acceptsValidDocument(session);
    const variants: Array<[string, (url: string) => string]> = [
      ['another document', () => urlOf(session, documentPath('elsewhere'))],
      ['the URL with a query', (url) => `${url}?v=2`],
      ['the URL in upper case', (url) => url.toUpperCase()],
    ];
    for (const [what, claimed] of variants) {
      const url = await publishAt(session, 'cimd-02', (u, callback) => ({
        json: documentBody(claimed(u), [callback]),
      }));
      expectRefusedWithoutRedirect(verdict, await probeClientId(session, url), `a document claiming ${what}`);
    }
  },
);

/**
 * "MUST validate redirect URIs presented in an authorization request against those in the metadata document"
 * (MCP 2026-07-28); draft -00 §4.5: "MUST ensure that the redirect URI in a request is an exact match of a registered
 * redirect URI."
 */
defineCheck(
  {
    id: 'CIMD-03',
    title: 'a redirect_uri the document does not list is refused, without a redirect',
    level: 'MUST',
    quote: 'MUST validate redirect URIs presented in an authorization request against those in the metadata document',
    refs: [CIMD_REQUIREMENTS, ref.cimd('4.5', 'Redirect URL Registration')],
    revisions: REVISIONS,
  },
  async ({ session, verdict }) => {
    await acceptsValidDocument(session);
    const callback = await session.callback();
    const client = await documentClient(session, 'cimd-03', {}, [callback.uri('/listed')]);
    const probe = await probeClientId(session, client.client_id, callback.uri('/not-listed'));
    expectRefusedWithoutRedirect(verdict, probe, 'a redirect_uri missing from the document');
  },
);

/**
 * "MUST validate the document structure is valid JSON and contains required fields" (MCP 2026-07-28), the fields
 * being "at least the following properties: `client_id`, `client_name`, `redirect_uris`".
 */
defineCheck(
  {
    id: 'CIMD-04',
    title: 'a document that is not JSON, or lacks client_name or redirect_uris, is refused',
    level: 'MUST',
    quote: 'MUST validate the document structure is valid JSON and contains required fields',
    refs: [CIMD_REQUIREMENTS],
    revisions: REVISIONS,
  },
  async ({ session, verdict }) => {
    await acceptsValidDocument(session);
    const variants: Array<[string, (url: string, callback: string) => Parameters<typeof publish>[2]]> = [
      ['a body that is not JSON', (url) => ({ body: `{"client_id": ${JSON.stringify(url)}, "client_name": ` })],
      ['a JSON array', (url, callback) => ({ json: [documentBody(url, [callback])] })],
      ['no client_name', (url, callback) => ({ json: { ...documentBody(url, [callback]), client_name: undefined } })],
      [
        'no redirect_uris',
        (url, callback) => ({ json: { ...documentBody(url, [callback]), redirect_uris: undefined } }),
      ],
    ];
    for (const [what, build] of variants) {
      const url = await publishAt(session, 'cimd-04', build);
      expectRefusedWithoutRedirect(verdict, await probeClientId(session, url), `a document with ${what}`);
    }
  },
);

/**
 * MCP 2026-07-28: authorization servers "SHOULD consider Server-Side Request Forgery (SSRF) risks"; draft -00 §6.5:
 * "Authorization servers SHOULD avoid fetching any URLs using private or loopback addresses". Every client_id here
 * points at a listener of the suite on 127.0.0.1 that counts connections, in the spellings a URL parser turns into a
 * loopback address; only a target on this machine can be observed, so others are not testable.
 */
defineCheck(
  {
    id: 'CIMD-05',
    title: 'a client_id on a loopback address, in any spelling, is refused and never fetched',
    level: 'SHOULD',
    quote: 'Authorization servers fetching metadata documents SHOULD consider Server-Side Request Forgery (SSRF) risks',
    refs: [
      ref.mcpAuthPage('2026-07-28', 'security-considerations', 'authorization-server-abuse-protection', 'SSRF'),
      ref.cimd('6.5', 'Server Side Request Forgery'),
    ],
    revisions: REVISIONS,
  },
  async ({ session, verdict }) => {
    await acceptsValidDocument(session);
    if (!isLoopbackUrl(session.settings.target)) {
      return verdict.notTestable('the target is not on this machine, so its connections to loopback cannot be seen');
    }
    const port = await openProbe(session);
    const hosts = [
      '127.0.0.1',
      'localhost',
      '[::1]',
      '2130706433',
      '0x7f000001',
      '0177.0.0.1',
      '127.1',
      '[::ffff:127.0.0.1]',
    ];
    for (const host of hosts) {
      const probe = await probeClientId(session, `https://${host}:${port}/client-metadata.json`);
      verdict.check(probe.kind !== 'accepted', `a client_id on ${host} must be refused`, {
        expected: 'refused',
        actual: probe.summary,
      });
    }
    verdict.equal(await probeConnections(session, port), 0, 'connections the target opened to the loopback listener');
  },
);

/** MCP 2026-07-28, Localhost Redirect URI Risks: authorization servers "MUST clearly display the redirect URI hostname during authorization". */
defineCheck(
  {
    id: 'CIMD-06',
    title: "the consent page for a document client shows the redirect URI's host",
    level: 'MUST',
    quote: 'MUST clearly display the redirect URI hostname during authorization',
    refs: [LOCALHOST_RISKS],
    revisions: REVISIONS,
  },
  async ({ session, verdict }) => {
    await acceptsValidDocument(session);
    const client = await documentClient(session, 'cimd-06');
    const flow = await authorize(session, { client, decision: 'stop' });
    try {
      if (!flow.page) return verdict.notTestable('no consent page was shown');
      const text = (await flow.page.textContent('body')) ?? '';
      // As in CONSENT-03: on a loopback run the redirect host equals the target's, so the port must be there too.
      const redirect = new URL(flow.redirectUri);
      const sameHost = redirect.hostname === new URL(session.settings.target).hostname;
      const shown = [flow.redirectUri, redirect.host, ...(sameHost ? [] : [redirect.hostname])];
      verdict.check(
        shown.some((s) => text.includes(s)),
        'the redirect URI host must be shown',
        { expected: shown.join(' or '), actual: text.replace(/\s+/g, ' ').slice(0, 300) },
      );
    } finally {
      releaseFlow(session, flow);
    }
  },
);

const WARNING_WORDS = /warn|caution|careful|impersonat|pretend|claim to be|any (program|app)|only if|be sure|trust/i;

/**
 * MCP 2026-07-28, Localhost Redirect URI Risks: authorization servers "SHOULD display additional warnings for
 * `localhost`-only redirect URIs". Two documents with the same name: one whose every redirect URI is loopback, one
 * that also lists an https URI; the first page must carry a warning sentence the second lacks.
 */
defineCheck(
  {
    id: 'CIMD-07',
    title: 'the consent page warns when every redirect URI of the document is localhost',
    level: 'SHOULD',
    quote: 'SHOULD display additional warnings for localhost-only redirect URIs',
    refs: [LOCALHOST_RISKS, ref.mcpSbp('localhost-redirect-uri-impersonation', 'Localhost redirect URI impersonation')],
    revisions: REVISIONS,
  },
  async ({ session, verdict }) => {
    await acceptsValidDocument(session);
    const callback = (await session.callback()).uri();
    const name = { client_name: `Conformance Local Client ${Date.now() % 100000}` };
    const localOnly = await documentClient(session, 'cimd-07-local', name, [callback]);
    const mixed = await documentClient(session, 'cimd-07-mixed', name, ['https://app.conformance.test/cb', callback]);
    const sentences = async (client: typeof localOnly): Promise<string[] | undefined> => {
      const flow = await authorize(session, { client, redirectUri: callback, decision: 'stop' });
      try {
        if (!flow.page) return undefined;
        const text = ((await flow.page.textContent('body')) ?? '').replace(/\s+/g, ' ');
        return text.split(/(?<=[.!?:])\s+/).map((s) => s.trim());
      } finally {
        releaseFlow(session, flow);
      }
    };
    const local = await sentences(localOnly);
    const other = await sentences(mixed);
    if (!local || !other) return verdict.notTestable('no consent page was shown');
    const extra = local.filter((s) => !other.includes(s) && WARNING_WORDS.test(s));
    verdict.check(extra.length > 0, 'a localhost-only document client must get an additional warning', {
      expected: 'a warning sentence absent from the page of a client that also lists an https redirect URI',
      actual: local.join(' ').slice(0, 300),
    });
  },
);

/**
 * Draft -00 §6.4: "The authorization server SHOULD display the hostname of the `client_id` on the authorization
 * interface, in addition to displaying the fetched client information if any."
 */
defineCheck(
  {
    id: 'CIMD-08',
    title: "the consent page shows the client_id's hostname",
    level: 'SHOULD',
    quote:
      'The authorization server SHOULD display the hostname of the client_id on the authorization interface, in addition to displaying the fetched client information if any.',
    refs: [ref.cimd('6.4', 'OAuth Phishing Attacks'), ref.mcpSbp('cimd-trust-policies', 'CIMD trust policies')],
    revisions: REVISIONS,
  },
  async ({ session, verdict }) => {
    await acceptsValidDocument(session);
    // An https redirect URI besides the loopback one: no localhost-only warning (CIMD-07) may name the host instead.
    const callback = (await session.callback()).uri();
    const client = await documentClient(session, 'cimd-08', {}, [callback, 'https://app.conformance.test/cb']);
    const flow = await authorize(session, { client, redirectUri: callback, decision: 'stop' });
    try {
      if (!flow.page) return verdict.notTestable('no consent page was shown');
      const text = (await flow.page.textContent('body')) ?? '';
      const host = documentHost(session).host;
      verdict.check(text.includes(host), 'the client_id hostname must be shown', {
        expected: host,
        actual: text.replace(/\s+/g, ' ').slice(0, 300),
      });
    } finally {
      releaseFlow(session, flow);
    }
  },
);

/**
 * Draft -01: "The authorization server MUST NOT automatically follow HTTP redirects when retrieving the client
 * registration information" (and "MUST treat all other HTTP status codes as an error response"). SHOULD here: -00,
 * which MCP cites, does not say it. The redirect points at a document that would be valid for the requested URL.
 */
defineCheck(
  {
    id: 'CIMD-09',
    title: 'a redirect answering the document URL is not followed',
    level: 'SHOULD',
    quote:
      'The authorization server MUST NOT automatically follow HTTP redirects when retrieving the client registration information',
    refs: [ref.cimd01('Client Metadata Document retrieval'), ref.cimd('6.5', 'Server Side Request Forgery')],
    revisions: REVISIONS,
  },
  async ({ session, verdict }) => {
    await acceptsValidDocument(session);
    const callback = (await session.callback()).uri();
    const requested = documentPath('cimd-09-moved');
    const target = documentPath('cimd-09-target');
    const clientId = urlOf(session, requested);
    await publish(session, target, { json: documentBody(clientId, [callback]) });
    await publish(session, requested, { status: 302, headers: { location: urlOf(session, target) } });
    const probe = await probeClientId(session, clientId);
    verdict.check(probe.kind !== 'accepted', 'a document behind a redirect must be refused', {
      expected: 'refused',
      actual: probe.summary,
    });
    verdict.equal(await fetchesOf(session, target), 0, 'fetches of the redirect target');
  },
);

/**
 * Draft -00 §6.6: "Authorization servers SHOULD limit the response size when fetching the client metadata document
 * […] The recommended maximum response size for client metadata documents is 5 kilobytes." A valid document padded
 * to 1 MiB must be refused.
 */
defineCheck(
  {
    id: 'CIMD-10',
    title: 'an oversize document (1 MiB) is refused',
    level: 'SHOULD',
    quote: 'Authorization servers SHOULD limit the response size when fetching the client metadata document',
    refs: [ref.cimd('6.6', 'Maximum Response Size')],
    revisions: REVISIONS,
  },
  async ({ session, verdict }) => {
    await acceptsValidDocument(session);
    const url = await publishAt(session, 'cimd-10', (u, callback) => ({
      json: documentBody(u, [callback], { x_conformance_padding: 'x'.repeat(1024 * 1024) }),
    }));
    const probe = await probeClientId(session, url);
    verdict.check(probe.kind !== 'accepted', 'a 1 MiB document must be refused', {
      expected: 'refused',
      actual: probe.summary,
    });
  },
);

/**
 * Draft -00 §4.3: "If fetching the metadata document fails, the authorization server SHOULD abort the authorization
 * request." A document that never arrives is a failed fetch: the target must answer with an error within 30 s rather
 * than hang, and not with a 5xx (the failure is the client's).
 */
defineCheck(
  {
    id: 'CIMD-11',
    title: UNDELIVERED_DOCUMENT_CHECK.title,
    level: 'SHOULD',
    quote: 'If fetching the metadata document fails, the authorization server SHOULD abort the authorization request.',
    refs: [ref.cimd('4.3', 'Errors'), ref.cimd('6.6', 'Maximum Response Size')],
    revisions: REVISIONS,
  },
  async ({ session, verdict }) => {
    // Started next to the first checks (lib/check/undelivered-document.ts); out of turn, as its steps take their own.
    const waitedFor = await session.turns.awaitOutside(undeliveredDocument(session));
    currentTrace()?.absorb(waitedFor.trace, 'sent next to the first checks, so that the wait elapses alongside them:');
    const answer = waitedFor.result;
    verdict.check(/^4\d\d$/.test(answer), 'the request must end with an error when the document does not arrive', {
      expected: 'a 4xx error within 30 s',
      actual: answer,
    });
  },
);

// --- private_key_jwt ---

interface KeyedClient {
  clientId: string;
  key: ClientKey;
  tokenEndpoint: string;
}

/** A document client authenticating with private_key_jwt, its keys inline in the document. */
async function keyedClient(session: CheckSession, label: string): Promise<KeyedClient & { redirectUri: string }> {
  await acceptsValidDocument(session);
  await requirePrivateKeyJwt(session);
  const key = newClientKey();
  const redirectUri = (await session.callback()).uri();
  const path = documentPath(label);
  const clientId = urlOf(session, path);
  await publish(session, path, {
    json: documentBody(clientId, [redirectUri], {
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [key.publicJwk] },
    }),
  });
  return { clientId, key, redirectUri, tokenEndpoint: await endpoint(session, 'token_endpoint') };
}

/** A code for the keyed client, and a function redeeming it with a given assertion. */
async function codeFor(session: CheckSession, client: KeyedClient & { redirectUri: string }) {
  const flow = await authorizationCode(session, {
    client: {
      client_id: client.clientId,
      redirect_uris: [client.redirectUri],
      token_endpoint_auth_method: 'private_key_jwt',
      raw: {},
    },
  });
  return (assertion: string) =>
    postToken(session, {
      grant_type: 'authorization_code',
      code: flow.code,
      redirect_uri: flow.redirectUri,
      code_verifier: flow.verifier,
      resource: session.settings.mcp,
      client_id: client.clientId,
      client_assertion_type: JWT_BEARER_ASSERTION,
      client_assertion: assertion,
    });
}

/**
 * The control: a correct assertion is accepted (with the same code, or a fresh one if the target spent the code on the
 * refused attempt), so the refusal above was about the assertion and not the client.
 */
async function confirmCorrectAssertionWorks(
  session: CheckSession,
  client: KeyedClient & { redirectUri: string },
  redeem: (assertion: string) => ReturnType<typeof postToken>,
  verdict: Verdict,
): Promise<void> {
  const fresh = () => clientAssertion(client.key, client.clientId, client.tokenEndpoint);
  let control = await redeem(fresh());
  if (control.status !== 200) control = await (await codeFor(session, client))(fresh());
  if (control.status !== 200) verdict.notTestable(`a correct assertion is refused too: ${statusAndError(control)}`);
}

function expectInvalidClient(verdict: Verdict, res: Awaited<ReturnType<typeof postToken>>, what: string): void {
  verdict.check(res.status === 401 || res.status === 400, `${what} must be refused`, {
    expected: '401 invalid_client',
    actual: statusAndError(res),
  });
  verdict.check(statusAndError(res).includes('invalid_client'), `${what} must be refused with invalid_client`, {
    expected: 'invalid_client',
    actual: statusAndError(res),
  });
}

/**
 * RFC 7523 §3: "The JWT MUST be digitally signed or have a Message Authentication Code (MAC) applied by the issuer.
 * The authorization server MUST reject JWTs with an invalid signature or MAC." The wrong key comes embedded in the
 * assertion's own header (`jwk`), the classic way to trick a verifier into trusting the attacker's key.
 */
defineCheck(
  {
    id: 'CIMD-12',
    title: 'private_key_jwt: an assertion signed by a key not in the document is refused',
    level: 'MUST',
    quote:
      'The JWT MUST be digitally signed or have a Message Authentication Code (MAC) applied by the issuer. The authorization server MUST reject JWTs with an invalid signature or MAC.',
    refs: [ref.rfc(7523, '3'), ref.cimd('6.2', 'Client Authentication')],
    revisions: REVISIONS,
  },
  async ({ session, verdict }) => {
    const client = await keyedClient(session, 'cimd-12');
    const redeem = await codeFor(session, client);
    const attacker = newClientKey(client.key.kid);
    const forged = clientAssertion(attacker, client.clientId, client.tokenEndpoint, {}, attacker.publicJwk);
    expectInvalidClient(verdict, await redeem(forged), 'an assertion signed by a foreign key');
    await confirmCorrectAssertionWorks(session, client, redeem, verdict);
  },
);

/**
 * RFC 7523 §3: "The authorization server MUST reject any JWT with an expiration time that has passed, subject to
 * allowable clock skew between systems." The assertion expired ten minutes ago.
 */
defineCheck(
  {
    id: 'CIMD-13',
    title: 'private_key_jwt: an expired assertion is refused',
    level: 'MUST',
    quote:
      'The authorization server MUST reject any JWT with an expiration time that has passed, subject to allowable clock skew between systems.',
    refs: [ref.rfc(7523, '3'), ref.oidcCore('ClientAuthentication', 'Client Authentication')],
    revisions: REVISIONS,
  },
  async ({ session, verdict }) => {
    const client = await keyedClient(session, 'cimd-13');
    const redeem = await codeFor(session, client);
    const now = Math.floor(Date.now() / 1000);
    const expired = clientAssertion(client.key, client.clientId, client.tokenEndpoint, {
      iat: now - 660,
      exp: now - 600,
    });
    expectInvalidClient(verdict, await redeem(expired), 'an assertion that expired 10 minutes ago');
    await confirmCorrectAssertionWorks(session, client, redeem, verdict);
  },
);

/**
 * OpenID Connect Core §9 (the private_key_jwt the CIMD draft names): "jti […] These tokens MUST only be used once,
 * unless conditions for reuse were negotiated between the parties". The assertion that redeemed the code is
 * presented again for a refresh.
 */
defineCheck(
  {
    id: 'CIMD-14',
    title: 'private_key_jwt: an assertion (its jti) is accepted only once',
    level: 'MUST',
    quote: 'These tokens MUST only be used once, unless conditions for reuse were negotiated between the parties',
    refs: [ref.oidcCore('ClientAuthentication', 'Client Authentication'), ref.rfc(7523, '3')],
    revisions: REVISIONS,
  },
  async ({ session, verdict }) => {
    const client = await keyedClient(session, 'cimd-14');
    const redeem = await codeFor(session, client);
    const first = clientAssertion(client.key, client.clientId, client.tokenEndpoint);
    const tokens = requireTokens(await redeem(first), 'code exchange with a correct assertion');
    if (!tokens.refresh_token) return verdict.notTestable('no refresh token was issued to present the assertion again');
    const refresh = (assertion: string) =>
      postToken(session, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token ?? '',
        client_id: client.clientId,
        client_assertion_type: JWT_BEARER_ASSERTION,
        client_assertion: assertion,
      });
    expectInvalidClient(verdict, await refresh(first), 'an assertion used a second time');
    const control = await refresh(clientAssertion(client.key, client.clientId, client.tokenEndpoint));
    if (control.status !== 200)
      return verdict.notTestable(`a fresh assertion is refused too: ${statusAndError(control)}`);
  },
);
