// RFC 9728 protected resource metadata and the MCP endpoint's 401 challenge: how a client finds the authorization
// server starting from the MCP URL (conformance/requirements.md).
import { sharedFlow } from '../lib/browser/flow.ts';
import { defineCheck } from '../lib/check/define-check.ts';
import { ref } from '../lib/model/refs.ts';
import { since } from '../lib/model/vocabulary.ts';
import {
  authorizationServerMetadata,
  expectedIssuer,
  parseBearerChallenge,
  protectedResourceMetadata,
  describePrmDiscovery,
  unauthenticatedChallenge,
  wellKnownUrl,
} from '../lib/oauth/discovery.ts';
import { probeMcp, requireUnderstood } from '../lib/oauth/mcp-probe.ts';
import { resourceScopesFromServer } from '../lib/oauth/scope.ts';
import { randomToken } from '../lib/oauth/pkce.ts';
import { isJsonContentType, jsonObject } from '../lib/transport/http.ts';

defineCheck(
  {
    id: 'PRM-01',
    title: 'an unauthenticated MCP request gets 401 with WWW-Authenticate resource_metadata',
    level: 'MUST',
    quote:
      'MCP servers MUST use the HTTP header WWW-Authenticate when returning a 401 Unauthorized to indicate the location of the resource server metadata URL as described in RFC9728 Section 5.1 "WWW-Authenticate Response".',
    refs: [ref.mcpAuthRev('2025-06-18', 'authorization-server-location', 'AS location'), ref.rfc(9728, '5.1')],
    revisions: ['2025-06-18'],
  },
  async ({ session, verdict }) => {
    const res = await unauthenticatedChallenge(session);
    verdict.equal(res.status, 401, 'status of an unauthenticated MCP request');
    const params = parseBearerChallenge(res.headers.get('www-authenticate'));
    verdict.check(Boolean(params?.resource_metadata), 'the Bearer challenge must carry resource_metadata', {
      expected: 'Bearer resource_metadata="…"',
      actual: res.headers.get('www-authenticate') ?? '(no header)',
    });
  },
);

defineCheck(
  {
    id: 'PRM-02',
    title: 'the resource metadata is discoverable (401 challenge header, else well-known)',
    level: 'MUST',
    quote:
      'MCP servers MUST implement one of the following discovery mechanisms to provide authorization server location information to MCP clients',
    refs: [
      ref.mcpAuth('protected-resource-metadata-discovery-requirements', 'PRM discovery requirements'),
      ref.rfc(9728, '5.1'),
    ],
    revisions: since('2025-11-25'),
  },
  async ({ session, verdict }) => {
    const res = await unauthenticatedChallenge(session);
    verdict.equal(res.status, 401, 'status of an unauthenticated MCP request');
    const params = parseBearerChallenge(res.headers.get('www-authenticate'));
    if (params?.resource_metadata) {
      const prm = await session.http.request({ url: params.resource_metadata });
      verdict.check(
        prm.status === 200 && jsonObject(prm) !== undefined,
        'resource_metadata must point at the document',
        {
          expected: '200 JSON',
          actual: `${prm.status} at ${params.resource_metadata}`,
        },
      );
      return;
    }
    const wellKnown = await session.http.request({
      url: wellKnownUrl(session.settings.mcp, 'oauth-protected-resource'),
    });
    verdict.check(wellKnown.status === 200, 'neither the challenge nor the well-known location leads to the metadata', {
      actual: `no resource_metadata in challenge, well-known ${wellKnown.status}`,
    });
    verdict.warn('many clients rely on resource_metadata in the 401 challenge', {
      expected: 'resource_metadata="…"',
      actual: res.headers.get('www-authenticate'),
    });
  },
);

/**
 * MCP 2025-11-25 "Protected Resource Metadata Discovery Requirements": "MCP servers MUST implement one of the
 * following discovery mechanisms": the `resource_metadata` parameter of the WWW-Authenticate header, or the
 * well-known URI (RFC 9728 §3: the suffix inserted before the MCP path). 2025-06-18 makes the header itself
 * mandatory (PRM-01). So the path-inserted URL is required only when the challenge does not lead to the document.
 */
