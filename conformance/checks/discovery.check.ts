// RFC 8414 authorization server metadata as MCP clients discover it: location, issuer byte-equality, required and
// forbidden values (conformance/requirements.md).
import { defineCheck } from '../lib/check/define-check.ts';
import { ref } from '../lib/model/refs.ts';
import { since } from '../lib/model/vocabulary.ts';
import { authorizationServerMetadata, expectedIssuer, isLoopbackUrl, wellKnownUrl } from '../lib/oauth/discovery.ts';
import { errorCode, statusAndError } from '../lib/oauth/error-response.ts';
import { publicClientMetadata, postRegistration } from '../lib/oauth/registration.ts';
import { isJsonContentType, jsonObject } from '../lib/transport/http.ts';

defineCheck(
  {
    id: 'DISC-01',
    title: 'serves authorization server metadata at the path-inserted well-known URL',
    level: 'MUST',
    quote:
      "Authorization servers supporting metadata MUST make a JSON document containing metadata as specified in Section 2 available at a path formed by inserting a well-known URI string into the authorization server's issuer identifier between the host component and the path component, if any.",
    refs: [ref.rfc(8414, '3'), ref.mcpAuth('authorization-server-metadata-discovery', 'AS metadata discovery')],
  },
  async ({ session, verdict }) => {
    const expected = await expectedIssuer(session);
    verdict.note(`issuer identifier from ${expected.describe}`);
    const url = wellKnownUrl(expected.issuer, 'oauth-authorization-server');
    const res = await session.http.request({ url, headers: { accept: 'application/json' } });
    verdict.check(res.status === 200 && jsonObject(res) !== undefined, `GET ${url} must return the metadata document`, {
      expected: '200 with a JSON object',
      actual: `${res.status} ${res.text.slice(0, 100)}`,
    });
  },
);

defineCheck(
  {
    id: 'DISC-02',
    title: 'metadata is served over https (loopback targets exempt)',
    level: 'MUST',
    quote: 'This path MUST use the "https" scheme.',
    refs: [ref.rfc(8414, '3'), ref.mcpAuth('communication-security', 'Communication security')],
  },
  async ({ session, verdict }) => {
    const { url } = await authorizationServerMetadata(session);
    if (isLoopbackUrl(url)) {
      verdict.note('loopback target: https not required for local testing');
      return;
    }
    verdict.check(url.startsWith('https://'), 'metadata URL must use https', { expected: 'https://…', actual: url });
  },
);

defineCheck(
  {
    id: 'DISC-04',
    title: 'metadata is a JSON object with application/json and no zero-element arrays',
    level: 'MUST',
    quote:
      'A successful response MUST use the 200 OK HTTP status code and return a JSON object using the "application/json" content type that contains a set of claims as its members that are a subset of the metadata values defined in Section 2. […] Claims with zero elements MUST be omitted from the response.',
    refs: [ref.rfc(8414, '3.2')],
  },
  async ({ session, verdict }) => {
    const { response, body } = await authorizationServerMetadata(session);
    verdict.check(isJsonContentType(response), 'content type must be application/json', {
      expected: 'application/json',
      actual: response.headers.get('content-type') ?? '(none)',
    });
    const empty = Object.entries(body)
      .filter(([, v]) => Array.isArray(v) && v.length === 0)
      .map(([k]) => k);
    verdict.check(empty.length === 0, 'claims with zero elements must be omitted', {
      expected: 'no []',
      actual: empty.join(', '),
    });
  },
);

defineCheck(
  {
    id: 'DISC-05',
    title: 'issuer is an https URL without query or fragment (loopback exempt from https)',
    level: 'MUST',
    quote:
      'issuer REQUIRED. The authorization server\'s issuer identifier, which is a URL that uses the "https" scheme and has no query or fragment components.',
    refs: [ref.rfc(8414, '2')],
  },
  async ({ session, verdict }) => {
    const { body } = await authorizationServerMetadata(session);
    const issuer = body.issuer;
    verdict.check(typeof issuer === 'string', 'issuer is required', { expected: 'a string', actual: issuer });
    const url = new URL(issuer as string);
    verdict.check(
      !url.search && !url.hash && !(issuer as string).includes('#'),
      'issuer must have no query or fragment',
      {
        actual: issuer,
      },
    );
    verdict.check(url.protocol === 'https:' || isLoopbackUrl(issuer as string), 'issuer must use https', {
      actual: issuer,
    });
  },
);

