// A token request for a resource the user did not consent to (RES-05 at the code exchange, RT-07 at a refresh): the
// answer conforms when it refuses, or when it ignores the parameter and the token stays restricted to the consented
// resource (RFC 8707 §2.2 leaves the acceptable resources to the server). A token for the other resource, or one whose
// audience cannot be seen, is a finding at the calling check's level.
import type { Verdict } from '../model/verdict.ts';
import type { Level } from '../model/vocabulary.ts';
import { errorCode, statusAndError } from '../oauth/error-response.ts';
import { jwtPayload } from '../oauth/jwt.ts';
import { tokenSet } from '../oauth/token.ts';
import type { HttpResponse } from '../transport/http.ts';

/**
 * A token answer to a request for `other` (a resource the user did not consent to): refused, or issued but
 * restricted to `consented` (a JWT whose aud names it and not `other`), or a finding at the check's level.
 */
export function judgeForeignResourceToken(
  verdict: Verdict,
  consented: string,
  other: string,
  res: HttpResponse,
  level: Level,
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
  verdict.check(audiences.includes(consented), 'the token must stay restricted to the consented resource', {
    expected: `aud ${consented}`,
    actual: `aud ${JSON.stringify(aud)}`,
    level,
  });
  verdict.note(`the other resource was ignored: the token stays restricted to ${consented}`);
}