defineCheck(
  {
    id: 'PRM-03',
    title: 'serves protected resource metadata at the path-inserted well-known URL of the MCP endpoint',
    level: 'MUST',
    quote:
      "Protected resources supporting metadata MUST make a JSON document containing metadata as specified in Section 2 available at a URL formed by inserting a well-known URI string into the protected resource's resource identifier between the host component and the path and/or query components, if any.",
    refs: [
      ref.rfc(9728, '3'),
      ref.rfc(9728, '3.1'),
      ref.mcpAuth('protected-resource-metadata-discovery-requirements', 'PRM discovery requirements'),
    ],
  },
  async ({ session, verdict }) => {
    const url = wellKnownUrl(session.settings.mcp, 'oauth-protected-resource');
    const prm = await protectedResourceMetadata(session).catch(() => undefined);
    if (prm) verdict.note(describePrmDiscovery(prm));
    const res = await session.http.request({ url });
    if (res.status === 200 && jsonObject(res) !== undefined) return;
    if (prm?.source === 'challenge') {
      return verdict.notApplicable(
        `${url} answers ${res.status}, but the 401 challenge's resource_metadata leads to the document (MCP: servers implement one of the two mechanisms)`,
      );
    }
    verdict.fail(`GET ${url} must return the metadata (the challenge does not lead to it)`, {
      expected: '200 JSON object',
      actual: `${res.status} ${res.text.slice(0, 100)}`,
    });
  },
);

/** RFC 9728 §3.2: "Parameters with zero values MUST be omitted from the response." */
defineCheck(
  {
    id: 'PRM-04',
    title: 'resource metadata is application/json without zero-element arrays',
    level: 'MUST',
    quote:
      'A successful response MUST use the 200 OK HTTP status code and return a JSON object using the application/json content type that contains a set of metadata parameters as its members that are a subset of the metadata parameters defined in Section 2. […] Parameters with zero values MUST be omitted from the response.',
    refs: [ref.rfc(9728, '3.2')],
  },
  async ({ session, verdict }) => {
    const prm = await protectedResourceMetadata(session);
    verdict.note(describePrmDiscovery(prm));
    const { response, body } = prm;
    verdict.check(isJsonContentType(response), 'content type must be application/json', {
      actual: response.headers.get('content-type'),
    });
    const empty = Object.entries(body)
      .filter(([, v]) => Array.isArray(v) && v.length === 0)
      .map(([k]) => k);
    verdict.check(empty.length === 0, 'parameters with zero values must be omitted', {
      expected: 'no []',
      actual: empty.join(', '),
    });
  },
);

/**
 * RFC 9728 §3.3, on the document a client actually uses: "If the protected resource metadata was retrieved from a
 * URL returned by the protected resource via the WWW-Authenticate resource_metadata parameter, then the resource
 * value returned MUST be identical to the URL that the client used to make the request to the resource server";
 * otherwise it "MUST be identical to the protected resource's resource identifier value into which the well-known
 * URI path suffix was inserted". "If these values are not identical, the data contained in the response MUST NOT be
 * used."
 */
defineCheck(
  {
    id: 'PRM-06',
    title: 'resource is present and byte-identical to the MCP endpoint URL',
    level: 'MUST',
    quote:
      "The resource value returned MUST be identical to the protected resource's resource identifier value into which the well-known URI path suffix was inserted to create the URL used to retrieve the metadata. If these values are not identical, the data contained in the response MUST NOT be used.",
    refs: [ref.rfc(9728, '2'), ref.rfc(9728, '3.3')],
  },
  async ({ session, verdict }) => {
    const prm = await protectedResourceMetadata(session);
    verdict.note(describePrmDiscovery(prm));
    verdict.equal(
      prm.body.resource,
      prm.expectedResource,
      `resource of the document found via the ${prm.source === 'challenge' ? '401 challenge' : `${prm.source} well-known URL`} (compliant clients discard the metadata otherwise)`,
    );
  },
);

defineCheck(
  {
    id: 'PRM-07',
    title: 'authorization_servers lists the proxy issuer byte-identically',
    level: 'MUST',
    quote:
      'The Protected Resource Metadata document returned by the MCP server MUST include the authorization_servers field containing at least one authorization server.',
    refs: [ref.mcpAuth('authorization-server-location', 'AS location'), ref.rfc(9728, '2')],
  },
  async ({ session, verdict }) => {
    const prm = await protectedResourceMetadata(session);
    verdict.note(describePrmDiscovery(prm));
    const servers = prm.body.authorization_servers;
    verdict.check(Array.isArray(servers) && servers.length > 0, 'authorization_servers must name at least one server', {
      actual: servers ?? '(absent)',
    });
    const fallback = async (): Promise<{ body: { issuer: unknown } }> => ({
      body: { issuer: (await expectedIssuer(session)).issuer },
    });
    const { body: as } = await authorizationServerMetadata(session).catch(fallback);
    verdict.check((servers as unknown[]).includes(as.issuer), 'the proxy issuer must appear byte-identically', {
      expected: as.issuer,
      actual: servers,
    });
  },
);

