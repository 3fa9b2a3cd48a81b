// The token endpoint's responses: success shape, no-store, error format and codes, client authentication, and
// invalid_client with 401 (conformance/requirements.md, TOKEN-*).
import { authorizationCode, sharedFlow } from '../lib/browser/flow.ts';
import { defineCheck } from '../lib/check/define-check.ts';
import { ref } from '../lib/model/refs.ts';
import { endpoint } from '../lib/oauth/discovery.ts';
import { errorCode, statusAndError } from '../lib/oauth/error-response.ts';
import { randomToken } from '../lib/oauth/pkce.ts';
import { publicClientMetadata, registerClient, type RegisteredClient } from '../lib/oauth/registration.ts';
import { clientAuth, postToken, tokenSet } from '../lib/oauth/token.ts';
import { isJsonContentType, jsonObject } from '../lib/transport/http.ts';
const ERROR_CODES = [
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target',
];

defineCheck(
  {
    id: 'TOKEN-01',
    title: 'a token response is JSON with access_token, token_type Bearer and expires_in',
    level: 'MUST',
    quote:
      'access_token REQUIRED. The access token issued by the authorization server. token_type REQUIRED. The type of the token issued as described in Section 7.1.',
    refs: [ref.oauth21('Token Response'), ref.rfc(6749, '5.1')],
  },
  async ({ session, verdict }) => {
    const { tokenResponse, tokens } = await sharedFlow(session);
    verdict.check(isJsonContentType(tokenResponse), 'content type must be application/json', {
      actual: tokenResponse.headers.get('content-type'),
    });
    verdict.check(/^bearer$/i.test(tokens.token_type ?? ''), 'token_type is REQUIRED', {
      expected: 'Bearer',
      actual: tokens.token_type ?? '(absent)',
    });
    if (tokens.expires_in === undefined) verdict.warn('expires_in is RECOMMENDED', { actual: '(absent)' });
    else if (tokens.expires_in > 86_400)
      verdict.warn('access tokens SHOULD be short-lived (SEC-03)', {
        expected: '≤ 86400 s',
        actual: tokens.expires_in,
      });
  },
);

defineCheck(
  {
    id: 'TOKEN-02',
    title: 'responses carrying tokens are Cache-Control: no-store',
    level: 'MUST',
    quote:
      'The authorization server MUST include the HTTP Cache-Control response header field […] with a value of no-store in any response containing tokens, credentials, or other sensitive information.',
    refs: [ref.oauth21('Token Response'), ref.rfc(6749, '5.1')],
  },
  async ({ session, verdict }) => {
    const { tokenResponse } = await sharedFlow(session);
    verdict.check(
      /no-store/i.test(tokenResponse.headers.get('cache-control') ?? ''),
      'Cache-Control must contain no-store',
      {
        expected: 'no-store',
        actual: tokenResponse.headers.get('cache-control') ?? '(none)',
      },
    );
    if (!/no-cache/i.test(tokenResponse.headers.get('pragma') ?? ''))
      verdict.warn('RFC 6749 also asks for Pragma: no-cache', { level: 'MAY' });
  },
);

defineCheck(
  {
    id: 'TOKEN-03',
    title: 'errors are 400 JSON with a defined error code (invalid_grant, unsupported_grant_type, invalid_request)',
    level: 'MUST',
    quote:
      'The authorization server responds with an HTTP 400 (Bad Request) status code (unless specified otherwise) and includes the following parameters with the response: error REQUIRED. A single ASCII [USASCII] error code from the following:',
    refs: [ref.oauth21('Error Response (token endpoint)'), ref.rfc(6749, '5.2')],
  },
  async ({ session, verdict }) => {
    const flow = await sharedFlow(session);
    const auth = clientAuth(flow.client);
    const cases: [string, Record<string, string>, string][] = [
      [
        'an unknown code',
        {
          grant_type: 'authorization_code',
          code: randomToken(),
          code_verifier: flow.verifier,
          redirect_uri: flow.redirectUri,
          ...auth.form,
        },
        'invalid_grant',
      ],
      [
        'grant_type=password',
        { grant_type: 'password', username: 'alice', password: 'x', ...auth.form },
        'unsupported_grant_type',
      ],
      ['an unknown grant_type', { grant_type: 'urn:conformance:unknown', ...auth.form }, 'unsupported_grant_type'],
      ['no grant_type', { code: randomToken(), ...auth.form }, 'invalid_request'],
    ];
    for (const [what, form, code] of cases) {
      const res = await postToken(session, form, auth.headers);
      verdict.check(
        res.status === 400 && isJsonContentType(res) && errorCode(res) === code,
        `${what} must be refused`,
        {
          expected: `400 JSON ${code}`,
          actual: statusAndError(res),
        },
      );
      const body = jsonObject(res) ?? {};
      const desc = body.error_description;
      if (typeof desc === 'string' && !/^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/.test(desc)) {
        verdict.warn('error_description must use %x20-21 / %x23-5B / %x5D-7E', { actual: desc });
      }
      if (!/no-store/i.test(res.headers.get('cache-control') ?? ''))
        verdict.warn(`${what}: error responses should be no-store too`, { level: 'MAY' });
      verdict.check(ERROR_CODES.includes(errorCode(res) ?? ''), 'error must be a registered code', {
        actual: errorCode(res),
      });
    }
  },
);

