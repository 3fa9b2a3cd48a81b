// RFC 7591 dynamic client registration: the positive path, each negative, unique credentials, and the upstream
// client secret never handed out (conformance/requirements.md, UP-06).
import { proxyCallbackUri } from '../lib/browser/flow.ts';
import { defineCheck } from '../lib/check/define-check.ts';
import { ref } from '../lib/model/refs.ts';
import type { Verdict } from '../lib/model/verdict.ts';
import { since } from '../lib/model/vocabulary.ts';
import { expectedIssuer, wellKnownUrl } from '../lib/oauth/discovery.ts';
import { errorCode, statusAndError } from '../lib/oauth/error-response.ts';
import { postRegistration, publicClientMetadata, registerClient } from '../lib/oauth/registration.ts';
import type { CheckSession } from '../lib/session/check-session.ts';
import { isJsonContentType, jsonObject, type HttpResponse } from '../lib/transport/http.ts';
const CB = 'http://127.0.0.1:8976/callback';
const DCR_ERRORS = [
  'invalid_redirect_uri',
  'invalid_client_metadata',
  'invalid_software_statement',
  'unapproved_software_statement',
];

/** RFC 7591 §3.2.2: 400, JSON, a defined error code. */
function expectRegistrationError(verdict: Verdict, res: HttpResponse, what: string, codes: string[]): void {
  verdict.check(
    res.status === 400 && isJsonContentType(res) && codes.includes(errorCode(res) ?? ''),
    `${what} must be refused`,
    {
      expected: `400 application/json ${codes.join(' or ')}`,
      actual: `${statusAndError(res)} (${res.headers.get('content-type') ?? 'no content-type'})`,
    },
  );
}

async function register(session: CheckSession, body: Record<string, unknown>): Promise<HttpResponse> {
  return postRegistration(session, body);
}

/**
 * The positive path of a negative registration check: the same metadata without the defect must register (201), or
 * the refusal proves nothing (a proxy that refuses every registration "passes" every negative).
 */
async function requireRegistrationControl(
  session: CheckSession,
  verdict: Verdict,
  control: Record<string, unknown>,
): Promise<void> {
  const res = await register(session, control);
  if (res.status !== 201) {
    verdict.notTestable(`the same metadata without the defect is refused too: ${statusAndError(res)}`, {
      key: 'registration-control',
      summary: `well-formed registrations are refused (${statusAndError(res)}): the registration refusals prove nothing`,
    });
  }
}

defineCheck(
  {
    id: 'DCR-03',
    title: 'an unauthenticated JSON registration gets 201 Created with a client_id',
    level: 'MUST',
    quote:
      'The client registration endpoint MUST accept HTTP POST messages with request parameters encoded in the entity body using the "application/json" format. […] The server responds with an HTTP 201 Created status code and a body of type "application/json" with content as described in Section 3.2.1.',
    refs: [ref.rfc(7591, '3.1'), ref.rfc(7591, '3.2.1')],
  },
  async ({ session, verdict }) => {
    const res = await register(session, publicClientMetadata([CB]));
    verdict.check(res.status !== 415, 'the endpoint must accept application/json (DCR-01)', { actual: res.status });
    verdict.check(
      res.status !== 401 && res.status !== 403,
      'registration without an initial access token should be allowed (DCR-02)',
      {
        actual: res.status,
      },
    );
    verdict.equal(res.status, 201, 'registration status');
    verdict.check(isJsonContentType(res), 'the response must be application/json', {
      actual: res.headers.get('content-type'),
    });
    verdict.check(typeof jsonObject(res)?.client_id === 'string', 'client_id is REQUIRED', {
      actual: res.text.slice(0, 200),
    });
  },
);

defineCheck(
  {
    id: 'DCR-04',
    title: 'two registrations get distinct client_ids',
    level: 'SHOULD',
    quote:
      'client_id […] It SHOULD NOT be currently valid for any other registered client, though an authorization server MAY issue the same client identifier to multiple instances of a registered client at its discretion.',
    refs: [ref.rfc(7591, '3.2.1')],
  },
  async ({ session, verdict }) => {
    const a = await registerClient(session, publicClientMetadata([CB]));
    const b = await registerClient(session, publicClientMetadata([CB]));
    verdict.check(a.client_id !== b.client_id, 'each registration must get its own client_id', {
      actual: `${a.client_id} twice`,
    });
    const issued = a.raw.client_id_issued_at;
    if (issued !== undefined) {
      const now = Date.now() / 1000;
      verdict.check(
        Number.isInteger(issued) && Math.abs((issued as number) - now) < 300,
        'client_id_issued_at is seconds since the epoch (DCR-05)',
        {
          expected: `≈ ${Math.round(now)}`,
          actual: issued,
        },
      );
    }
  },
);

