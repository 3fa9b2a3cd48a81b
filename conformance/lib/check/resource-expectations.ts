// A token request for a resource the user did not consent to (RES-05 at the code exchange, RT-07 at a refresh): the
// answer conforms when it refuses, or when it ignores the parameter and the token stays restricted to the consented
// resource (RFC 8707 §2.2 leaves the acceptable resources to the server). A token for the other resource, or one whose
// audience cannot be seen, is a finding at the calling check's level. "Restricted to the consented resource" means the
// MCP resource in aud, or no audience beyond the one the server already gives a token of the consented grant: a server
// whose tokens name, say, its origin has not widened anything by ignoring the other resource, and whether aud should
// name the MCP resource itself is RES-03's question (a SHOULD), not this one's.
import type { Verdict } from '../model/verdict.ts';
import type { Level } from '../model/vocabulary.ts';
import { errorCode, statusAndError } from '../oauth/error-response.ts';
import { jwtPayload } from '../oauth/jwt.ts';
import { tokenSet } from '../oauth/token.ts';
import type { HttpResponse } from '../transport/http.ts';

/**
 * A token answer to a request for `other` (a resource the user did not consent to): refused, or issued but
 * restricted to `consented` (a JWT whose aud names it, or no more than `consentedToken`'s aud, and not `other`), or a
 * finding at the check's level. `consentedToken`: an access token the server issued for the consented resource.
 */
export function judgeForeignResourceToken(
  verdict: Verdict,
  consented: string,
  other: string,
  res: HttpResponse,
  level: Level,
  consentedToken?: string,
): void {
  const tokens = tokenSet(res);
  if (!tokens) {
    verdict.check(res.status >= 400 && res.status < 500, 'the request for another resource must be refused', {
      expected: '400 invalid_target',
      actual: statusAndError(res),
      level,
    });
    if (errorCode(res) !== 'invalid_target')
      verdict.warn('RFC 8707 §2 names invalid_target for an unacceptable resource', {
        expected: 'invalid_target',
        actual: errorCode(res),
      });
    return;
  }
  const aud = jwtPayload(tokens.access_token)?.aud;
  if (aud === undefined) {
    verdict.fail(
      'a token was issued for a resource the user did not consent to (opaque: its audience cannot be seen)',
      {
        expected: `400 invalid_target, or a token restricted to ${consented}`,
        actual: statusAndError(res),
        level,
      },
    );
  }
  const audiences = Array.isArray(aud) ? aud : [aud];
  verdict.check(!audiences.includes(other), 'a token was issued for a resource the user did not consent to', {
    expected: `400 invalid_target, or aud ${consented}`,
    actual: `200, aud ${JSON.stringify(aud)}`,
    level,
  });
  const consentedAud = consentedToken === undefined ? undefined : jwtPayload(consentedToken)?.aud;
  const asConsented = consentedAud === undefined ? [] : Array.isArray(consentedAud) ? consentedAud : [consentedAud];
  const unchanged = asConsented.length > 0 && audiences.every((a) => asConsented.includes(a));
  verdict.check(
    audiences.includes(consented) || unchanged,
    'the token must stay restricted to the consented resource',
    {
      expected: `aud ${consented}${asConsented.length ? ` (or no more than the consented token's ${JSON.stringify(consentedAud)})` : ''}`,
      actual: `aud ${JSON.stringify(aud)}`,
      level,
    },
  );
  verdict.note(
    audiences.includes(consented)
      ? `the other resource was ignored: the token stays restricted to ${consented}`
      : `the other resource was ignored: the token keeps the audience of the consented grant's token, ${JSON.stringify(consentedAud)} (whether that names the MCP resource is RES-03's question)`,
  );
}
