// Every token endpoint rule for every kind of client the target offers: PKCE verification, code binding, refresh
// binding and client authentication, for public clients and for confidential ones (client_secret_basic and
// client_secret_post). The other checks of these rules use a public client; a proxy that relaxes a rule for
// confidential clients ("they authenticate, so…") passes them all. The types come from the metadata and the
// registration answers (lib/oauth/client-types.ts); a type the target does not offer is left out, and a target that
// offers none of them makes these checks not testable.
import { authorizationCode, completedFlow, exchangeCode, type CompletedFlow } from '../lib/browser/flow.ts';
import { defineCheck } from '../lib/check/define-check.ts';
import { ref } from '../lib/model/refs.ts';
import type { Verdict } from '../lib/model/verdict.ts';
import { offeredClientTypes, type OfferedClientType } from '../lib/oauth/client-types.ts';
import { errorCode, statusAndError } from '../lib/oauth/error-response.ts';
import { newVerifier } from '../lib/oauth/pkce.ts';
import { clientAuth, postToken, refreshGrant, tokenSet } from '../lib/oauth/token.ts';
import type { CheckSession } from '../lib/session/check-session.ts';
import type { HttpResponse } from '../lib/transport/http.ts';

/** The positive path of a type: a client of it completes a flow (memoised per worker and type). */
function typeFlow(session: CheckSession, t: OfferedClientType): Promise<CompletedFlow> {
  return session.memo(`client-type-flow:${t.type}`, () => completedFlow(session, { client: t.a }));
}

/**
 * What a probe saw: nothing wrong (undefined), a broken rule (`served`: tokens were issued, else only the error
 * answer differs from the one the rule names), or a type the probe could not judge.
 */
type ProbeResult = undefined | { broken: string; served: boolean } | { untested: string };

/** A refused or served probe answer, judged against the one error the rule names. */
function refusedWith(res: HttpResponse, expected: string, what: string): ProbeResult {
  if (tokenSet(res)) return { broken: `${what} → ${statusAndError(res)} with tokens`, served: true };
  return statusAndError(res) === expected ? undefined : { broken: `${what} → ${statusAndError(res)}`, served: false };
}

/**
 * Runs `probe` for every offered type whose positive path works, and fails once with every type that broke the rule.
 * The message says what happened: `what.served` only where a type issued tokens, `what.misanswered` where every
 * offending answer was a refusal with another error than the rule names (no token issued).
 */
async function forEveryType(
  session: CheckSession,
  verdict: Verdict,
  what: { served: string; misanswered: string },
  probe: (t: OfferedClientType, flow: CompletedFlow) => Promise<ProbeResult>,
  filter: (t: OfferedClientType) => boolean = () => true,
): Promise<void> {
  const survey = await offeredClientTypes(session);
  const types = survey.offered.filter(filter);
  if (survey.notOffered.length) verdict.note(`not offered: ${survey.notOffered.join('; ')}`);
  if (types.length === 0) verdict.notApplicable(`the target offers no client type this rule applies to`);
  const broken: { type: string; seen: string; served: boolean }[] = [];
  const untested: string[] = [];
  for (const t of types) {
    const flow = await typeFlow(session, t).catch((err: unknown) => err);
    if (!(flow && typeof flow === 'object' && 'tokens' in flow)) {
      untested.push(`${t.type}: ${flow instanceof Error ? flow.message : String(flow)}`);
      continue;
    }
    const seen = await probe(t, flow as CompletedFlow);
    if (seen && 'untested' in seen) untested.push(`${t.type}: ${seen.untested}`);
    else if (seen) broken.push({ type: t.type, seen: seen.broken, served: seen.served });
  }
  verdict.note(`client types tested: ${types.map((t) => t.type).join(', ')}`);
  if (broken.length) {
    const served = broken.filter((b) => b.served).length;
    const misanswered = broken.length - served;
    const message = [
      ...(served ? [`${what.served} for ${served} client type(s)`] : []),
      ...(misanswered ? [`${what.misanswered} for ${misanswered} client type(s)`] : []),
    ].join('; ');
    verdict.fail(message, { actual: broken.map((b) => `${b.type}: ${b.seen}`).join('; ') });
  }
  if (untested.length) verdict.notTestable(`not judged for ${untested.length} client type(s): ${untested.join('; ')}`);
}

