// The proxy's consent page, driven in Chromium: what it shows, that hostile names stay inert, CSRF, anti-framing,
// cookies, per-client approval, deny, and no upstream contact before approval (conformance/requirements.md, CONSENT-*).
import { captureDecisionRequest, replayDecision } from '../lib/browser/consent-decision.ts';
import { anotherConsentForm, pendingConsent, postConsentForm } from '../lib/browser/consent-form.ts';
import { crossSiteOrigin, postFromAnotherSite } from '../lib/browser/cross-site-post.ts';
import { authorize, releaseFlow, NO_CONSENT_PAGE } from '../lib/browser/flow.ts';
import { callbackOrigin, findApproveButton } from '../lib/browser/page-actions.ts';
import { defineCheck } from '../lib/check/define-check.ts';
import { ref } from '../lib/model/refs.ts';
import { randomToken } from '../lib/oauth/pkce.ts';
import { newClient } from '../lib/oauth/registration.ts';
import { scopeToRequest } from '../lib/oauth/scope.ts';
import type { CheckSession } from '../lib/session/check-session.ts';
import { safeOrigin } from '../lib/transport/url.ts';

/**
 * The age of an approval against the consent lifetime the target declares (consentCookieTtlSeconds), started before
 * the approval (an upper bound on the age of whatever it remembers). A consent page that comes back once the approval
 * may have expired proves nothing by itself (CONSENT-01, CONSENT-04).
 */
function approvalClock(session: CheckSession) {
  const since = Date.now();
  const ttl = session.settings.targetDescription.consentCookieTtlSeconds;
  const age = () => Math.ceil((Date.now() - since) / 1000);
  return { ttl, age, mayHaveExpired: () => ttl !== undefined && age() >= ttl };
}

/** X-Frame-Options DENY/SAMEORIGIN or CSP frame-ancestors 'none'/'self'. */
function framingProtected(headers: Record<string, string>): boolean {
  const xfo = (headers['x-frame-options'] ?? '').toUpperCase();
  const csp = headers['content-security-policy'] ?? '';
  return xfo === 'DENY' || xfo === 'SAMEORIGIN' || /frame-ancestors\s+('none'|'self')\s*(;|$)/i.test(csp);
}

defineCheck(
  {
    id: 'CONSENT-03',
    title: 'the consent page names the client, the redirect host and the requested scopes',
    level: 'MUST',
    quote:
      'The MCP-level consent page MUST: […] Clearly identify the requesting MCP client by name […] Display the specific third-party API scopes being requested […] Show the registered redirect_uri where tokens will be sent',
    refs: [ref.mcpSbp('consent-ui-requirements', 'Consent UI requirements'), ref.oauth21('Consent Phishing')],
  },
  async ({ session, verdict }) => {
    const name = `Conformance Consent ${randomToken(6)}`;
    const client = await newClient(session, { client_name: name });
    const flow = await authorize(session, { client, decision: 'stop' });
    try {
      if (!flow.page) return verdict.notTestable('no consent page was shown', NO_CONSENT_PAGE);
      const text = (await flow.page.textContent('body')) ?? '';
      verdict.check(text.includes(name), 'the client name must be shown', {
        expected: name,
        actual: text.replace(/\s+/g, ' ').slice(0, 200),
      });
      // The hostname alone identifies the destination only when it is not also the proxy's own (both are
      // 127.0.0.1 in a loopback test run, where the page names the proxy's host anyway): then the port must be there.
      const redirect = new URL(flow.redirectUri);
      const sameHostAsTarget = redirect.hostname === new URL(session.settings.target).hostname;
      const shown = [flow.redirectUri, redirect.host, ...(sameHostAsTarget ? [] : [redirect.hostname])];
      verdict.check(
        shown.some((s) => text.includes(s)),
        'the redirect URI (or its host) must be shown',
        { expected: shown.join(' or '), actual: text.replace(/\s+/g, ' ').slice(0, 200) },
      );
      const scope = await scopeToRequest(session);
      for (const s of (scope ?? '').split(' ').filter(Boolean))
        verdict.check(text.includes(s), `requested scope ${s} must be shown`, { actual: text.slice(0, 200) });
      if (!scope) verdict.note('no scope requested (the resource advertises none): scope display not exercised');
    } finally {
      releaseFlow(session, flow);
    }
  },
);