/**
 * RFC 8414 §3.3: "The "issuer" value returned MUST be identical to the authorization server's issuer identifier
 * value into which the well-known URI string was inserted to create the URL used to retrieve the metadata."
 * The identifier is the one a client starts from: `--issuer`, else the protected resource metadata's
 * `authorization_servers` entry (MCP "Authorization Server Location"), never the target URL with a slash added or
 * removed: `https://host/` is a legal issuer (RFC 8414 §2) when the resource metadata names it so.
 */
defineCheck(
  {
    id: 'DISC-06',
    title: 'issuer is byte-identical to the identifier the well-known URL was built from',
    level: 'MUST',
    quote:
      'The "issuer" value returned MUST be identical to the authorization server\'s issuer identifier value into which the well-known URI string was inserted to create the URL used to retrieve the metadata.',
    refs: [
      ref.rfc(8414, '3.3'),
      ref.mcpAuthRev('2026-07-28', 'authorization-server-metadata-discovery', 'issuer validation'),
    ],
  },
  async ({ session, verdict }) => {
    const expected = await expectedIssuer(session);
    const { body } = await authorizationServerMetadata(session);
    verdict.note(`issuer identifier from ${expected.describe}`);
    verdict.equal(body.issuer, expected.issuer, 'metadata issuer (byte comparison, no normalisation)');
  },
);

defineCheck(
  {
    id: 'DISC-07',
    title: 'advertises authorization_endpoint, token_endpoint and response_types_supported containing "code"',
    level: 'MUST',
    quote:
      "authorization_endpoint URL of the authorization server's authorization endpoint [RFC6749]. This is REQUIRED unless no grant types are supported that use the authorization endpoint.",
    refs: [ref.rfc(8414, '2')],
  },
  async ({ session, verdict }) => {
    const { body } = await authorizationServerMetadata(session);
    for (const name of ['authorization_endpoint', 'token_endpoint']) {
      verdict.check(typeof body[name] === 'string', `${name} is required`, {
        expected: 'a URL',
        actual: body[name] ?? '(absent)',
      });
    }
    const types = body.response_types_supported;
    verdict.check(Array.isArray(types) && types.includes('code'), 'response_types_supported must contain "code"', {
      expected: '["code", …]',
      actual: types ?? '(absent)',
    });
  },
);

defineCheck(
  {
    id: 'DISC-08',
    title: 'advertises code_challenge_methods_supported containing S256',
    level: 'MUST',
    quote:
      'If code_challenge_methods_supported is absent, the authorization server does not support PKCE and MCP clients MUST refuse to proceed.',
    refs: [ref.mcpAuth('authorization-code-protection', 'Authorization code protection'), ref.rfc(8414, '2')],
  },
  async ({ session, verdict }) => {
    const { body } = await authorizationServerMetadata(session);
    const methods = body.code_challenge_methods_supported;
    verdict.check(
      Array.isArray(methods) && methods.includes('S256'),
      'MCP clients refuse to proceed without S256 advertised',
      {
        expected: '["S256"]',
        actual: methods ?? '(absent)',
      },
    );
  },
);

defineCheck(
  {
    id: 'DISC-09',
    title: 'does not advertise the "plain" PKCE method',
    level: 'SHOULD',
    quote:
      'When using PKCE, clients SHOULD use PKCE code challenge methods that do not expose the PKCE verifier in the authorization request.',
    refs: [ref.oauth21('Authorization Request'), ref.rfc(9700, '2.1.1')],
  },
  async ({ session, verdict }) => {
    const { body } = await authorizationServerMetadata(session);
    const methods = body.code_challenge_methods_supported;
    verdict.check(
      !(Array.isArray(methods) && methods.includes('plain')),
      'MCP clients must use S256; plain only weakens PKCE',
      {
        expected: 'no "plain"',
        actual: methods,
      },
    );
  },
);