/**
 * OAuth 2.1 "Token Endpoint": "Request and response parameters defined by this specification MUST NOT be included
 * more than once." A complete, valid code exchange with the code twice: the duplicate is the one deviation. (A token
 * request by GET is TOKEN-10, as a complete exchange: a GET with a made-up code proved nothing, since the code alone
 * was reason enough to refuse it.)
 */
defineCheck(
  {
    id: 'TOKEN-04',
    title: 'a code exchange with a duplicated code parameter issues no tokens (invalid_request)',
    level: 'MUST',
    quote: 'Request and response parameters defined by this specification MUST NOT be included more than once.',
    refs: [ref.oauth21('Token Endpoint'), ref.rfc(6749, '3.2')],
  },
  async ({ session, verdict }) => {
    const flow = await authorizationCode(session);
    const auth = clientAuth(flow.client);
    const res = await postToken(
      session,
      [
        ['grant_type', 'authorization_code'],
        ['code', flow.code],
        ['code', flow.code],
        ['code_verifier', flow.verifier],
        ['redirect_uri', flow.redirectUri],
        ...Object.entries(auth.form),
      ],
      auth.headers,
    );
    verdict.check(!tokenSet(res), 'a request with the code twice must not issue tokens', {
      expected: '400 invalid_request',
      actual: statusAndError(res),
    });
    if (errorCode(res) !== 'invalid_request')
      verdict.warn('duplicated parameters are invalid_request', {
        expected: 'invalid_request',
        actual: errorCode(res),
      });
  },
);

/**
 * OAuth 2.1 "Client Authentication": "the authorization server MUST support the client including the client
 * credentials in the request body" (client_secret_post); RFC 6749 §2.3.1: "The authorization server MUST support the
 * HTTP Basic authentication scheme for authenticating clients that were issued a client password" (client_secret_basic).
 * Each leg uses a client registered for that method: RFC 7591 §2 token_endpoint_auth_method is the "Requested
 * authentication method for the token endpoint", and an authorization server that holds a client to the method it
 * registered (refusing Basic from a client_secret_post client) is right to. A wrong secret: RFC 6749 §5.2
 * invalid_client, and with Basic "MUST respond with an HTTP 401 ... and include the WWW-Authenticate response header".
 */
defineCheck(
  {
    id: 'TOKEN-05',
    title: 'confidential clients authenticate with client_secret_post and basic; a wrong secret is 401 invalid_client',
    level: 'MUST',
    quote:
      'To support confidential clients in possession of a client secret, the authorization server MUST support the client including the client credentials in the request body content',
    refs: [ref.oauth21('Client Authentication'), ref.rfc(6749, '2.3.1'), ref.rfc(6749, '5.2'), ref.rfc(7591, '2')],
  },
  async ({ session, verdict }) => {
    const callback = await session.callback();
    const clients: Partial<Record<'post' | 'basic', RegisteredClient>> = {};
    for (const mode of ['post', 'basic'] as const) {
      const method = `client_secret_${mode}`;
      const client = await registerClient(
        session,
        publicClientMetadata([callback.uri()], { token_endpoint_auth_method: method }),
      );
      if (!client.client_secret) {
        if (mode === 'post') return verdict.notApplicable('the proxy registers public clients only');
        verdict.fail(`a client asking for ${method} got no client secret`, {
          expected: `token_endpoint_auth_method ${method} with a client_secret`,
          actual: `token_endpoint_auth_method ${client.token_endpoint_auth_method} without a secret`,
        });
      }
      // A response without the member leaves the requested method in force here (DCR-07 reports the omission).
      const inForce = client.raw.token_endpoint_auth_method ?? method;
      verdict.check(inForce === method, `the proxy must support ${method} for a client that registers it`, {
        expected: method,
        actual: inForce,
      });
      clients[mode] = client;
      const flow = await authorizationCode(session, { client });
      const auth = clientAuth(client, mode);
      const form = {
        grant_type: 'authorization_code',
        code: flow.code,
        code_verifier: flow.verifier,
        redirect_uri: flow.redirectUri,
      };
      const res = await postToken(session, { ...form, ...auth.form }, auth.headers);
      verdict.check(Boolean(tokenSet(res)), `${method} must work for a client registered with it`, {
        expected: '200 with tokens',
        actual: statusAndError(res),
      });
    }
    const basic = clients.basic;
    if (!basic?.client_secret) return verdict.notTestable('no client_secret_basic client to test a wrong secret with');
    const flow = await authorizationCode(session, { client: basic });
    const wrong = clientAuth({ ...basic, client_secret: `${basic.client_secret}x` }, 'basic');
    const res = await postToken(
      session,
      {
        grant_type: 'authorization_code',
        code: flow.code,
        code_verifier: flow.verifier,
        redirect_uri: flow.redirectUri,
      },
      wrong.headers,
    );
    verdict.equal(statusAndError(res), '401 invalid_client', 'a wrong secret via HTTP Basic');
    verdict.check(
      res.headers.get('www-authenticate') !== null,
      'a 401 for Basic credentials must carry WWW-Authenticate',
      {
        actual: '(no header)',
      },
    );
  },
);