defineCheck(
  {
    id: 'CONSENT-08',
    title: 'a hostile client_name is shown as inert text',
    level: 'MUST',
    quote: 'The MCP-level consent page MUST: […] Clearly identify the requesting MCP client by name',
    refs: [ref.mcpSbp('consent-ui-requirements', 'Consent UI requirements'), ref.rfc(7591, '5')],
  },
  async ({ session, verdict }) => {
    const hostile = `<img src=x onerror="window.__conformance=1"><script>window.__conformance=1</script><b id="conformance-injected">x</b>`;
    const client = await newClient(session, { client_name: hostile });
    const flow = await authorize(session, { client, decision: 'stop' });
    try {
      if (!flow.page) return verdict.notTestable('no consent page was shown', NO_CONSENT_PAGE);
      const executed = await flow.page.evaluate(() => (window as unknown as { __conformance?: number }).__conformance);
      verdict.check(executed === undefined, 'script in client_name must not run', {
        expected: 'no script execution',
        actual: 'window.__conformance set',
      });
      const injected = await flow.page.locator('#conformance-injected').count();
      verdict.equal(injected, 0, 'elements injected through client_name');
    } finally {
      releaseFlow(session, flow);
    }
  },
);

/**
 * MCP security best practices, "Consent UI Requirements": the consent page "MUST implement CSRF protection". For a
 * consent *form*, its CSRF field is altered and removed, and each submission must be refused. A consent decision a
 * page script sends (fetch/XHR, no form to tamper with) is replayed as a cross-site forgery would send it: with a
 * foreign Origin and Sec-Fetch-Site: cross-site. Refused: the server checks where requests come from. Accepted: the
 * defence can only be the browser's SameSite enforcement, which holds when every cookie of the proxy is SameSite Lax
 * or Strict (a cross-site POST carries none of them); otherwise nothing stops the forgery.
 */
defineCheck(
  {
    id: 'CONSENT-09',
    title: 'a consent submission with a missing or altered CSRF token is refused',
    level: 'MUST',
    quote: 'The MCP-level consent page MUST: […] Implement CSRF protection (e.g., state parameter, CSRF tokens)',
    refs: [ref.mcpSbp('consent-ui-requirements', 'CSRF protection'), ref.rfc(9700, '2.1')],
  },
  async ({ session, verdict }) => {
    const client = await newClient(session);
    const context = await (await session.browser()).newContext();
    try {
      const first = await pendingConsent(session, client, context);
      const form1 = first.form;
      if (!form1) {
        const approve = await findApproveButton(first.page, session);
        const decision = approve ? await captureDecisionRequest(first.page, approve, session.targetOrigin) : undefined;
        if (!decision) {
          return verdict.notTestable(
            'the approve control is neither in a form nor sends a request the suite can capture: name the consent form with consent.approveSelector',
          );
        }
        verdict.note(`the consent decision is sent by a script: ${decision.method} ${new URL(decision.url).pathname}`);
        const forged = await replayDecision(context, decision, {
          origin: 'https://attacker.example',
          'sec-fetch-site': 'cross-site',
        });
        const control = await replayDecision(context, decision, {
          origin: session.targetOrigin,
          'sec-fetch-site': 'same-origin',
        });
        if (!forged.approved) {
          if (!control.approved)
            return verdict.notTestable(
              `the decision request cannot be replayed at all (${control.summary}): its CSRF defence is not observable`,
            );
          return;
        }
        const cookies = session.upstreamSignIn.targetCookies(await context.cookies(session.targetOrigin));
        const unprotected = cookies.filter((c) => c.sameSite === 'None').map((c) => c.name);
        verdict.check(unprotected.length === 0, 'a cross-site replay of the consent decision must be refused', {
          expected: 'refused, or only SameSite=Lax/Strict cookies (a cross-site POST then carries none)',
          actual: `${forged.summary}; SameSite=None cookies: ${unprotected.join(', ')}`,
        });
        verdict.note(
          `accepted from a foreign Origin: the defence is SameSite (${cookies.map((c) => `${c.name}=${c.sameSite}`).join(', ') || 'no cookies'})`,
        );
        return;
      }
      const form2 = await anotherConsentForm(session, client, context);
      if (!form2) return verdict.notTestable('a second consent page for the control submission was not shown');
      if (!form1.csrfField) {
        return verdict.fail(
          'no CSRF token field in the consent form (name it with consent.csrfField if it has another name)',
          { actual: form1.fields.map(([k]) => k).join(', ') },
        );
      }
      for (const variant of ['altered', 'missing'] as const) {
        const fields = form1.fields
          .filter(([k]) => variant === 'altered' || k !== form1.csrfField)
          .map(([k, v]): [string, string] =>
            k === form1.csrfField ? [k, `${v.slice(0, -2)}${v.endsWith('AA') ? 'BB' : 'AA'}`] : [k, v],
          );
        const res = await postConsentForm(context, form1.action, fields);
        verdict.check(!res.approved, `a submission with the CSRF token ${variant} must be refused`, {
          expected: '4xx',
          actual: res.summary,
        });
      }
      // The refusals prove the CSRF check only if an untouched form of the same client is accepted.
      const control = await postConsentForm(context, form2.action, form2.fields);
      if (!control.approved)
        verdict.notTestable(
          `an untouched consent form replayed the same way is not accepted either (${control.summary}): the refusals prove nothing`,
        );
    } finally {
      await context.close();
    }
  },
);

