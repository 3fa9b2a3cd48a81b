// The proxy's consent page, driven in Chromium: what it shows, that hostile names stay inert, CSRF, anti-framing,
// cookies, per-client approval, deny, and no upstream contact before approval (requirements.md B14, CONSENT-*).
import { consentForm, postConsentForm } from '../lib/browser/consent-form.ts';
import { authorize, sharedFlow } from '../lib/browser/flow.ts';
import { safeOrigin, type Navigation } from '../lib/browser/navigation.ts';
import { defineCheck } from '../lib/check/define-check.ts';
import { ref } from '../lib/model/refs.ts';
import { randomToken } from '../lib/oauth/pkce.ts';
import { newClient } from '../lib/oauth/registration.ts';
import { scopeToRequest } from '../lib/oauth/scope.ts';

/** X-Frame-Options DENY/SAMEORIGIN or CSP frame-ancestors 'none'/'self'. */
function framingProtected(headers: Record<string, string>): boolean {
  const xfo = (headers['x-frame-options'] ?? '').toUpperCase();
  const csp = headers['content-security-policy'] ?? '';
  return xfo === 'DENY' || xfo === 'SAMEORIGIN' || /frame-ancestors\s+('none'|'self')\s*(;|$)/i.test(csp);
}

function consentPageResponse(navigations: Navigation[], targetOrigin: string): Navigation | undefined {
  return [...navigations].reverse().find((n) => safeOrigin(n.url) === targetOrigin && n.status === 200);
}

defineCheck(
  {
    id: 'CONSENT-03',
    title: 'the consent page names the client, the redirect host and the requested scopes',
    level: 'MUST',
    refs: [ref.mcpSbp('consent-ui-requirements', 'Consent UI requirements'), ref.oauth21('Consent Phishing')],
  },
  async ({ session, verdict }) => {
    const name = `Conformance Consent ${randomToken(6)}`;
    const client = await newClient(session, { client_name: name });
    const flow = await authorize(session, { client, decision: 'stop' });
    try {
      if (!flow.page) return verdict.notTestable('no consent page was shown');
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
      await flow.context.close();
    }
  },
);

defineCheck(
  {
    id: 'CONSENT-08',
    title: 'a hostile client_name is shown as inert text',
    level: 'MUST',
    refs: [ref.mcpSbp('consent-ui-requirements', 'Consent UI requirements'), ref.rfc(7591, '5')],
  },
  async ({ session, verdict }) => {
    const hostile = `<img src=x onerror="window.__conformance=1"><script>window.__conformance=1</script><b id="conformance-injected">x</b>`;
    const client = await newClient(session, { client_name: hostile });
    const flow = await authorize(session, { client, decision: 'stop' });
    try {
      if (!flow.page) return verdict.notTestable('no consent page was shown');
      const executed = await flow.page.evaluate(() => (window as unknown as { __conformance?: number }).__conformance);
      verdict.check(executed === undefined, 'script in client_name must not run', {
        expected: 'no script execution',
        actual: 'window.__conformance set',
      });
      const injected = await flow.page.locator('#conformance-injected').count();
      verdict.equal(injected, 0, 'elements injected through client_name');
    } finally {
      await flow.context.close();
    }
  },
);

defineCheck(
  {
    id: 'CONSENT-09',
    title: 'a consent submission with a missing or altered CSRF token is refused',
    level: 'MUST',
    refs: [ref.mcpSbp('consent-ui-requirements', 'CSRF protection'), ref.rfc(9700, '2.1')],
  },
  async ({ session, verdict }) => {
    const client = await newClient(session);
    const context = await (await session.browser()).newContext();
    try {
      const first = await authorize(session, { client, decision: 'stop', context });
      const second = await authorize(session, { client, decision: 'stop', context });
      if (!first.page || !second.page) return verdict.notTestable('no consent page was shown');
      const form1 = await consentForm(first.page, session);
      const form2 = await consentForm(second.page, session);
      if (!form1 || !form2) return verdict.notTestable('no consent form around the approve button');
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
      const control = await postConsentForm(context, form2.action, form2.fields);
      if (!control.approved)
        verdict.note(`control submission of an untouched form was not accepted either: ${control.summary}`);
    } finally {
      await context.close();
    }
  },
);