defineCheck(
  {
    id: 'DCR-06',
    title: 'confidential registrations get unique secrets with client_secret_expires_at',
    level: 'MUST',
    quote:
      'client_secret OPTIONAL. OAuth 2.0 client secret string. If issued, this MUST be unique for each "client_id" and SHOULD be unique for multiple instances of a client using the same "client_id".',
    refs: [ref.rfc(7591, '3.2.1')],
  },
  async ({ session, verdict }) => {
    const meta = (): Record<string, unknown> =>
      publicClientMetadata([CB], { token_endpoint_auth_method: 'client_secret_post' });
    const first = await register(session, meta());
    const a = jsonObject(first);
    if (first.status !== 201 || !a)
      return verdict.notTestable(`confidential registration refused: ${statusAndError(first)}`);
    if (typeof a.client_secret !== 'string') {
      verdict.check(
        a.token_endpoint_auth_method === 'none',
        'a client registered without a secret must be reported as "none" (DCR-07)',
        {
          actual: a.token_endpoint_auth_method,
        },
      );
      verdict.notApplicable('the proxy registers public clients only (no client_secret issued)');
    }
    const b = await registerClient(session, meta());
    verdict.check(a.client_secret !== b.client_secret, 'client_secret must be unique per client_id', {
      actual: 'the same secret twice',
    });
    verdict.check(
      typeof a.client_secret_expires_at === 'number',
      'client_secret_expires_at is REQUIRED with a secret (0 = never)',
      {
        actual: a.client_secret_expires_at ?? '(absent)',
      },
    );
    const upstream =
      session.settings.harness?.upstreamClientSecret ?? session.settings.targetDescription.upstreamClient?.clientSecret;
    if (upstream) {
      verdict.check(
        a.client_secret !== upstream && b.client_secret !== upstream,
        'the upstream client secret must never be issued',
      );
    }
    if (!/no-store/i.test(first.headers.get('cache-control') ?? '')) {
      verdict.warn('a response carrying a client_secret should be Cache-Control: no-store (DCR-17)', {
        expected: 'no-store',
        actual: first.headers.get('cache-control') ?? '(none)',
      });
    }
  },
);

defineCheck(
  {
    id: 'DCR-07',
    title: 'the registration response returns the metadata actually in force',
    level: 'MUST',
    quote:
      'The authorization server MUST return all registered metadata about this client, including any fields provisioned by the authorization server itself.',
    refs: [ref.rfc(7591, '3.2.1')],
  },
  async ({ session, verdict }) => {
    const sent = publicClientMetadata([CB]);
    const res = await register(session, sent);
    const body = jsonObject(res);
    if (res.status !== 201 || !body) return verdict.notTestable(`registration refused: ${statusAndError(res)}`);
    verdict.check(
      Array.isArray(body.redirect_uris) && (body.redirect_uris as unknown[]).includes(CB),
      'redirect_uris must be returned',
      {
        expected: [CB],
        actual: body.redirect_uris,
      },
    );
    verdict.check(
      typeof body.token_endpoint_auth_method === 'string',
      'token_endpoint_auth_method in force must be returned',
      {
        actual: body.token_endpoint_auth_method ?? '(absent)',
      },
    );
    if (body.token_endpoint_auth_method === 'none') {
      verdict.check(body.client_secret === undefined, 'a client registered as "none" gets no client_secret (DCR-15)', {
        actual: 'a client_secret',
      });
    } else {
      verdict.check(
        typeof body.client_secret === 'string',
        `a ${String(body.token_endpoint_auth_method)} client needs its secret in the response`,
      );
    }
    for (const field of ['grant_types', 'response_types']) {
      verdict.check(Array.isArray(body[field]), `${field} in force must be returned`, {
        actual: body[field] ?? '(absent)',
      });
    }
  },
);