/**
 * MCP security best practices, "Consent UI Requirements": the consent page "MUST implement CSRF protection"; the
 * attack it stops is the confused deputy's forced approval ("Confused Deputy Problem"): an attacker opens a consent
 * page for their own client, copies its form, and makes the victim's browser submit it from the attacker's site. The
 * victim's browser (which has used the target before, so it holds whatever session the target keeps) loads a page on
 * another site that auto-submits the copied form; Chromium sends it as every browser would (Origin of the attacker,
 * Sec-Fetch-Site: cross-site, SameSite applied to the victim's cookies). Approved means the victim's browser was sent
 * on to the upstream sign-in, or the attacker's client received a code; a refusal page, an error redirect or a fresh
 * consent page for the victim to answer are refusals. The positive path: such a form, posted by the attacker's own
 * browser, is accepted (else the refusal proves nothing).
 */
defineCheck(
  {
    id: 'CONSENT-21',
    title: "another site cannot make the victim's browser approve the attacker's pending authorization",
    level: 'MUST',
    quote: 'The MCP-level consent page MUST: […] Implement CSRF protection (e.g., state parameter, CSRF tokens)',
    refs: [
      ref.mcpSbp('consent-ui-requirements', 'CSRF protection'),
      ref.mcpSbp('confused-deputy-problem', 'Confused deputy problem'),
      ref.rfc(9700, '4.7'),
    ],
  },
  async ({ session, verdict }) => {
    const attackerClient = await newClient(session);
    const browser = await session.browser();
    const attacker = await browser.newContext();
    const victim = await browser.newContext();
    try {
      // The victim has used the target before: its browser holds the target's session cookies, if it keeps any.
      const own = await authorize(session, { context: victim });
      if (!own.hit?.params.get('code')) return verdict.notTestable("the victim's own authorization did not complete");
      const { form } = await pendingConsent(session, attackerClient, attacker);
      if (!form) {
        // A decision sent by a page script cannot be auto-submitted by another site as a form; CONSENT-09 replays it
        // with a foreign Origin and Sec-Fetch-Site: cross-site and judges the refusal.
        return verdict.notApplicable(
          'the consent decision is sent by a page script, not a form: CONSENT-09 replays it cross-site',
        );
      }
      const callback = await session.callback();
      const forged = await postFromAnotherSite(
        victim,
        crossSiteOrigin(session.targetOrigin, callback.port),
        form.action,
        form.fields,
      );
      // Instrumented, the upstream's origin is known; against an external target any origin but the target's, the
      // attacker's page's and the client's is taken for the upstream sign-in.
      const harness = session.settings.harness;
      const upstream = harness ? safeOrigin(harness.idpUrl) : undefined;
      const approvedBy = forged.hops.find((hop) => {
        const origin = safeOrigin(hop.url);
        if (origin === callbackOrigin(callback.port)) return new URL(hop.url).searchParams.has('code');
        if (upstream) return origin === upstream;
        return origin !== session.targetOrigin && origin !== forged.attackerOrigin;
      });
      verdict.check(
        approvedBy === undefined,
        "a cross-site submission of the attacker's consent form must be refused",
        {
          expected: 'refused: an error page, an error redirect, or a consent page for the victim to answer',
          actual: `accepted: the victim's browser went on to ${approvedBy?.url.split('?')[0] ?? ''}`,
        },
      );
      // The positive path: a form like it, from the attacker's own browser (its cookies, no foreign Origin). A second
      // pending authorization, since a target may spend the first on the refused attempt.
      const form2 = await anotherConsentForm(session, attackerClient, attacker);
      if (!form2) return verdict.notTestable('a second consent page for the control submission was not shown');
      const control = await postConsentForm(attacker, form2.action, form2.fields);
      if (approvedBy === undefined && !control.approved) {
        verdict.notTestable(
          `the form is not accepted from the attacker's own browser either (${control.summary}): the refusal proves nothing`,
        );
      }
    } finally {
      await attacker.close();
      await victim.close();
    }
  },
);