defineCheck(
  {
    id: 'CONSENT-06',
    title: 'consent and error pages forbid framing (X-Frame-Options or CSP frame-ancestors)',
    level: 'MUST',
    refs: [ref.rfc(9700, '4.16'), ref.mcpSbp('consent-ui-requirements', 'Prevent iframing')],
  },
  async ({ session, verdict }) => {
    const flow = await authorize(session, { decision: 'stop' });
    await flow.context.close();
    const page = consentPageResponse(flow.navigations, session.targetOrigin);
    if (!page) return verdict.notTestable('no consent page response recorded');
    verdict.check(framingProtected(page.headers), 'the consent page must forbid framing', {
      expected: "X-Frame-Options: DENY or frame-ancestors 'none'",
      actual: `XFO=${page.headers['x-frame-options'] ?? '(none)'} CSP=${page.headers['content-security-policy'] ?? '(none)'}`,
    });
    const error = await session.http.request({
      url: `${flow.authorizeUrl.split('?')[0]}?client_id=conformance-unknown&response_type=code`,
    });
    const headers = Object.fromEntries([...error.headers.entries()]);
    verdict.check(framingProtected(headers), 'the error page must forbid framing too', {
      actual: `XFO=${headers['x-frame-options'] ?? '(none)'}`,
    });
  },
);