defineCheck(
  {
    id: 'DCR-08',
    title: 'unknown client metadata is ignored, not refused',
    level: 'MUST',
    quote: 'The authorization server MUST ignore any client metadata sent by the client that it does not understand',
    refs: [ref.rfc(7591, '2')],
  },
  async ({ session, verdict }) => {
    const res = await register(
      session,
      publicClientMetadata([CB], { x_conformance_unknown: 1, software_id: 'conformance' }),
    );
    verdict.equal(statusAndError(res).split(' ')[0], '201', 'status with an unknown metadata field');
  },
);

/**
 * RFC 7591 §2: redirect_uris is the "Array of redirection URI strings for use in redirect-based flows such as the
 * authorization code and implicit flows"; §5 (invalid_redirect_uri) and §3.2.2 refuse a code-grant client that
 * has none. Sent without the member and with an explicit JSON null (a client that serialises a missing value so).
 */
defineCheck(
  {
    id: 'DCR-09',
    title: 'a code-grant client without redirect_uris is refused',
    level: 'MUST',
    quote:
      'For clients that use redirect-based grant types such as authorization code and implicit, authorization servers MUST require clients to register their redirection URI values.',
    refs: [ref.rfc(7591, '2'), ref.rfc(7591, '5'), ref.rfc(7591, '3.2.2')],
  },
  async ({ session, verdict }) => {
    await requireRegistrationControl(session, verdict, publicClientMetadata([CB]));
    const omitted = publicClientMetadata([]);
    delete omitted.redirect_uris;
    const cases: [string, Record<string, unknown>][] = [
      ['registration without redirect_uris', omitted],
      ['registration with "redirect_uris": null', { ...omitted, redirect_uris: null }],
    ];
    for (const [what, body] of cases) {
      expectRegistrationError(verdict, await register(session, body), what, [
        'invalid_redirect_uri',
        'invalid_client_metadata',
      ]);
    }
  },
);

defineCheck(
  {
    id: 'DCR-11',
    title: 'redirect URIs must be loopback or https (http, javascript:, data: refused)',
    level: 'MUST',
    quote: 'All redirect URIs MUST be either localhost or use HTTPS.',
    refs: [ref.mcpAuth('communication-security', 'Communication security'), ref.rfc(9700, '2.6')],
  },
  async ({ session, verdict }) => {
    await requireRegistrationControl(session, verdict, publicClientMetadata([CB]));
    for (const uri of ['http://evil.example/cb', 'javascript:alert(1)//', 'data:text/html,hi', 'file:///etc/passwd']) {
      expectRegistrationError(
        verdict,
        await register(session, publicClientMetadata([uri])),
        `redirect URI ${uri}`,
        DCR_ERRORS.slice(0, 2),
      );
    }
  },
);

defineCheck(
  {
    id: 'DCR-12',
    title: 'a redirect URI with a fragment is refused',
    level: 'MUST',
    quote: 'The endpoint URI MUST NOT include a fragment component.',
    refs: [ref.rfc(6749, '3.1.2')],
  },
  async ({ session, verdict }) => {
    await requireRegistrationControl(session, verdict, publicClientMetadata([CB]));
    expectRegistrationError(verdict, await register(session, publicClientMetadata([`${CB}#frag`])), 'a fragment', [
      'invalid_redirect_uri',
      'invalid_client_metadata',
    ]);
  },
);

/**
 * Redirect URIs that look like one thing and are another, and the proxy's own policy. One sentence makes part of it
 * a MUST: MCP "Communication Security": "All redirect URIs MUST be either localhost or use HTTPS", and
 * `http://localhost@evil.example/cb` is plain http to evil.example. Nothing else here is a MUST of any text, so the
 * check is a SHOULD: userinfo in an https URI (RFC 3986 §3.2.1: the "user:password" form "is deprecated"; RFC 9700
 * §4.1 "Insufficient Redirect URI Validation" warns of exactly such look-alikes), the proxy's own upstream callback
 * (registering it lets a client receive upstream codes, MCP security best practices "Redirect URI validation"), and
 * the URIs the target description says its allowlist refuses (the operator's policy, `refusedRedirectUris`).
 */