/**
 * MCP security best practices, "Consent UI Requirements": the consent page "MUST implement clickjacking protections
 * (e.g., X-Frame-Options: DENY or CSP frame-ancestors)"; RFC 9700 §4.16: authorization servers "MUST prevent
 * clickjacking attacks" on pages that take user input. Framing is a property of HTML pages: an error answered as
 * JSON (or plain text) renders nothing to click and is not checked. The error page is the one /authorize shows for an
 * unknown client (a navigation, as a browser sends it).
 */
defineCheck(
  {
    id: 'CONSENT-06',
    title: 'consent and error pages forbid framing (X-Frame-Options or CSP frame-ancestors)',
    level: 'MUST',
    quote:
      'The MCP-level consent page MUST: […] Prevent iframing via frame-ancestors CSP directive or X-Frame-Options: DENY to prevent clickjacking',
    refs: [ref.rfc(9700, '4.16'), ref.mcpSbp('consent-ui-requirements', 'Prevent iframing')],
  },
  async ({ session, verdict }) => {
    const flow = await authorize(session, { client: await newClient(session), decision: 'stop' });
    releaseFlow(session, flow);
    const page = flow.consentPage;
    if (!page) return verdict.notTestable('no consent page was shown', NO_CONSENT_PAGE);
    verdict.check(framingProtected(page.headers), 'the consent page must forbid framing', {
      expected: "X-Frame-Options: DENY or frame-ancestors 'none'",
      actual: `XFO=${page.headers['x-frame-options'] ?? '(none)'} CSP=${page.headers['content-security-policy'] ?? '(none)'}`,
    });
    const error = await session.http.request({
      url: `${flow.authorizeUrl.split('?')[0]}?client_id=conformance-unknown&response_type=code`,
      navigation: true,
    });
    const type = error.headers.get('content-type') ?? '';
    if (!/html/i.test(type)) {
      verdict.note(`the error answer is ${type || 'untyped'}, not an HTML page: nothing to frame`);
      return;
    }
    const headers = Object.fromEntries([...error.headers.entries()]);
    verdict.check(framingProtected(headers), 'the error page must forbid framing too', {
      actual: `XFO=${headers['x-frame-options'] ?? '(none)'}`,
    });
  },
);

/**
 * MCP security best practices, "Consent Cookie Security": consent cookies "MUST use the __Host- prefix", be "Secure,
 * HttpOnly, SameSite=Lax", be "cryptographically signed" and "bound to the specific client_id". Applies to a proxy
 * that shows a consent page (the cookies set around it); one that never asks has no consent to remember, and its
 * missing consent is CONSENT-05's finding. Tampering is tested when a second authorization skips the question: the
 * tampered cookies must bring a question back (the consent page, or a sign-in page that voids the session). A
 * remembered consent also ends with its lifetime, so a question that comes back after the declared
 * consentCookieTtlSeconds proves nothing by itself: the untouched cookies are then put back and must still skip it.
 */