defineCheck(
  {
    id: 'CONSENT-04',
    title: 'consent cookies are HttpOnly, SameSite, Secure/__Host- on https, and tampering voids them',
    level: 'MUST',
    refs: [ref.mcpSbp('consent-cookie-security', 'Consent cookie security')],
  },
  async ({ session, verdict }) => {
    const client = await newClient(session);
    const context = await (await session.browser()).newContext();
    try {
      const flow = await authorize(session, { client, context });
      if (!flow.hit?.params.get('code')) return verdict.notTestable('the approval flow did not complete');
      const cookies = flow.navigations
        .filter((n) => safeOrigin(n.url) === session.targetOrigin)
        .flatMap((n) => n.setCookies);
      const https = session.targetOrigin.startsWith('https:');
      for (const cookie of cookies) {
        const name = cookie.split('=')[0] ?? '';
        verdict.check(/;\s*httponly/i.test(cookie), `cookie ${name} must be HttpOnly`, {
          actual: cookie.replace(/=[^;]*/, '=…'),
        });
        verdict.check(/;\s*samesite=(lax|strict)/i.test(cookie), `cookie ${name} must be SameSite=Lax or Strict`, {
          actual: cookie.replace(/=[^;]*/, '=…'),
        });
        if (https) {
          verdict.check(
            /;\s*secure/i.test(cookie) && name.startsWith('__Host-'),
            `cookie ${name} must be Secure with the __Host- prefix`,
            { actual: cookie.replace(/=[^;]*/, '=…') },
          );
        }
      }
      if (!https) verdict.note('http target: Secure and __Host- not required on loopback');
      if (cookies.length === 0) verdict.note('no cookies set during the flow (server-side consent state)');
      const again = await authorize(session, { client, context, decision: 'stop' });
      await again.page?.close();
      if (again.consentShown)
        return verdict.note('consent is asked every time: nothing remembered, tampering not applicable');
      const stored = await context.cookies(session.targetOrigin);
      await context.clearCookies();
      await context.addCookies(
        stored.map((c) => ({ ...c, value: `${c.value.slice(0, -2)}${c.value.endsWith('AA') ? 'BB' : 'AA'}` })),
      );
      const tampered = await authorize(session, { client, context, decision: 'stop' });
      await tampered.page?.close();
      verdict.check(tampered.consentShown && !tampered.hit, 'a tampered consent cookie must not skip consent', {
        expected: 'consent page',
        actual: tampered.hit ? 'callback reached without consent' : 'no consent page',
      });
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
    refs: [
      ref.mcpSbp('confused-deputy-problem', 'Per-client consent'),
      ref.mcpAuth('confused-deputy-problem', 'Confused deputy'),
    ],
  },
  async ({ session, verdict }) => {
    const context = await (await session.browser()).newContext();
    try {
      const a = await authorize(session, { client: await newClient(session), context });
      if (!a.hit?.params.get('code')) return verdict.notTestable('approving client A did not complete');
      const b = await authorize(session, { client: await newClient(session), context, decision: 'stop' });
      await b.page?.close();
      verdict.check(b.consentShown && !b.hit, 'client B must get its own consent page', {
        expected: 'consent page for B',
        actual: b.hit
          ? `B's callback reached: ${b.hit.params.has('code') ? 'code issued' : b.hit.params.toString()}`
          : 'no consent page',
      });
    } finally {
      await context.close();
    }
  },
);

defineCheck(
  {
    id: 'AUTHZ-04',
    title: 'deny returns access_denied with the state, without contacting the upstream',
    level: 'MUST',
    refs: [ref.oauth21('Error Response (authorization endpoint)'), ref.rfc(6749, '4.1.2.1')],
  },
  async ({ session, verdict }) => {
    const flow = await authorize(session, { decision: 'deny' });
    await flow.context.close();
    if (!flow.consentShown) return verdict.notTestable('no consent page was shown');
    verdict.equal(flow.hit?.params.get('error'), 'access_denied', 'error returned to the client');
    verdict.equal(flow.hit?.params.get('state'), flow.state, 'state returned with the error');
    verdict.check(!flow.hit?.params.has('code'), 'no code after deny', { actual: 'code present' });
    const upstream = flow.navigations.filter(
      (n) => ![session.targetOrigin, safeOrigin(flow.redirectUri)].includes(safeOrigin(n.url)),
    );
    verdict.check(upstream.length === 0, 'the upstream must not be contacted after deny', {
      actual: upstream.map((n) => safeOrigin(n.url)).join(', '),
    });
  },
);

defineCheck(
  {
    id: 'CONSENT-05',
    title: 'the upstream is not contacted before the user approves',
    level: 'MUST',
    refs: [
      ref.mcpSbp('oauth-state-parameter-validation', 'State parameter validation'),
      ref.mcpAuth('confused-deputy-problem', 'Confused deputy'),
    ],
  },
  async ({ session, verdict }) => {
    const before = session.instrumented ? (await session.upstreamRequests()).length : 0;
    const flow = await authorize(session, { decision: 'stop' });
    await flow.context.close();
    if (!flow.consentShown)
      return verdict.fail('no consent page before the upstream: the user was never asked', {
        actual: flow.navigations.map((n) => safeOrigin(n.url)).join(' → '),
      });
    const offsite = flow.navigations.filter((n) => safeOrigin(n.url) !== session.targetOrigin);
    verdict.check(offsite.length === 0, 'the browser must stay on the proxy until approval', {
      actual: offsite.map((n) => safeOrigin(n.url)).join(', '),
    });
    // The request-log comparison needs this worker to be the only one driving flows.
    if (session.instrumented && Number(process.env.CONFORMANCE_WORKERS ?? 1) === 1) {
      const after = (await session.upstreamRequests()).length;
      verdict.equal(after - before, 0, 'requests the mock IdP received before approval');
    } else if (session.instrumented) verdict.note('request-log comparison skipped: several workers share the mock IdP');
  },
);

defineCheck(
  {
    id: 'AUTHZ-06',
    title: 'the consent decision is answered with 302/303, never 307',
    level: 'MUST',
    refs: [ref.oauth21('Authorization Endpoint'), ref.rfc(9700, '4.12')],
  },
  async ({ session, verdict }) => {
    const flow = await sharedFlow(session);
    const decision = flow.decisionResponse;
    if (!decision) return verdict.notTestable('no consent decision was recorded');
    verdict.check(
      decision.status !== 307 && decision.status !== 308,
      'a 307/308 would re-post the consent form to the next hop',
      { expected: '302 or 303', actual: decision.status },
    );
  },
);