defineCheck(
  {
    id: 'DCR-13',
    title: 'userinfo tricks, the proxy callback and URIs outside the allowlist are refused',
    level: 'SHOULD',
    quote: 'All redirect URIs MUST be either localhost or use HTTPS.',
    refs: [
      ref.mcpAuth('communication-security', 'Communication security'),
      ref.rfc(9700, '4.1'),
      ref.rfc(3986, '3.2.1'),
      ref.mcpSbp('redirect-uri-validation', 'Redirect URI validation'),
    ],
  },
  async ({ session, verdict }) => {
    await requireRegistrationControl(session, verdict, publicClientMetadata([CB]));
    // The proxy's callback path is the proxy's choice (no spec fixes it): observed in the flow, not assumed.
    const ownCallback = await proxyCallbackUri(session);
    if (!ownCallback) verdict.note("the proxy's upstream callback was not observed (no completed flow): not probed");
    const cases: [string, 'MUST' | 'SHOULD'][] = [
      ['http://localhost@evil.example/cb', 'MUST'],
      ['http://127.0.0.1@evil.example/cb', 'MUST'],
      ['https://user:pass@client.example/cb', 'SHOULD'],
      ...(ownCallback ? [[ownCallback, 'SHOULD'] as [string, 'SHOULD']] : []),
      ...(session.settings.targetDescription.refusedRedirectUris ?? []).map((u): [string, 'SHOULD'] => [u, 'SHOULD']),
    ];
    for (const [uri, level] of cases) {
      const res = await register(session, publicClientMetadata([uri]));
      const refused =
        res.status === 400 &&
        isJsonContentType(res) &&
        ['invalid_redirect_uri', 'invalid_client_metadata'].includes(errorCode(res) ?? '');
      if (refused) continue;
      const finding = {
        expected: '400 application/json invalid_redirect_uri or invalid_client_metadata',
        actual: `${statusAndError(res)} (${res.headers.get('content-type') ?? 'no content-type'})`,
      };
      if (level === 'MUST') {
        verdict.fail(`redirect URI ${uri} (plain http to another host) must be refused`, { ...finding, level });
      }
      verdict.warn(`redirect URI ${uri} should be refused`, finding);
    }
  },
);

/**
 * RFC 7591 §2: "The "jwks_uri" and "jwks" parameters MUST NOT both be present in the same request or response." The
 * request is the client's mistake; the server's obligation is its response, and §3.2.1 lets it repair the request:
 * "The authorization server MAY reject or replace any of the client's requested metadata values submitted during the
 * registration and substitute them with suitable values." So a refusal (400 invalid_client_metadata, §3.2.2) and a
 * registration that keeps one of the two both conform; only a response carrying both fails.
 */
defineCheck(
  {
    id: 'DCR-14',
    title: 'jwks and jwks_uri together are refused, or at most one of them is kept',
    level: 'MUST',
    quote: 'The "jwks_uri" and "jwks" parameters MUST NOT both be present in the same request or response.',
    refs: [ref.rfc(7591, '2'), ref.rfc(7591, '3.2.1'), ref.rfc(7591, '3.2.2')],
  },
  async ({ session, verdict }) => {
    await requireRegistrationControl(session, verdict, publicClientMetadata([CB]));
    const body = publicClientMetadata([CB], { jwks_uri: 'https://client.example/jwks', jwks: { keys: [] } });
    const res = await register(session, body);
    if (res.status === 201) {
      const registered = jsonObject(res) ?? {};
      verdict.check(
        !('jwks' in registered && 'jwks_uri' in registered),
        'the registration response must not carry both jwks and jwks_uri',
        { expected: 'at most one of jwks, jwks_uri', actual: 'both' },
      );
      verdict.note(
        `registered, keeping ${['jwks', 'jwks_uri'].filter((k) => k in registered).join(' and ') || 'neither'} (RFC 7591 §3.2.1: the server may replace requested metadata)`,
      );
      return;
    }
    expectRegistrationError(verdict, res, 'jwks with jwks_uri', ['invalid_client_metadata']);
  },
);

defineCheck(
  {
    id: 'DCR-16',
    title: 'a native client with a portless loopback redirect URI can register',
    level: 'SHOULD',
    quote:
      'Native applications (desktop applications, mobile apps, CLI tools, and locally-hosted web applications accessed via localhost) SHOULD use application_type: "native"',
    refs: [ref.mcpAuthRev('2026-07-28', 'client-registration', 'application_type'), ref.rfc(8252, '7.3')],
    revisions: since('2025-11-25'),
  },
  async ({ session, verdict }) => {
    const res = await register(
      session,
      publicClientMetadata(['http://127.0.0.1/callback'], { application_type: 'native' }),
    );
    verdict.equal(
      statusAndError(res).split(' ')[0],
      '201',
      'status for application_type native with http://127.0.0.1/callback',
    );
  },
);