defineCheck(
  {
    id: 'CONSENT-04',
    title: 'consent cookies are HttpOnly, SameSite, Secure/__Host- on https, and tampering voids them',
    level: 'MUST',
    quote:
      'If using cookies to track consent decisions, they MUST: […] Use __Host- prefix for cookie names […] Set Secure, HttpOnly, and SameSite=Lax attributes […] Be cryptographically signed or use server-side sessions […] Bind to the specific client_id (not just "user has consented")',
    refs: [ref.mcpSbp('consent-cookie-security', 'Consent cookie security')],
  },
  async ({ session, verdict }) => {
    const client = await newClient(session);
    const context = await (await session.browser()).newContext();
    const { ttl, age, mayHaveExpired } = approvalClock(session);
    try {
      const flow = await authorize(session, { client, context });
      if (!flow.consentShown) {
        return verdict.notApplicable(
          'no consent page was shown, so there is no consent to remember in a cookie (CONSENT-05 reports the missing consent)',
        );
      }
      if (!flow.hit?.params.get('code')) return verdict.notTestable('the approval flow did not complete');
      const https = session.targetOrigin.startsWith('https:');
      const jar = session.upstreamSignIn.targetCookies(await context.cookies(session.targetOrigin), flow.navigations);
      const headerCookies = flow.navigations
        .filter((n) => safeOrigin(n.url) === session.targetOrigin)
        .flatMap((n) => n.setCookies);
      // The jar says what the browser kept (attributes parsed by Chromium); Set-Cookie headers add cookies set and
      // cleared during the flow. Headers may be incomplete (flow.ts), the jar never is.
      const cookies = new Map<string, { httpOnly: boolean; sameSite: string; secure: boolean }>();
      for (const c of jar) cookies.set(c.name, { httpOnly: c.httpOnly, sameSite: c.sameSite, secure: c.secure });
      for (const header of headerCookies) {
        const name = header.split('=')[0] ?? '';
        if (cookies.has(name) || /max-age=0|expires=thu, 01 jan 1970/i.test(header)) continue;
        cookies.set(name, {
          httpOnly: /;\s*httponly/i.test(header),
          sameSite: /;\s*samesite=strict/i.test(header) ? 'Strict' : /;\s*samesite=lax/i.test(header) ? 'Lax' : 'None',
          secure: /;\s*secure/i.test(header),
        });
      }
      for (const [name, c] of cookies) {
        verdict.check(c.httpOnly, `cookie ${name} must be HttpOnly`, { actual: `${name}: not HttpOnly` });
        verdict.check(
          c.sameSite === 'Lax' || c.sameSite === 'Strict',
          `cookie ${name} must be SameSite=Lax or Strict`,
          {
            actual: `${name}: SameSite=${c.sameSite}`,
          },
        );
        if (https) {
          verdict.check(
            c.secure && name.startsWith('__Host-'),
            `cookie ${name} must be Secure with the __Host- prefix`,
            {
              actual: `${name}: ${c.secure ? 'Secure' : 'not Secure'}`,
            },
          );
        }
      }
      if (!https) verdict.note('http target: Secure and __Host- not required on loopback');
      if (cookies.size === 0) verdict.note('no cookies set during the flow (server-side consent state)');
      const asked = async () => {
        const next = await authorize(session, { client, context, decision: 'stop', stopAtSignIn: true });
        await next.page?.close();
        return { asked: next.consentShown || next.stoppedAtSignIn === true, hit: next.hit };
      };
      const again = await asked();
      if (again.asked) {
        if (mayHaveExpired()) {
          return verdict.notTestable(
            `the second authorization came up to ${age()} s after the approval, past the declared consent lifetime (${ttl} s): whether consent is remembered could not be told`,
          );
        }
        return verdict.note('the user is asked again every time: nothing remembered, tampering not applicable');
      }
      const stored = await context.cookies(session.targetOrigin);
      // The target's cookies are tampered with; the mock IdP's stay as they are.
      const targets = new Set(session.upstreamSignIn.targetCookies(stored, flow.navigations));
      await context.clearCookies();
      await context.addCookies(
        stored.map((c) =>
          targets.has(c) ? { ...c, value: `${c.value.slice(0, -2)}${c.value.endsWith('AA') ? 'BB' : 'AA'}` } : c,
        ),
      );
      const tampered = await asked();
      verdict.check(tampered.asked && !tampered.hit, 'a tampered consent cookie must not skip consent', {
        expected: 'consent page (or a sign-in page)',
        actual: tampered.hit ? 'callback reached without consent' : 'no consent page',
      });
      if (ttl !== undefined && !mayHaveExpired()) return;
      // Asked again, but the remembered consent may have just expired (or its lifetime is not declared): the untouched
      // cookies, put back, tell whether the tampering was what brought the question back.
      await context.clearCookies();
      await context.addCookies(stored);
      const control = await asked();
      if (!control.asked) return verdict.note('the untouched cookies, put back, still skip the consent page');
      if (ttl !== undefined) {
        return verdict.notTestable(
          `the tampered cookies were tried up to ${age()} s after the approval, past the declared consent lifetime (${ttl} s), and the untouched ones no longer skip the consent page either: the tampering could not be told apart from expiry`,
        );
      }
      verdict.note(
        'the untouched cookies, put back, no longer skip the consent page either (the remembered consent expired, or the tampered attempt voided it; declare consentCookieTtlSeconds to tell)',
      );
    } finally {
      await context.close();
    }
  },
);

