// Verdicts on proxies built differently from the reference: a small configurable target (fixtures/peer-target.ts)
// behaves the way other people's proxies do, and the suite, run end to end against it (Chromium included), must
// judge each behaviour as the specifications do. Each case names the false verdict it guards against.
import { describe, expect, it } from 'vitest';
import type { FixtureOptions } from './fixtures/peer-target.ts';
import { check, outcomes, runPeer as run } from './fixtures/run-peer.ts';

describe('fair verdicts on proxies built differently', () => {
  it('drives a login-first proxy whose consent page posts JSON by script, and reads its JSON answers to fetch()', async () => {
    // Better Auth: sign-in page ("Continue with …") before the consent page, decisions by fetch, and
    // 200 {"redirect":true,"url":…} to requests that are not navigations. False verdicts before: the sign-in page
    // taken for the consent page (CONSENT-03 fail, AUTHZ-04 not testable), the JSON taken for an error page
    // (AUTHZ-01, REDIR-01, REDIR-05 fail), CONSENT-09 not testable for want of a form.
    const report = await run(
      { consent: 'fetch', loginFirst: true, jsonForFetch: true },
      '\\b(PKCE-01|AUTHZ-01|AUTHZ-04|AUTHZ-06|CONSENT-03|CONSENT-05|CONSENT-09|REDIR-01|REDIR-05) ',
    );
    expect(outcomes(report)).toEqual({
      'AUTHZ-01': 'pass',
      'AUTHZ-04': 'pass',
      'AUTHZ-06': 'not_applicable',
      'CONSENT-03': 'pass',
      'CONSENT-05': 'pass',
      'CONSENT-09': 'pass',
      'PKCE-01': 'pass',
      'REDIR-01': 'pass',
      'REDIR-05': 'pass',
    });
  });

  it('recognises consent controls in other languages, with labels inside spans', async () => {
    const report = await run(
      { approveLabel: '<span class="icon">✓</span> <span>Zulassen</span>', denyLabel: '<span>Ablehnen</span>' },
      '\\b(PKCE-01|AUTHZ-04|CONSENT-03) ',
    );
    expect(outcomes(report)).toEqual({ 'PKCE-01': 'pass', 'AUTHZ-04': 'pass', 'CONSENT-03': 'pass' });
  });

  it('reports consent controls it cannot find once, as one root cause naming the target description keys', async () => {
    const fixture: FixtureOptions = { approveLabel: 'Ruhusu', denyLabel: 'Kataa' };
    const grep = '\\b(PKCE-01|AUTHZ-02|AUTHZ-04|CONSENT-03|CONSENT-08) ';
    const report = await run(fixture, grep);
    expect(new Set(Object.values(outcomes(report)))).toEqual(new Set(['not_testable']));
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]?.summary).toMatch(/configure selectors \(target description consent\.\*\)/);
    expect(report.findings[0]?.checks).toHaveLength(5);
    const configured = await run(fixture, grep, {
      target: { consent: { approveSelector: 'button[value=approve]', denySelector: 'button[value=deny]' } },
    });
    expect(new Set(Object.values(outcomes(configured)))).toEqual(new Set(['pass']));
  });

  it('fails a deny control that only navigates back: the client never hears access_denied', async () => {
    const report = await run({ deny: 'history-back' }, '\\bAUTHZ-04 ');
    expect(check(report, 'AUTHZ-04')).toMatchObject({
      outcome: 'fail',
      message: 'the client never received access_denied after the user denied',
    });
  });

  it('reads the resource metadata where the 401 challenge points, and judges that document', async () => {
    // dotdo: metadata only at the root well-known URL, found through the challenge, naming the issuer as resource.
    // Before: PRM-03 failed for the missing path-inserted URL and PRM-04..07 and ISS-04 were not testable, while the
    // real defect (resource ≠ the MCP URL the client called, RFC 9728 §3.3) went unreported.
    const report = await run({ prmAtRootNamingIssuer: true }, '\\b(PRM-0[2-7]|ISS-04|DISC-06) ');
    expect(outcomes(report)).toEqual({
      'DISC-06': 'pass',
      'ISS-04': 'pass',
      'PRM-02': 'pass',
      'PRM-03': 'not_applicable',
      'PRM-04': 'pass',
      'PRM-06': 'fail',
      'PRM-07': 'pass',
    });
    expect(check(report, 'PRM-06').actual).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('never takes a 5xx for a refusal', async () => {
    const report = await run({ serverErrorWithoutPkce: true }, '\\bPKCE-02 ');
    expect(check(report, 'PKCE-02')).toMatchObject({ outcome: 'fail' });
    expect(check(report, 'PKCE-02').message).toMatch(/answered 500 to GET \/authorize/);
  });

  it('does not pass a negative check whose positive path fails for the same client', async () => {
    // Revocation that revokes nothing for anyone made REV-03 pass; DCR-09 never sent an explicit null.
    const report = await run({ revocationIgnored: true, nullRedirectUrisAccepted: true }, '\\b(REV-03|DCR-09) ');
    expect(outcomes(report)).toEqual({ 'REV-03': 'not_testable', 'DCR-09': 'fail' });
    expect(check(report, 'DCR-09').message).toMatch(/"redirect_uris": null/);
  });

  it('fails a pass-through proxy that hands the upstream code and tokens to the client', async () => {
    // The MCP SDK's ProxyOAuthServerProvider with a pre-registered upstream app: no consent page, no cookies, the
    // client's redirect_uri/state/challenge forwarded. Before: UP-03 not testable (no upstream code seen on a
    // navigation back to the proxy), CONSENT-04 failed for a cookie problem it does not have.
    const report = await run({ passThrough: true }, '\\b(UP-0[1-4]|CONSENT-04|CONSENT-05) ', {
      upstream: 'harness-github',
    });
    expect(outcomes(report)).toEqual({
      'CONSENT-04': 'not_applicable',
      'CONSENT-05': 'fail',
      'UP-01': 'fail',
      'UP-02': 'fail',
      'UP-03': 'fail',
      'UP-04': 'fail',
    });
  });

  it('judges a remembered consent only while it lasts: never a pass once the approval may have expired', async () => {
    // CONSENT-04 tampers with the cookie of a remembered approval, CONSENT-01 asks for client B in the same browser.
    // False verdict before: with a consent lifetime shorter than the flows took (the project's CI, loaded), the
    // question came back because the approval had expired, and both checks passed a proxy that does not check its
    // cookie's MAC, or whose approval of A lets B through.
    const grep = '\\b(CONSENT-01|CONSENT-04) ';
    const unsigned = await run({ rememberConsentSeconds: 60, rememberUnsigned: true }, grep);
    expect(outcomes(unsigned)).toEqual({ 'CONSENT-01': 'pass', 'CONSENT-04': 'fail' });
    const anyClient = await run({ rememberConsentSeconds: 60, rememberAnyClient: true }, grep);
    expect(outcomes(anyClient)).toEqual({ 'CONSENT-01': 'fail', 'CONSENT-04': 'pass' });
    // No lifetime declared: the untouched cookie, put back after the tampered one was refused, shows it is still good.
    const signed = await run({ rememberConsentSeconds: 60 }, grep);
    expect(outcomes(signed)).toEqual({ 'CONSENT-01': 'pass', 'CONSENT-04': 'pass' });
    expect(check(signed, 'CONSENT-04').notes).toContain('the untouched cookies, put back, still skip the consent page');
    // A declared lifetime of 1 s, both defects at once: each check either catches its defect (the approval was still
    // remembered when it tried) or finds that it may have expired (not testable); which of the two depends on how
    // fast the flows ran, never a pass.
    const expired = await run({ rememberConsentSeconds: 1, rememberUnsigned: true, rememberAnyClient: true }, grep, {
      target: { consentCookieTtlSeconds: 1 },
    });
    expect(['not_testable', 'fail']).toContain(check(expired, 'CONSENT-01').outcome);
    expect(['not_testable', 'fail']).toContain(check(expired, 'CONSENT-04').outcome);
  });
});