defineCheck(
  {
    id: 'DISC-10',
    title: 'grant_types_supported and token_endpoint_auth_methods_supported describe an OAuth 2.1 proxy',
    level: 'SHOULD',
    quote: 'If omitted, the default value is "["authorization_code", "implicit"]".',
    refs: [ref.rfc(8414, '2'), ref.oauth21('Differences from OAuth 2.0')],
  },
  async ({ session, verdict }) => {
    const { body } = await authorizationServerMetadata(session);
    const grants = body.grant_types_supported;
    verdict.check(
      Array.isArray(grants),
      'without grant_types_supported the default ["authorization_code","implicit"] applies',
      {
        expected: 'an explicit list',
        actual: '(absent)',
      },
    );
    const list = grants as unknown[];
    verdict.check(list.includes('authorization_code'), 'grant_types_supported must list authorization_code', {
      actual: list,
    });
    verdict.check(
      !list.includes('implicit') && !list.includes('password'),
      'OAuth 2.1 omits the implicit and password grants',
      {
        expected: 'no implicit/password',
        actual: list,
      },
    );
    const auth = body.token_endpoint_auth_methods_supported;
    verdict.check(
      Array.isArray(auth) && auth.includes('none'),
      'public MCP clients need token_endpoint_auth_method "none"',
      {
        expected: '["none", …]',
        actual: auth ?? '(absent: defaults to client_secret_basic)',
      },
    );
  },
);

defineCheck(
  {
    id: 'DISC-11',
    title: 'advertises a registration_endpoint (the proxy is a DCR facade)',
    level: 'MUST',
    quote:
      "registration_endpoint OPTIONAL. URL of the authorization server's OAuth 2.0 Dynamic Client Registration endpoint [RFC7591].",
    refs: [ref.rfc(8414, '2'), ref.mcpAuth('dynamic-client-registration', 'Dynamic client registration')],
  },
  async ({ session, verdict }) => {
    const { body } = await authorizationServerMetadata(session);
    verdict.check(
      typeof body.registration_endpoint === 'string',
      'registration_endpoint is how MCP clients obtain a client_id here',
      {
        expected: 'a URL',
        actual: body.registration_endpoint ?? '(absent)',
      },
    );
  },
);

defineCheck(
  {
    id: 'DISC-12',
    title: 'advertises client_id_metadata_document_supported',
    level: 'SHOULD',
    quote: 'MCP clients and authorization servers SHOULD support OAuth Client ID Metadata Documents',
    refs: [ref.mcpAuth('client-id-metadata-documents', 'Client ID metadata documents')],
    revisions: since('2025-11-25'),
  },
  async ({ session, verdict }) => {
    const { body } = await authorizationServerMetadata(session);
    verdict.equal(body.client_id_metadata_document_supported, true, 'client_id_metadata_document_supported');
  },
);