defineCheck(
  {
    id: 'CONSENT-01',
    title: 'approving client A does not approve client B in the same browser',
    level: 'MUST',
    quote:
      'MCP proxy servers MUST: […] Maintain a registry of approved client_id values per user […] Check this registry before initiating the third-party authorization flow',
    refs: [
      ref.mcpSbp('confused-deputy-problem', 'Per-client consent'),
      ref.mcpAuth('confused-deputy-problem', 'Confused deputy'),
    ],
  },
  async ({ session, verdict }) => {
    const context = await (await session.browser()).newContext();
    const clientA = await newClient(session);
    const clientB = await newClient(session);
    const { ttl, age, mayHaveExpired } = approvalClock(session);
    try {
      const a = await authorize(session, { client: clientA, context });
      if (!a.hit?.params.get('code')) return verdict.notTestable('approving client A did not complete');
      const b = await authorize(session, { client: clientB, context, decision: 'stop' });
      await b.page?.close();
      verdict.check(b.consentShown && !b.hit, 'client B must get its own consent page', {
        // Without any consent page (A was not asked either), this is the missing consent CONSENT-05 reports.
        ...(a.consentShown ? {} : { rootCause: NO_CONSENT_PAGE }),
        expected: 'consent page for B',
        actual: b.hit
          ? `B's callback reached: ${b.hit.params.has('code') ? 'code issued' : b.hit.params.toString()}`
          : 'no consent page',
      });
      // B was asked; but if a remembered approval of A had expired by then, that proves nothing: A, asked for again,
      // tells (still remembered: B's question was its own; asked again: nothing remembered, or it expired).
      if (!mayHaveExpired()) return;
      const askedAfter = age();
      const again = await authorize(session, { client: clientA, context, decision: 'stop' });
      await again.page?.close();
      if (again.consentShown || !again.hit) {
        return verdict.notTestable(
          `client B was asked up to ${askedAfter} s after A's approval, past the declared consent lifetime (${ttl} s), and A is asked again too: whether A's approval would have let B through could not be told`,
        );
      }
      verdict.note("A's approval is still remembered after B was asked: B's consent page was its own");
    } finally {
      await context.close();
    }
  },
);

/**
 * RFC 6749 §4.1.2.1: "If the resource owner denies the access request ... the authorization server informs the client
 * by adding the following parameters to the query component of the redirection URI": access_denied, and the state
 * "if a "state" parameter was present in the client authorization request". The user said no, so nothing goes to the
 * upstream after the decision (what a login-first proxy did before the consent page is CONSENT-05's business).
 */
