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

/** The positive path of a type: a client of it completes a flow (memoised per worker and type). */
function typeFlow(session: CheckSession, t: OfferedClientType): Promise<CompletedFlow> {
  return session.memo(`client-type-flow:${t.type}`, () => completedFlow(session, { client: t.a }));
}

/**
 * Runs `probe` for every offered type whose positive path works, and fails once with every type that broke the rule
 * (`probe` returns what it saw, or undefined when the type kept the rule).
 */
async function forEveryType(
  session: CheckSession,
  verdict: Verdict,
  what: string,
  probe: (t: OfferedClientType, flow: CompletedFlow) => Promise<string | undefined>,
  filter: (t: OfferedClientType) => boolean = () => true,
): Promise<void> {
  const survey = await offeredClientTypes(session);
  const types = survey.offered.filter(filter);
  if (survey.notOffered.length) verdict.note(`not offered: ${survey.notOffered.join('; ')}`);
  if (types.length === 0) verdict.notApplicable(`the target offers no client type this rule applies to`);
  const broken: string[] = [];
  const untested: string[] = [];
  for (const t of types) {
    const flow = await typeFlow(session, t).catch((err: unknown) => err);
    if (!(flow && typeof flow === 'object' && 'tokens' in flow)) {
      untested.push(`${t.type}: ${flow instanceof Error ? flow.message : String(flow)}`);
      continue;
    }
    const seen = await probe(t, flow as CompletedFlow);
    if (seen !== undefined) broken.push(`${t.type}: ${seen}`);
  }
  verdict.note(`client types tested: ${types.map((t) => t.type).join(', ')}`);
  if (broken.length) verdict.fail(`${what} for ${broken.length} client type(s)`, { actual: broken.join('; ') });
  if (untested.length) verdict.notTestable(`a client of this type cannot complete a flow: ${untested.join('; ')}`);
}

/**
 * OAuth 2.1 §4.1.3 (Token Request): the authorization server MUST "verify that the code_verifier parameter is present
 * if and only if a code_challenge parameter was present in the authorization request" and "if there was a
 * code_challenge in the authorization request associated with the authorization code, ensure that the correct
 * code_verifier is present". Nothing there depends on the client type; §7.5.1: PKCE protects confidential clients
 * against code injection too. RFC 7636 §4.6: "If the values are not equal, an error response indicating
 * "invalid_grant" as described in Section 4.1.3 MUST be returned."
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
    await forEveryType(session, verdict, 'a code was redeemed without its code_verifier', async (t) => {
      const flow = await authorizationCode(session, { client: t.a });
      const missing = await exchangeCode(session, flow, { code_verifier: undefined });
      if (tokenSet(missing) || missing.status !== 400) return `no code_verifier → ${statusAndError(missing)}`;
      const wrong = await exchangeCode(session, flow, { code_verifier: newVerifier() });
      if (statusAndError(wrong) !== '400 invalid_grant') return `a wrong code_verifier → ${statusAndError(wrong)}`;
      return undefined;
    });
  },
);

/**
 * OAuth 2.1 §4.1.3: the authorization server MUST "ensure that the authorization code was issued to the
 * authenticated confidential client, or if the client is public, ensure that the code was issued to client_id in
 * the request". Client B authenticates as itself (its own credentials); the code is A's.
 */
defineCheck(
  {
    id: 'CLIENT-02',
    title: "the code is bound to its client for every client type: client B cannot redeem client A's code",
    level: 'MUST',
    quote:
      'the authorization server MUST: […] ensure that the authorization code was issued to the authenticated confidential client, or if the client is public, ensure that the code was issued to client_id in the request',
    refs: [ref.oauth21('Token Request (authorization code)'), ref.rfc(6749, '4.1.3')],
  },
  async ({ session, verdict }) => {
    await forEveryType(session, verdict, "another client redeemed a client's code", async (t) => {
      const flow = await authorizationCode(session, { client: t.a });
      const res = await exchangeCode(session, flow, {}, t.b);
      return statusAndError(res) === '400 invalid_grant' ? undefined : `B presenting A's code → ${statusAndError(res)}`;
    });
  },
);

/**
 * OAuth 2.1 §4.3.1 (Refresh Token Grant): the authorization server MUST "validate the refresh token" and "ensure
 * that the refresh token was issued to the authenticated client" (RFC 6749 §6: "the refresh token is bound to the
 * client to which it was issued").
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
    await forEveryType(session, verdict, "another client used a client's refresh token", async (t, flow) => {
      const rt = flow.tokens.refresh_token;
      if (!rt) {
        verdict.note(`${t.type}: no refresh token issued`);
        return undefined;
      }
      const res = await refreshGrant(session, t.b, rt);
      return statusAndError(res) === '400 invalid_grant'
        ? undefined
        : `B presenting A's refresh token → ${statusAndError(res)}`;
    });
  },
);

/**
 * RFC 6749 §3.2.1: "Confidential clients or other clients issued client credentials MUST authenticate with the
 * authorization server as described in Section 2.3 when making requests to the token endpoint." A confidential client
 * that leaves its credentials out altogether (client_id alone, as a public client sends it), or sends a wrong secret
 * by its registered method, is refused with invalid_client (RFC 6749 §5.2), for the code grant and for refresh alike;
 * the same requests with the credentials then succeed, so the refusal is about the credentials and nothing else.
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
    await forEveryType(
      session,
      verdict,
      'a confidential client was served without its credentials',
      async (t) => {
        const flow = await authorizationCode(session, { client: t.a });
        const grant = {
          grant_type: 'authorization_code',
          code: flow.code,
          redirect_uri: flow.redirectUri,
          code_verifier: flow.verifier,
          resource: session.settings.mcp,
        };
        const none = await postToken(session, { ...grant, client_id: t.a.client_id });
        if (errorCode(none) !== 'invalid_client') return `code exchange without credentials → ${statusAndError(none)}`;
        const wrongAuth = clientAuth({ ...t.a, client_secret: `${t.a.client_secret ?? ''}x` });
        const wrong = await postToken(session, { ...grant, ...wrongAuth.form }, wrongAuth.headers);
        if (errorCode(wrong) !== 'invalid_client')
          return `code exchange with a wrong secret → ${statusAndError(wrong)}`;
        const auth = clientAuth(t.a);
        const good = tokenSet(await postToken(session, { ...grant, ...auth.form }, auth.headers));
        if (!good) {
          verdict.note(`${t.type}: the code did not survive the refused attempts; refresh not probed`);
          return undefined;
        }
        if (!good.refresh_token) return undefined;
        const refresh = {
          grant_type: 'refresh_token',
          refresh_token: good.refresh_token,
          resource: session.settings.mcp,
        };
        const rtNone = await postToken(session, { ...refresh, client_id: t.a.client_id });
        if (errorCode(rtNone) !== 'invalid_client') return `refresh without credentials → ${statusAndError(rtNone)}`;
        return undefined;
      },
      (t) => t.type !== 'none',
    );
  },
);