defineCheck(
  {
    id: 'DISC-15',
    title: 'every discovery URL an MCP client tries that answers returns the same issuer',
    level: 'MUST',
    quote:
      'For issuer URLs with path components (e.g., https://auth.example.com/tenant1), clients MUST try endpoints in the following priority order',
    refs: [ref.mcpAuth('authorization-server-metadata-discovery', 'AS metadata discovery')],
    revisions: since('2025-11-25'),
  },
  async ({ session, verdict }) => {
    const { issuer, describe } = await expectedIssuer(session);
    verdict.note(`issuer identifier from ${describe}`);
    const path = new URL(issuer).pathname.replace(/\/+$/, '');
    const candidates = [
      wellKnownUrl(issuer, 'oauth-authorization-server'),
      wellKnownUrl(issuer, 'openid-configuration'),
    ];
    if (path) candidates.push(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
    const found: string[] = [];
    for (const url of candidates) {
      const res = await session.http.request({ url });
      const body = jsonObject(res);
      if (res.status !== 200 || !body) continue;
      found.push(url);
      verdict.equal(body.issuer, issuer, `issuer at ${url}`);
    }
    verdict.check(found.length > 0, 'at least one discovery URL must answer', {
      expected: candidates.join(' or '),
      actual: 'none',
    });
    verdict.note(`answering: ${found.join(', ')}`);
  },
);

defineCheck(
  {
    id: 'DISC-16',
    title: 'every endpoint in the metadata uses https (loopback targets exempt)',
    level: 'MUST',
    quote: 'All authorization server endpoints MUST be served over HTTPS.',
    refs: [ref.mcpAuth('communication-security', 'Communication security')],
  },
  async ({ session, verdict }) => {
    const { body } = await authorizationServerMetadata(session);
    const endpoints = Object.entries(body).filter(
      ([k, v]) => (k.endsWith('_endpoint') || k === 'jwks_uri') && typeof v === 'string',
    );
    for (const [name, value] of endpoints) {
      const v = value as string;
      verdict.check(v.startsWith('https://') || isLoopbackUrl(v), `${name} must use https`, {
        expected: 'https://…',
        actual: v,
      });
    }
  },
);

defineCheck(
  {
    id: 'DISC-17',
    title: 'the authorization endpoint does not answer CORS requests',
    level: 'MUST',
    quote:
      'Cross-Origin Resource Sharing […] MUST NOT be supported at the Authorization Endpoint as the client does not access this endpoint directly, instead the client redirects the user agent to it.',
    refs: [ref.oauth21('Authorization Endpoint'), ref.rfc(9700, '2.6')],
  },
  async ({ session, verdict }) => {
    const { body } = await authorizationServerMetadata(session);
    const url = body.authorization_endpoint;
    if (typeof url !== 'string') return verdict.notTestable('no authorization_endpoint');
    const res = await session.http.request({ url, headers: { origin: 'https://attacker.example' } });
    const acao = res.headers.get('access-control-allow-origin');
    verdict.check(acao === null, 'Cross-Origin Resource Sharing must not be supported at the authorization endpoint', {
      expected: 'no Access-Control-Allow-Origin',
      actual: acao,
    });
  },
);

/**
 * RFC 8414 §2: "token_endpoint_auth_methods_supported OPTIONAL. JSON array containing a list of client authentication
 * methods supported by this token endpoint." A list, not a wish: a secret-based method (client_secret_basic,
 * client_secret_post) is supported only if some client can hold a secret, and on a proxy whose clients register
 * themselves that means registration grants it. The sentence carries no keyword, so a method no client can use is an
 * interoperability defect (a client picks it from the metadata and its registration fails): a warning. Each
 * advertised secret method is registered for (with the suite's loopback redirect URI, as a native client); refused,
 * or answered with another method or without a secret, it is advertised in vain. A refusal naming the redirect URI
 * (invalid_redirect_uri) is not about the method: not testable.
 */
defineCheck(
  {
    id: 'DISC-18',
    title: 'every secret-based token endpoint auth method advertised can be registered',
    level: 'SHOULD',
    quote:
      'token_endpoint_auth_methods_supported OPTIONAL. JSON array containing a list of client authentication methods supported by this token endpoint.',
    refs: [ref.rfc(8414, '2'), ref.rfc(7591, '2')],
  },
  async ({ session, verdict }) => {
    const { body } = await authorizationServerMetadata(session);
    const methods = Array.isArray(body.token_endpoint_auth_methods_supported)
      ? body.token_endpoint_auth_methods_supported.filter(
          (m): m is string => m === 'client_secret_basic' || m === 'client_secret_post',
        )
      : [];
    if (methods.length === 0) return verdict.notApplicable('no secret-based token endpoint auth method advertised');
    if (typeof body.registration_endpoint !== 'string')
      return verdict.notApplicable('no registration_endpoint: pre-registered clients may hold secrets');
    // The redirect URI is the suite's loopback callback, as every other registration of the suite sends it: a
    // server may restrict redirect URIs (MCP authorization, Communication security: "All redirect URIs MUST be either
    // localhost or use HTTPS"; some allow loopback only), and that refusal says nothing about the auth method.
    const redirectUri = (await session.callback()).uri();
    const unjudged: string[] = [];
    for (const method of methods) {
      const res = await postRegistration(
        session,
        publicClientMetadata([redirectUri], { token_endpoint_auth_method: method }),
      );
      const client = jsonObject(res);
      // RFC 7591 §3.2.2: invalid_redirect_uri, "The value of one or more redirection URIs is invalid": the refusal is
      // about the redirect URI, not the method.
      if (res.status === 400 && errorCode(res) === 'invalid_redirect_uri') {
        unjudged.push(`${method}: ${statusAndError(res)}`);
        continue;
      }
      verdict.check(
        res.status === 201 && client?.token_endpoint_auth_method === method && typeof client.client_secret === 'string',
        `${method} is advertised, so a client must be able to register with it`,
        {
          expected: `201 with token_endpoint_auth_method=${method} and a client_secret`,
          actual: `${res.status} ${res.text.slice(0, 200)}`,
        },
      );
    }
    if (unjudged.length) {
      verdict.notTestable(
        `the registration was refused for its loopback redirect URI ${redirectUri}, not for the auth method: ${unjudged.join('; ')}`,
      );
    }
  },
);