defineCheck(
  {
    id: 'AUTHZ-04',
    title: 'deny returns access_denied with the state, without contacting the upstream',
    level: 'MUST',
    quote:
      'If the resource owner denies the access request or if the request fails for reasons other than a missing or invalid redirection URI, the authorization server informs the client by adding the following parameters to the query component of the redirection URI using the "application/x-www-form-urlencoded" format, per Appendix B: error REQUIRED.',
    refs: [ref.oauth21('Error Response (authorization endpoint)'), ref.rfc(6749, '4.1.2.1')],
  },
  async ({ session, verdict }) => {
    // A client of its own: a proxy may remember an earlier approval of a client (server-side), and then rightly asks
    // no more; the checks that need the consent page ask for a client that was never approved.
    const flow = await authorize(session, { client: await newClient(session), decision: 'deny' });
    releaseFlow(session, flow);
    if (!flow.consentShown) return verdict.notTestable('no consent page was shown', NO_CONSENT_PAGE);
    if (!flow.hit) {
      const last = flow.navigations.at(-1);
      verdict.fail('the client never received access_denied after the user denied', {
        expected: 'a redirect to the client with error=access_denied and the state',
        actual: flow.decisionMoved
          ? `the deny control led to ${last ? `${safeOrigin(last.url) || last.url}${new URL(last.url).pathname}` : 'nowhere the client sees'}`
          : 'the deny control led nowhere',
      });
    }
    verdict.equal(flow.hit?.params.get('error'), 'access_denied', 'error returned to the client');
    verdict.equal(flow.hit?.params.get('state'), flow.state, 'state returned with the error');
    verdict.check(!flow.hit?.params.has('code'), 'no code after deny', { actual: 'code present' });
    const afterDecision = flow.navigations.slice(flow.navigationsBeforeDecision ?? 0);
    const upstream = afterDecision.filter(
      (n) => ![session.targetOrigin, safeOrigin(flow.redirectUri)].includes(safeOrigin(n.url)),
    );
    verdict.check(upstream.length === 0, 'the upstream must not be contacted after deny', {
      actual: upstream.map((n) => safeOrigin(n.url)).join(', '),
    });
  },
);

/**
 * MCP authorization, "Confused Deputy Problem": "MCP proxy servers using static client IDs MUST obtain user consent for
 * each dynamically registered client before forwarding to third-party authorization servers (which may require
 * additional consent)." So the consent page comes before any upstream contact. A login-first proxy (sign-in page →
 * upstream → consent page) forwards the user to the upstream before this client's consent: that is reported as such,
 * with the sign-in named, since the sentence leaves no exception for it.
 */
defineCheck(
  {
    id: 'CONSENT-05',
    title: 'the upstream is not contacted before the user approves',
    level: 'MUST',
    quote:
      'MCP proxy servers using static client IDs MUST obtain user consent for each dynamically registered client before forwarding to third-party authorization servers (which may require additional consent).',
    refs: [
      ref.mcpAuth('confused-deputy-problem', 'Confused deputy'),
      ref.mcpSbp('oauth-state-parameter-validation', 'State parameter validation'),
    ],
  },
  async ({ session, verdict }) => {
    const client = await newClient(session);
    const before = session.instrumented ? (await session.upstreamRequests()).length : 0;
    const flow = await authorize(session, { client, decision: 'stop' });
    releaseFlow(session, flow);
    if (!flow.consentShown)
      return verdict.fail('no consent page before the upstream: the user was never asked', {
        actual: flow.navigations.map((n) => safeOrigin(n.url)).join(' → '),
        rootCause: NO_CONSENT_PAGE,
      });
    const offsite = flow.navigations
      .slice(0, flow.navigationsBeforeConsent ?? flow.navigations.length)
      .filter((n) => safeOrigin(n.url) !== session.targetOrigin);
    verdict.check(
      offsite.length === 0,
      flow.signInShown
        ? 'the browser went to the upstream to sign in before the consent page for this client (login-first): consent must come before forwarding'
        : 'the browser must stay on the proxy until approval',
      { actual: offsite.map((n) => safeOrigin(n.url)).join(', ') },
    );
    // The request-log comparison needs this worker to be the only one driving flows.
    if (session.instrumented && Number(process.env.CONFORMANCE_WORKERS ?? 1) === 1) {
      const after = (await session.upstreamRequests()).length;
      verdict.equal(after - before, 0, 'requests the mock IdP received before approval');
    } else if (session.instrumented) verdict.note('request-log comparison skipped: several workers share the mock IdP');
  },
);