defineCheck(
  {
    id: 'UP-06',
    title: 'the upstream client credentials never appear in registration, metadata or error responses',
    level: 'MUST',
    quote: 'Web application clients MUST ensure confidentiality of client passwords and other client credentials.',
    refs: [ref.mcpSbp('confused-deputy-problem', 'Confused deputy'), ref.rfc(7591, '3.2.1'), ref.rfc(6749, '10.1')],
  },
  async ({ session, verdict }) => {
    const secret =
      session.settings.harness?.upstreamClientSecret ?? session.settings.targetDescription.upstreamClient?.clientSecret;
    if (!secret)
      return verdict.notApplicable(
        'upstream client secret unknown (instrumented mode or upstreamClient in the target file)',
      );
    const responses = [
      await register(session, publicClientMetadata([CB], { token_endpoint_auth_method: 'client_secret_basic' })),
      await register(session, { redirect_uris: 'not-an-array' }),
      await session.http.request({
        url: wellKnownUrl((await expectedIssuer(session)).issuer, 'oauth-authorization-server'),
      }),
    ];
    for (const res of responses) {
      verdict.check(!res.text.includes(secret), `the upstream client secret leaked in ${res.url} (${res.status})`, {
        expected: 'absent',
        actual: 'present',
      });
    }
  },
);

/**
 * RFC 7592 §3, client information response: "registration_client_uri REQUIRED. String containing the fully qualified
 * URL of the client configuration endpoint for this client." and "registration_access_token REQUIRED". §2.1: "Upon
 * successful read of the information for a currently active client, the authorization server responds with an HTTP
 * 200 OK". A server that hands out a relative or dead management URL advertises a management API no client can use.
 * Where registration answers carry no registration_client_uri (RFC 7592 is not offered) nothing is advertised and the
 * check passes with a note. The URL is
 * read only when it is on the target's origin: nothing the target says can make the suite connect elsewhere.
 */
defineCheck(
  {
    id: 'DCR-21',
    title: 'an advertised registration_client_uri is an absolute URL that answers with the client',
    level: 'MUST',
    quote:
      'registration_client_uri REQUIRED. String containing the fully qualified URL of the client configuration endpoint for this client.',
    refs: [ref.rfc(7592, '3'), ref.rfc(7592, '2.1')],
  },
  async ({ session, verdict }) => {
    const res = await register(session, publicClientMetadata([CB]));
    const body = jsonObject(res);
    if (res.status !== 201 || typeof body?.client_id !== 'string')
      return verdict.notTestable(`registration refused: ${statusAndError(res)}`);
    const uri = body.registration_client_uri;
    // Nothing advertised, nothing that can mislead a client: the requirement holds (RFC 7592 is optional).
    if (uri === undefined) return verdict.note('no registration_client_uri: RFC 7592 management not offered');
    let url: URL | undefined;
    try {
      url = typeof uri === 'string' ? new URL(uri) : undefined;
    } catch {
      url = undefined;
    }
    verdict.check(
      url !== undefined && (url.protocol === 'https:' || url.protocol === 'http:'),
      'registration_client_uri must be a fully qualified URL',
      {
        expected: 'an absolute https URL',
        actual: JSON.stringify(uri),
      },
    );
    const token = body.registration_access_token;
    verdict.check(typeof token === 'string' && token !== '', 'registration_access_token must come with it', {
      actual: JSON.stringify(token),
    });
    if (!url || url.origin !== session.targetOrigin) {
      return verdict.note(`registration_client_uri ${String(uri)} is not on the target's origin: not read`);
    }
    const read = await session.http.request({
      url: url.toString(),
      headers: { accept: 'application/json', authorization: `Bearer ${String(token)}` },
    });
    verdict.equal(read.status, 200, 'status of a read of the client configuration endpoint');
    verdict.equal(jsonObject(read)?.client_id, body.client_id, 'client_id of the client configuration read');
  },
);