/**
 * RFC 6749 §5.2, invalid_client: "Client authentication failed (e.g., unknown client, no client authentication
 * included, or unsupported authentication method). […] If the client attempted to authenticate via the
 * "Authorization" request header field, the authorization server MUST respond with an HTTP 401 (Unauthorized) status
 * code and include the "WWW-Authenticate" response header field". The sentence binds an invalid_client answer. An
 * unknown client presenting a real code of another client may as rightly be answered invalid_grant (the code "was
 * issued to another client"): then the rule is not observable (not applicable). Tokens, or any other answer, fail.
 */
defineCheck(
  {
    id: 'TOKEN-06',
    title: 'an unknown client authenticating with HTTP Basic gets 401 invalid_client with WWW-Authenticate',
    level: 'MUST',
    quote:
      'If the client attempted to authenticate via the "Authorization" request header field, the authorization server MUST respond with an HTTP 401 (Unauthorized) status code and include the "WWW-Authenticate" response header field matching the authentication scheme used by the client.',
    refs: [ref.rfc(6749, '5.2'), ref.oauth21('Error Response (token endpoint)')],
  },
  async ({ session, verdict }) => {
    // A real code, verifier and redirect URI, so that the client is the deviation (with a made-up code, refusing the
    // code first would have been as right as refusing the client). The code is still another client's, and RFC 6749
    // §4.1.3 sets no order between authenticating the client and checking the code.
    const flow = await authorizationCode(session);
    const basic = Buffer.from(`conformance-unknown:${randomToken()}`).toString('base64');
    const res = await postToken(
      session,
      {
        grant_type: 'authorization_code',
        code: flow.code,
        code_verifier: flow.verifier,
        redirect_uri: flow.redirectUri,
        resource: session.settings.mcp,
      },
      { authorization: `Basic ${basic}` },
    );
    verdict.check(!tokenSet(res), 'an unknown client must not be issued tokens', { actual: statusAndError(res) });
    // RFC 6749 §5.2 invalid_grant: the code "was issued to another client". Judging the grant before the client is
    // as right, and the quoted sentence binds only an invalid_client answer: it cannot be observed here.
    if (statusAndError(res) === '400 invalid_grant') {
      return verdict.notApplicable(
        'the target judged the grant before the client (400 invalid_grant: the code was issued to another client), so the 401 rule for invalid_client cannot be observed',
      );
    }
    // RFC 6749 §5.2 invalid_client: "If the client attempted to authenticate via the "Authorization" request header
    // field, the authorization server MUST respond with an HTTP 401 (Unauthorized) status code and include the
    // "WWW-Authenticate" response header field".
    verdict.equal(statusAndError(res), '401 invalid_client', 'unknown client with Basic credentials');
    verdict.check(res.headers.get('www-authenticate') !== null, 'WWW-Authenticate is required with the 401', {
      actual: '(no header)',
    });
  },
);

/**
 * RFC 6749 §3.2: "The client MUST use the HTTP "POST" method when making access token requests." (OAuth 2.1 "Token
 * Endpoint" keeps the sentence.) The rule binds the client, so a server that redeems a code sent by GET breaks no
 * MUST of its own; but it invites codes and verifiers into URLs, logs and Referer headers (RFC 9700 §4.2), so it is a
 * warning. The request is a complete, valid code exchange in every other respect (the same code then works by POST,
 * so the refusal was about the method). A 5xx is never a refusal.
 */
defineCheck(
  {
    id: 'TOKEN-10',
    title: 'a complete code exchange sent by GET issues no tokens (and the code then works by POST)',
    level: 'SHOULD',
    quote: 'The client MUST use the HTTP "POST" method when making access token requests.',
    refs: [ref.rfc(6749, '3.2'), ref.oauth21('Token Endpoint'), ref.rfc(9700, '4.2')],
  },
  async ({ session, verdict }) => {
    const flow = await authorizationCode(session);
    const url = new URL(await endpoint(session, 'token_endpoint'));
    const params: Record<string, string> = {
      grant_type: 'authorization_code',
      code: flow.code,
      redirect_uri: flow.redirectUri,
      code_verifier: flow.verifier,
      resource: session.settings.mcp,
      client_id: flow.client.client_id,
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const get = await session.http.request({
      method: 'GET',
      url: url.toString(),
      headers: { accept: 'application/json' },
    });
    const post = await postToken(session, params);
    if (!tokenSet(get)) {
      if (!tokenSet(post)) verdict.note(`the same exchange by POST failed too: ${statusAndError(post)}`);
      return;
    }
    verdict.fail('a token request sent by GET was answered with tokens', {
      expected: '405 (or 400), no tokens',
      actual: `${get.status} with an access_token`,
    });
  },
);