/**
 * RFC 9728 §2: scopes_supported is "RECOMMENDED", and §3.2: "Parameters with zero values MUST be omitted". A resource
 * that defines no scopes therefore omits it, and that is right: the check applies only when the resource has scopes,
 * which the suite decides from the resource metadata and the AS metadata (scopes beyond OpenID Connect's and
 * offline_access, which are the authorization server's own, not the resource's).
 */
defineCheck(
  {
    id: 'PRM-08',
    title: 'resource metadata lists scopes_supported',
    level: 'SHOULD',
    quote:
      'scopes_supported RECOMMENDED. JSON array containing a list of scope values, as defined in OAuth 2.0 [RFC6749], that are used in authorization requests to request access to this protected resource.',
    refs: [ref.rfc(9728, '2'), ref.rfc(9728, '3.2')],
  },
  async ({ session, verdict }) => {
    const prm = await protectedResourceMetadata(session);
    if (Array.isArray(prm.body.scopes_supported)) return;
    const defined = await resourceScopesFromServer(session);
    if (defined.length === 0)
      return verdict.notApplicable(
        'the resource defines no scopes (none in the resource metadata, none but OpenID Connect / offline_access in the AS metadata): scopes_supported must then be omitted',
      );
    verdict.fail('scopes_supported is RECOMMENDED', {
      expected: `scopes_supported, e.g. ${JSON.stringify(defined)} (the AS metadata offers them)`,
      actual: '(absent)',
    });
  },
);

defineCheck(
  {
    id: 'PRM-09',
    title: 'offline_access is not advertised in scopes_supported or the challenge',
    level: 'SHOULD',
    quote:
      'MCP Servers (Protected Resources) SHOULD NOT include offline_access in WWW-Authenticate scope or Protected Resource Metadata scopes_supported, as refresh tokens are not a resource requirement.',
    refs: [ref.mcpAuthRev('2026-07-28', 'refresh-tokens', 'Refresh tokens')],
    revisions: since('2026-07-28'),
  },
  async ({ session, verdict }) => {
    const { body } = await protectedResourceMetadata(session);
    const scopes = Array.isArray(body.scopes_supported) ? body.scopes_supported : [];
    verdict.check(!scopes.includes('offline_access'), 'servers SHOULD NOT list offline_access', { actual: scopes });
    const challenge = parseBearerChallenge((await unauthenticatedChallenge(session)).headers.get('www-authenticate'));
    verdict.check(
      !(challenge?.scope ?? '').split(' ').includes('offline_access'),
      'the challenge scope SHOULD NOT include offline_access',
      {
        actual: challenge?.scope,
      },
    );
  },
);

/**
 * MCP 2025-11-25 "Protected Resource Metadata Discovery Requirements": servers "SHOULD include a scope parameter in
 * the WWW-Authenticate header". Not applicable to a resource that defines no scopes (see PRM-08).
 */
defineCheck(
  {
    id: 'PRM-10',
    title: 'the 401 challenge carries a scope parameter',
    level: 'SHOULD',
    quote:
      'MCP servers SHOULD include a scope parameter in the WWW-Authenticate header as defined in RFC 6750 Section 3 to indicate the scopes required for accessing the resource.',
    refs: [
      ref.mcpAuth('protected-resource-metadata-discovery-requirements', 'scope in WWW-Authenticate'),
      ref.rfc(6750, '3'),
    ],
    revisions: since('2025-11-25'),
  },
  async ({ session, verdict }) => {
    const res = await unauthenticatedChallenge(session);
    const params = parseBearerChallenge(res.headers.get('www-authenticate'));
    if (params?.scope !== undefined) return;
    const prm = await protectedResourceMetadata(session).catch(() => undefined);
    const advertised = Array.isArray(prm?.body.scopes_supported) ? prm.body.scopes_supported : [];
    if (advertised.length === 0 && (await resourceScopesFromServer(session)).length === 0)
      return verdict.notApplicable(
        'the resource defines no scopes: there is no scope to name in the challenge (and an empty one says nothing)',
      );
    verdict.check(params?.scope !== undefined, 'MCP servers SHOULD include scope in the challenge', {
      expected: 'Bearer …, scope="…"',
      actual: res.headers.get('www-authenticate') ?? '(no header)',
    });
  },
);

