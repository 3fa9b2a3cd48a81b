// Fair verdicts at the token and resource endpoints on proxies built differently from the reference: the suite runs end
// to end against the configurable peer target (fixtures/peer-target.ts) and must judge each behaviour as the
// specifications do. A negative probe changes one thing against a request that works; a failure names what happened.
import { describe, expect, it } from 'vitest';
import { check, outcomes, runPeer as run } from './fixtures/run-peer.ts';

describe('fair verdicts at the token endpoint', () => {
  it('gives every negative probe its own code on a server that spends the code before authenticating the client', async () => {
    // Better Auth: the code is looked up, spent and matched to the client_id before the client is authenticated
    // (RFC 6749 §4.1.3 sets no order), a wrong code_verifier is 401 invalid_request, and FastMCP-like registration
    // takes loopback redirect URIs only. False verdicts before: CLIENT-04 "served without its credentials" (the
    // wrong-secret probe met the code the first probe had spent: invalid_grant, no token issued), CLIENT-01 passing
    // the confidential types without testing the verifier, TOKEN-06 failing an invalid_grant that RFC 6749 §5.2
    // allows, DISC-18 blaming the auth method for a refused https redirect URI.
    const report = await run(
      { secretClients: 'code-first', wrongVerifierError: 'invalid_request', loopbackRedirectsOnly: true },
      '\\b(CLIENT-0[1-4]|TOKEN-06|DISC-18) ',
    );
    expect(outcomes(report)).toEqual({
      'CLIENT-01': 'fail',
      'CLIENT-02': 'pass',
      'CLIENT-03': 'pass',
      'CLIENT-04': 'pass',
      'DISC-18': 'pass',
      'TOKEN-06': 'not_applicable',
    });
    // Refused without tokens for all three types, and the message says so rather than "redeemed".
    expect(check(report, 'CLIENT-01').message).toBe(
      'a missing or wrong code_verifier was refused (no tokens), but not with the error RFC 7636 §4.6 names for 3 client type(s)',
    );
    expect(check(report, 'CLIENT-01').actual).toContain(
      'client_secret_post: a wrong code_verifier → 401 invalid_request',
    );
    expect(check(report, 'TOKEN-06').message).toMatch(/judged the grant before the client/);
  });

  it('fails an error code that differs without claiming tokens were issued, and passes the 401 challenge', async () => {
    const report = await run(
      { secretClients: 'authenticate-first', noRefreshTokens: true },
      '\\b(CLIENT-0[2-4]|TOKEN-06) ',
    );
    // CLIENT-03 passed before with no refresh token to bind; TOKEN-06 is judged where invalid_client comes first.
    expect(outcomes(report)).toEqual({
      'CLIENT-02': 'pass',
      'CLIENT-03': 'not_applicable',
      'CLIENT-04': 'pass',
      'TOKEN-06': 'pass',
    });
  });
});

describe('fair verdicts on access token lifetimes', () => {
  it('allows a resource server a small clock leeway past expires_in when no lifetime is declared', async () => {
    // RFC 7519 §4.1.4 "some small leeway": the reference itself accepts a token 5 s past expiry. Failed before.
    const report = await run({ accessTokenSeconds: 2, bearerLeewaySeconds: 3 }, '\\bLIFE-02 ');
    expect(check(report, 'LIFE-02').outcome).toBe('pass');
    expect(check(report, 'LIFE-02').notes.join('\n')).toMatch(/refused \d+ s after it: a clock leeway of \d+ to \d+ s/);
  });

  it('does not pass a token that never expires, and does not fail it without a declared lifetime', async () => {
    const report = await run({ accessTokenSeconds: 2, bearerLeewaySeconds: 3600 }, '\\bLIFE-02 ');
    expect(check(report, 'LIFE-02')).toMatchObject({
      outcome: 'warning',
      message: expect.stringMatching(/outlived expires_in by more than 30 s.*declare accessTokenTtlSeconds/),
    });
  });
});
