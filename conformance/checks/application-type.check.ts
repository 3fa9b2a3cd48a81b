// application_type at registration (MCP 2026-07-28 "Application Type and Redirect URI Constraints", SEP-837, and the
// OpenID Connect Registration rules it points to): what a server registers is what it says it registered, and web
// clients are kept off loopback redirect URIs. DCR-16 (native + loopback registers) is in registration.check.ts.
// Ids, levels and quoted sentences: conformance/requirements.md.
import { defineCheck } from '../lib/check/define-check.ts';
import { ref } from '../lib/model/refs.ts';
import { since } from '../lib/model/vocabulary.ts';
import { statusAndError } from '../lib/oauth/error-response.ts';
import { postRegistration, publicClientMetadata } from '../lib/oauth/registration.ts';
import { jsonObject } from '../lib/transport/http.ts';

const APPLICATION_TYPE = ref.mcpAuthPage(
  '2026-07-28',
  'client-registration',
  'application-type-and-redirect-uri-constraints',
  'Application type and redirect URI constraints',
);

/**
 * RFC 7591 §3.2.1: "The authorization server MUST return all registered metadata about this client". A server that
 * registers application_type (rather than ignoring it, which MCP allows non-OIDC servers) must echo the value it
 * registered: the one the client sent. Each kind of client is tried where the server accepts it: native with a loopback
 * redirect, web with an https one, native with a claimed https redirect (RFC 8252 §7.2; OIDC-strict servers refuse it).
 */
defineCheck(
  {
    id: 'DCR-19',
    title: 'a registered application_type is echoed as the client sent it',
    level: 'MUST',
    quote:
      'The authorization server MUST return all registered metadata about this client, including any fields provisioned by the authorization server itself.',
    refs: [ref.rfc(7591, '3.2.1'), APPLICATION_TYPE],
    revisions: since('2026-07-28'),
  },
  async ({ session, verdict }) => {
    const loopback = (await session.callback()).uri();
    const variants: Array<[string, string[]]> = [
      ['native', [loopback]],
      ['web', ['https://web.conformance.test/callback']],
      ['native', ['https://native.conformance.test/callback']],
    ];
    let accepted = 0;
    let echoed = 0;
    for (const [type, uris] of variants) {
      const res = await postRegistration(session, publicClientMetadata(uris, { application_type: type }));
      if (res.status !== 201) {
        verdict.note(`application_type ${type} with ${uris[0]}: not registered (${statusAndError(res)})`);
        continue;
      }
      accepted += 1;
      const registered = jsonObject(res)?.application_type;
      if (registered === undefined) continue;
      echoed += 1;
      verdict.equal(registered, type, `application_type registered for a ${type} client with ${uris[0]}`);
    }
    if (accepted === 0) return verdict.notTestable('no registration with application_type was accepted');
    if (echoed === 0) return verdict.notApplicable('the server does not register application_type (it may ignore it)');
  },
);

/**
 * OpenID Connect Registration 1.0 §2: "Authorization Servers MAY reject Redirection URI values using the http scheme,
 * other than the loopback case for Native Clients." (For web clients using the implicit grant it is a MUST NOT; for
 * the code grant a server may refuse it all the same: a web application is served from a remote host.)
 */
defineCheck(
  {
    id: 'DCR-20',
    title: 'a web client cannot register a loopback http redirect URI',
    level: 'MAY',
    quote:
      'Authorization Servers MAY reject Redirection URI values using the http scheme, other than the loopback case for Native Clients.',
    refs: [ref.oidcRegistration('ClientMetadata', 'application_type'), APPLICATION_TYPE],
    revisions: since('2026-07-28'),
  },
  async ({ session, verdict }) => {
    const res = await postRegistration(
      session,
      publicClientMetadata([(await session.callback()).uri()], { application_type: 'web' }),
    );
    verdict.check(res.status === 400, 'a web client with a loopback http redirect URI is refused', {
      expected: '400 invalid_redirect_uri (or invalid_client_metadata)',
      actual: statusAndError(res),
    });
  },
);