defineCheck(
  {
    id: 'PRM-11',
    title: 'an unknown bearer token gets 401 with error="invalid_token"',
    level: 'MUST',
    quote: 'Invalid or expired tokens MUST receive a HTTP 401 response.',
    refs: [ref.mcpAuth('token-handling', 'Token handling'), ref.rfc(6750, '3.1')],
  },
  async ({ session, verdict }) => {
    const res = requireUnderstood(await probeMcp(session, `conformance-${randomToken(24)}`));
    verdict.equal(res.status, 401, 'status for an invalid token');
    const params = res.challenge;
    if (params?.error !== 'invalid_token') {
      verdict.warn('RFC 6750 §3.1: the challenge should say error="invalid_token"', {
        expected: 'invalid_token',
        actual: params?.error ?? '(none)',
      });
    }
  },
);

/**
 * A valid token at the wrong place. OAuth 2.1 "Refresh Token": refresh tokens "are intended for use only with
 * authorization servers and are never sent to resource servers"; to the MCP endpoint a refresh token is not an access
 * token, so it is an invalid one: "Invalid or expired tokens MUST receive a HTTP 401 response." The same flow's
 * access token is accepted first (the positive path), so the refusal is about which token was presented.
 */
defineCheck(
  {
    id: 'PRM-21',
    title: 'a refresh token presented as a bearer token at the MCP endpoint gets 401',
    level: 'MUST',
    quote: 'Invalid or expired tokens MUST receive a HTTP 401 response.',
    refs: [ref.mcpAuth('token-handling', 'Token handling'), ref.oauth21('Refresh Token'), ref.rfc(6750, '3.1')],
  },
  async ({ session, verdict }) => {
    const flow = await sharedFlow(session);
    const refreshToken = flow.tokens.refresh_token;
    if (!refreshToken) return verdict.notApplicable('the token response carries no refresh token');
    const own = requireUnderstood(await probeMcp(session, flow.tokens.access_token));
    if (own.verdict !== 'accepted') return verdict.notTestable(`the flow's access token is refused too: ${own.status}`);
    const res = requireUnderstood(await probeMcp(session, refreshToken));
    verdict.equal(res.status, 401, 'status for a refresh token presented as a bearer token');
  },
);

defineCheck(
  {
    id: 'PRM-15',
    title: 'every 401 from the MCP endpoint carries WWW-Authenticate',
    level: 'MUST',
    quote: 'the resource server MUST include the HTTP WWW-Authenticate response header field',
    refs: [ref.oauth21('Error Response (resource server)'), ref.rfc(6750, '3')],
  },
  async ({ session, verdict }) => {
    const cases: [string, string | undefined][] = [
      ['no token', undefined],
      ['malformed token', 'not a token at all'],
      ['unknown JWT-shaped token', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'],
    ];
    for (const [what, token] of cases) {
      const res = requireUnderstood(await probeMcp(session, token));
      verdict.equal(res.status, 401, `status with ${what}`);
      verdict.check(
        res.response.headers.get('www-authenticate') !== null,
        `401 with ${what} must carry WWW-Authenticate`,
        {
          actual: '(no header)',
        },
      );
    }
  },
);

/**
 * RFC 6750 §3.1: "If the request lacks any authentication information (e.g., the client was unaware that
 * authentication is necessary or attempted using an unsupported authentication method), the resource server SHOULD
 * NOT include an error code or other error information." A client that has not authenticated yet has made no error;
 * an `error=` in the first challenge makes clients treat discovery as a failed token (and retry or give up).
 */
defineCheck(
  {
    id: 'PRM-20',
    title: 'the 401 to a request without credentials carries no error code',
    level: 'SHOULD',
    quote:
      'If the request lacks any authentication information (e.g., the client was unaware that authentication is necessary or attempted using an unsupported authentication method), the resource server SHOULD NOT include an error code or other error information.',
    refs: [ref.rfc(6750, '3.1')],
  },
  async ({ session, verdict }) => {
    const res = await unauthenticatedChallenge(session);
    if (res.status !== 401) return verdict.notTestable(`the MCP endpoint answered ${res.status}, not 401`);
    const params = parseBearerChallenge(res.headers.get('www-authenticate'));
    if (!params) return verdict.notTestable('the 401 carries no Bearer challenge (see PRM-01, PRM-15)');
    verdict.check(params.error === undefined && params.error_description === undefined, 'no error information', {
      expected: 'a Bearer challenge without error or error_description',
      actual: res.headers.get('www-authenticate'),
    });
  },
);