/**
 * OAuth 2.1 §4.1.3 (Token Request): the authorization server MUST "verify that the code_verifier parameter is present
 * if and only if a code_challenge parameter was present in the authorization request" and "if there was a
 * code_challenge in the authorization request associated with the authorization code, ensure that the correct
 * code_verifier is present". Nothing there depends on the client type; §7.5.1: PKCE protects confidential clients
 * against code injection too. RFC 7636 §4.6: "If the values are not equal, an error response indicating
 * "invalid_grant" as described in Section 4.1.3 MUST be returned."
 * Each probe redeems a code of its own: §4.1.3 sets no order among the server's duties, so a server may spend a code
 * on a refused attempt, and a second probe on it would meet a spent code rather than the verifier it is about.
 */
defineCheck(
  {
    id: 'CLIENT-01',
    title: 'PKCE is verified for every client type: a wrong or missing code_verifier is refused',
    level: 'MUST',
    quote:
      'the authorization server MUST: […] verify that the code_verifier parameter is present if and only if a code_challenge parameter was present in the authorization request',
    refs: [ref.oauth21('Token Request (authorization code)'), ref.rfc(7636, '4.6'), ref.rfc(6749, '2.1')],
  },
  async ({ session, verdict }) => {
    const what = {
      served: 'a code was redeemed without its code_verifier',
      misanswered:
        'a missing or wrong code_verifier was refused (no tokens), but not with the error RFC 7636 §4.6 names',
    };
    await forEveryType(session, verdict, what, async (t) => {
      const first = await authorizationCode(session, { client: t.a });
      const missing = await exchangeCode(session, first, { code_verifier: undefined });
      if (tokenSet(missing))
        return { broken: `no code_verifier → ${statusAndError(missing)} with tokens`, served: true };
      // OAuth 2.1 §4.1.3 names no error for a missing verifier: any 400 refusal keeps the rule.
      if (missing.status !== 400) return { broken: `no code_verifier → ${statusAndError(missing)}`, served: false };
      const second = await authorizationCode(session, { client: t.a });
      const wrong = await exchangeCode(session, second, { code_verifier: newVerifier() });
      return refusedWith(wrong, '400 invalid_grant', 'a wrong code_verifier');
    });
  },
);

/**
 * OAuth 2.1 §4.1.3: the authorization server MUST "ensure that the authorization code was issued to the
 * authenticated confidential client, or if the client is public, ensure that the code was issued to client_id in
 * the request". Client B authenticates as itself (its own credentials); the code is A's. RFC 6749 §5.2 names the
 * refusal: invalid_grant, "was issued to another client".
 */
defineCheck(
  {
    id: 'CLIENT-02',
    title: "the code is bound to its client for every client type: client B cannot redeem client A's code",
    level: 'MUST',
    quote:
      'the authorization server MUST: […] ensure that the authorization code was issued to the authenticated confidential client, or if the client is public, ensure that the code was issued to client_id in the request',
    refs: [ref.oauth21('Token Request (authorization code)'), ref.rfc(6749, '4.1.3'), ref.rfc(6749, '5.2')],
  },
  async ({ session, verdict }) => {
    const what = {
      served: "another client redeemed a client's code",
      misanswered: "another client's attempt on a client's code was refused (no tokens), but not with invalid_grant",
    };
    await forEveryType(session, verdict, what, async (t) => {
      const flow = await authorizationCode(session, { client: t.a });
      return refusedWith(await exchangeCode(session, flow, {}, t.b), '400 invalid_grant', "B presenting A's code");
    });
  },
);

/**
 * OAuth 2.1 §4.3.1 (Refresh Token Grant): the authorization server MUST "validate the refresh token" and "ensure
 * that the refresh token was issued to the authenticated client" (RFC 6749 §6: "the refresh token is bound to the
 * client to which it was issued"). A target that issues no client type a refresh token has nothing to bind: not
 * applicable.
 */
defineCheck(
  {
    id: 'CLIENT-03',
    title: "refresh tokens are bound to their client for every client type: client B cannot refresh A's token",
    level: 'MUST',
    quote:
      'the authorization server MUST: […] if client authentication is included in the request, ensure that the refresh token was issued to the authenticated client, OR if a client_id is included in the request, ensure the refresh token was issued to the matching client',
    refs: [ref.oauth21('Refresh Token Grant'), ref.rfc(6749, '6')],
  },
  async ({ session, verdict }) => {
    const what = {
      served: "another client used a client's refresh token",
      misanswered:
        "another client's attempt on a client's refresh token was refused (no tokens), but not with invalid_grant",
    };
    let probed = 0;
    await forEveryType(session, verdict, what, async (t, flow) => {
      const rt = flow.tokens.refresh_token;
      if (!rt) {
        verdict.note(`${t.type}: no refresh token issued`);
        return undefined;
      }
      probed += 1;
      return refusedWith(await refreshGrant(session, t.b, rt), '400 invalid_grant', "B presenting A's refresh token");
    });
    if (probed === 0) verdict.notApplicable('no client type was issued a refresh token');
  },
);