/**
 * RFC 9700 §4.12: an authorization server "which redirects a request that potentially contains user credentials
 * therefore MUST NOT use the HTTP 307 status code for redirection. If an HTTP redirection (and not, for example,
 * JavaScript) is used for such a request, AS SHOULD use HTTP status code 303". Applies to a decision sent as a form
 * submission; a decision a page script posts (fetch) is followed by the script's own GET navigation ("for example,
 * JavaScript"): there is no form to re-post, and the check does not apply.
 */
defineCheck(
  {
    id: 'AUTHZ-06',
    title: 'the consent decision is answered with 302/303, never 307',
    level: 'MUST',
    quote:
      'An authorization server which redirects a request that potentially contains user credentials MUST NOT use the 307 status code',
    refs: [ref.oauth21('Authorization Endpoint'), ref.rfc(9700, '4.12')],
  },
  async ({ session, verdict }) => {
    const flow = await authorize(session, { client: await newClient(session) });
    releaseFlow(session, flow);
    if (!flow.consentShown) return verdict.notTestable('no consent decision was recorded', NO_CONSENT_PAGE);
    if (flow.decisionBy === 'script')
      return verdict.notApplicable(
        'the consent decision is sent by a page script, not a form submission: the browser follows with a GET, nothing can be re-posted',
      );
    const decision = flow.decisionResponse;
    if (!decision) return verdict.notTestable('no consent decision was recorded');
    verdict.check(
      decision.status !== 307 && decision.status !== 308,
      'a 307/308 would re-post the consent form to the next hop',
      { expected: '302 or 303', actual: decision.status },
    );
  },
);

/**
 * Hardening, not a requirement. MCP security best practices, "Consent UI Requirements", ask to "Implement CSRF
 * protection" without saying for how long a token lives, so a token per browser session is as conforming as one per
 * authorization. RFC 9700 §2.1 asks clients for the stricter kind ("one-time use CSRF tokens carried in the state
 * parameter that are securely bound to the user agent MUST be used for CSRF protection"): by analogy a consent token
 * that dies with its authorization leaves nothing to replay. Whether the token of an approved authorization still
 * approves a second one of the same browser is therefore a MAY-level observation (info).
 */
defineCheck(
  {
    id: 'CONSENT-20',
    title: 'the CSRF token of an approved authorization does not approve another one (hardening)',
    level: 'MAY',
    quote: 'Implement CSRF protection',
    refs: [ref.mcpSbp('consent-ui-requirements', 'CSRF protection'), ref.rfc(9700, '2.1')],
  },
  async ({ session, verdict }) => {
    const client = await newClient(session);
    const context = await (await session.browser()).newContext();
    try {
      const { form: form1 } = await pendingConsent(session, client, context);
      const token = form1?.csrfField ? form1.fields.find(([k]) => k === form1.csrfField)?.[1] : undefined;
      if (!form1 || token === undefined)
        return verdict.notApplicable('no consent form with a CSRF field (see CONSENT-09)');
      const approved = await postConsentForm(context, form1.action, form1.fields);
      if (!approved.approved)
        return verdict.notTestable(`the untouched first consent form was not accepted (${approved.summary})`);
      const form2 = await anotherConsentForm(session, client, context);
      if (!form2?.csrfField) return verdict.notTestable('a second consent page with a CSRF field was not shown');
      const fields = form2.fields.map(([k, v]): [string, string] => [k, k === form2.csrfField ? token : v]);
      const reused = await postConsentForm(context, form2.action, fields);
      verdict.check(!reused.approved, 'the first authorization’s CSRF token approves the second authorization', {
        expected: 'refused: a token per authorization',
        actual: `${reused.summary}${form2.fields.some(([k, v]) => k === form2.csrfField && v === token) ? ' (the page shows the same token)' : ''}`,
      });
    } finally {
      await context.close();
    }
  },
);
