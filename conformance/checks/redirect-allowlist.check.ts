// Redirect URI look-alikes at registration: hosts that look like loopback and are not, and URIs derived from each
// pattern of the allowlist the target declares (label boundaries, "." read as any character, prefixes and suffixes,
// userinfo, other schemes and ports). Each attack URI is registered, never visited.
import { defineCheck } from '../lib/check/define-check.ts';
import { ref } from '../lib/model/refs.ts';
import type { Verdict } from '../lib/model/verdict.ts';
import { errorCode, statusAndError } from '../lib/oauth/error-response.ts';
import { allowlistAttacks, LOOPBACK_LOOKALIKES } from '../lib/oauth/redirect-attacks.ts';
import { postRegistration, publicClientMetadata } from '../lib/oauth/registration.ts';
import type { CheckSession } from '../lib/session/check-session.ts';
import { isJsonContentType, type HttpResponse } from '../lib/transport/http.ts';

const CB = 'http://127.0.0.1:8976/callback';

function refused(res: HttpResponse): boolean {
  return (
    res.status === 400 &&
    isJsonContentType(res) &&
    ['invalid_redirect_uri', 'invalid_client_metadata'].includes(errorCode(res) ?? '')
  );
}

/** A registration with only `uri` changed from one that works; the control must register or nothing is proven. */
async function registersWith(session: CheckSession, verdict: Verdict, uri: string): Promise<HttpResponse> {
  const res = await postRegistration(session, publicClientMetadata([uri]));
  if (res.status >= 500) verdict.note(`${uri} → ${res.status}`);
  return res;
}

/**
 * MCP authorization, "Communication Security": "All redirect URIs MUST be either localhost or use HTTPS." A host that
 * only begins with `127.` or `localhost` (`127.0.0.1.attacker.test`, `localhost.attacker.test`) is neither: http to
 * it is http to whoever owns that name (RFC 9700 §4.1: attackers register look-alike redirect URIs; RFC 8252 §7.3:
 * the loopback redirect is `127.0.0.1`, `[::1]`, or by §8.3 `localhost`, nothing else). The same registration with
 * a true loopback URI must succeed first.
 */
defineCheck(
  {
    id: 'REDIR-10',
    title:
      'hosts that only look like loopback (127.0.0.1.attacker.test, localhost.attacker.test) are refused over http',
    level: 'MUST',
    quote: 'All redirect URIs MUST be either localhost or use HTTPS.',
    refs: [
      ref.mcpAuth('communication-security', 'Communication security'),
      ref.rfc(8252, '7.3'),
      ref.rfc(8252, '8.3'),
      ref.rfc(9700, '4.1'),
    ],
  },
  async ({ session, verdict }) => {
    const control = await registersWith(session, verdict, CB);
    if (control.status !== 201) {
      return verdict.notTestable(`a loopback redirect URI is refused too: ${statusAndError(control)}`);
    }
    const admitted: string[] = [];
    for (const uri of LOOPBACK_LOOKALIKES) {
      const res = await registersWith(session, verdict, uri);
      if (!refused(res)) admitted.push(`${uri} → ${statusAndError(res)}`);
    }
    verdict.check(admitted.length === 0, 'plain http to a host that is not loopback must be refused', {
      expected: '400 invalid_redirect_uri or invalid_client_metadata for each',
      actual: admitted.join('; '),
    });
  },
);

/**
 * The allowlist the target declares (target description `redirectUriAllowlist`) is its redirect URI registration
 * policy; RFC 9700 §4.1.1 ("Redirect URI Validation Attacks on Authorization Code Grant") describes how pattern
 * matching is attacked ("the attacker ... registers a redirect URI ... that matches the pattern", e.g. through
 * sub-domains), and §2.1 asks for exact matching: "authorization servers MUST utilize exact string matching" at the
 * authorization endpoint; a registration allowlist is the operator's own rule, not a sentence of a specification,
 * so a URI it admits against its declared meaning is a warning. For each pattern a URI it admits must register (the
 * positive path), and each derived URI that no pattern admits must be refused.
 */
defineCheck(
  {
    id: 'REDIR-11',
    title: 'URIs derived from each declared allowlist pattern that the pattern does not admit are refused',
    level: 'SHOULD',
    quote:
      'When comparing client redirection URIs against pre-registered URIs, authorization servers MUST utilize exact string matching except for port numbers in localhost redirection URIs of native apps.',
    refs: [
      ref.rfc(9700, '4.1.1'),
      ref.rfc(9700, '2.1'),
      ref.mcpSbp('redirect-uri-validation', 'Redirect URI validation'),
    ],
  },
  async ({ session, verdict }) => {
    const allowlist = session.settings.targetDescription.redirectUriAllowlist;
    if (!allowlist?.length) {
      return verdict.notApplicable(
        'declare redirectUriAllowlist in the target description (REDIR-10 probes loopback look-alikes without it)',
      );
    }
    const derived = allowlistAttacks(allowlist);
    if (derived.unreadable.length) verdict.note(`patterns the suite cannot read: ${derived.unreadable.join(', ')}`);
    const controls: string[] = [];
    for (const { pattern, uri } of derived.admitted) {
      const res = await registersWith(session, verdict, uri);
      if (res.status !== 201) controls.push(`${uri} (for ${pattern}) → ${statusAndError(res)}`);
    }
    if (controls.length === derived.admitted.length) {
      return verdict.notTestable(`no URI the allowlist admits registers: ${controls.join('; ')}`);
    }
    if (controls.length) verdict.note(`URIs the declared allowlist admits that were refused: ${controls.join('; ')}`);
    const admitted: string[] = [];
    for (const a of derived.attacks) {
      const res = await registersWith(session, verdict, a.uri);
      if (!refused(res)) admitted.push(`${a.uri} (${a.why}, pattern ${a.pattern}) → ${statusAndError(res)}`);
    }
    verdict.note(`${derived.attacks.length} URIs derived from ${allowlist.length} patterns`);
    if (admitted.length) {
      verdict.warn('URIs outside the declared allowlist must be refused', {
        expected: '400 invalid_redirect_uri or invalid_client_metadata for each',
        actual: admitted.join('; '),
      });
    }
  },
);