/**
 * RFC 6749 §3.2.1: "Confidential clients or other clients issued client credentials MUST authenticate with the
 * authorization server as described in Section 2.3 when making requests to the token endpoint." A confidential client
 * that leaves its credentials out altogether (client_id alone, as a public client sends it), or sends a wrong secret
 * by its registered method, is refused with invalid_client (RFC 6749 §5.2), for the code grant and for refresh alike.
 * Every probe changes one thing against a request that works: each negative probe redeems a code (or refresh token)
 * of its own, since §4.1.3 sets no order between authenticating the client and checking the code, and a server may
 * spend the code on a refused attempt; the same request with the credentials, on a fresh code, then succeeds, so the
 * refusals were about the credentials. The refresh leg refreshes with the credentials first (the control), then
 * presents the refresh token that answer leaves live without them.
 */
defineCheck(
  {
    id: 'CLIENT-04',
    title: 'confidential clients must authenticate: omitted or wrong credentials are invalid_client (code and refresh)',
    level: 'MUST',
    quote:
      'Confidential clients or other clients issued client credentials MUST authenticate with the authorization server as described in Section 2.3 when making requests to the token endpoint.',
    refs: [ref.rfc(6749, '3.2.1'), ref.rfc(6749, '2.3.1'), ref.rfc(6749, '5.2'), ref.oauth21('Client Authentication')],
  },
  async ({ session, verdict }) => {
    const what = {
      served: 'a confidential client was served without its credentials',
      misanswered:
        'a confidential client without its credentials (or with a wrong secret) was refused (no tokens), but not with invalid_client',
    };
    const codeGrant = async (t: OfferedClientType): Promise<Record<string, string>> => {
      const flow = await authorizationCode(session, { client: t.a });
      return {
        grant_type: 'authorization_code',
        code: flow.code,
        redirect_uri: flow.redirectUri,
        code_verifier: flow.verifier,
        resource: session.settings.mcp,
      };
    };
    const invalidClient = (res: HttpResponse, probe: string): ProbeResult => {
      if (tokenSet(res)) return { broken: `${probe} → ${statusAndError(res)} with tokens`, served: true };
      return errorCode(res) === 'invalid_client'
        ? undefined
        : { broken: `${probe} → ${statusAndError(res)}`, served: false };
    };
    await forEveryType(
      session,
      verdict,
      what,
      async (t) => {
        const none = await postToken(session, { ...(await codeGrant(t)), client_id: t.a.client_id });
        const noneSeen = invalidClient(none, 'code exchange without credentials');
        if (noneSeen) return noneSeen;
        const wrongAuth = clientAuth({ ...t.a, client_secret: `${t.a.client_secret ?? ''}x` });
        const wrong = await postToken(session, { ...(await codeGrant(t)), ...wrongAuth.form }, wrongAuth.headers);
        const wrongSeen = invalidClient(wrong, 'code exchange with a wrong secret');
        if (wrongSeen) return wrongSeen;
        // The control: the same request with the right credentials, on a fresh code.
        const auth = clientAuth(t.a);
        const control = await postToken(session, { ...(await codeGrant(t)), ...auth.form }, auth.headers);
        const good = tokenSet(control);
        if (!good)
          return { untested: `the same code exchange with the credentials failed too: ${statusAndError(control)}` };
        if (!good.refresh_token) return undefined;
        const refresh = { grant_type: 'refresh_token', resource: session.settings.mcp };
        const refreshed = await postToken(
          session,
          { ...refresh, refresh_token: good.refresh_token, ...auth.form },
          auth.headers,
        );
        const live = tokenSet(refreshed);
        if (!live) {
          verdict.note(
            `${t.type}: refresh with the credentials failed (${statusAndError(refreshed)}); refresh not probed`,
          );
          return undefined;
        }
        // Rotated or not, the refresh token this answer leaves live has been used by nothing else.
        const rt = live.refresh_token ?? good.refresh_token;
        const rtNone = await postToken(session, { ...refresh, refresh_token: rt, client_id: t.a.client_id });
        return invalidClient(rtNone, 'refresh without credentials');
      },
      (t) => t.type !== 'none',
    );
  },
);
