// Reads the consent form around the approve button and replays it outside the page, so CSRF defences can be probed
// with the browser's own cookies (Playwright's context request API shares them).
import type { APIResponse, BrowserContext, Page } from 'playwright-core';
import { NotTestable } from '../model/outcome.ts';
import type { RegisteredClient } from '../oauth/registration.ts';
import { onwardOf, responseParams, type AnswerLike } from '../oauth/onward.ts';
import type { CheckSession } from '../session/check-session.ts';
import { currentTrace } from '../transport/trace.ts';
import { authorize, NO_CONSENT_PAGE } from './flow.ts';
import { findApproveButton } from './page-actions.ts';

export interface ConsentForm {
  action: string;
  fields: [string, string][];
  csrfField?: string;
}

export async function consentForm(page: Page, session: CheckSession): Promise<ConsentForm | undefined> {
  const button = await findApproveButton(page, session);
  if (!button) return undefined;
  const form = await button.evaluate((el) => {
    const f = el.closest('form');
    if (!f) return undefined;
    const fields: [string, string][] = [];
    for (const input of Array.from(f.querySelectorAll('input'))) if (input.name) fields.push([input.name, input.value]);
    const b = el as HTMLButtonElement;
    if (b.name) fields.push([b.name, b.value]);
    // Not `f.action`: a control named "action" (e.g. `<button name="action" value="approve">`) shadows the form's
    // IDL attribute (HTML "named properties" of form elements). The prototype's getter still resolves the form's
    // action attribute against the document URL; a `formaction` on the submitter overrides it (HTML §4.10.21.3).
    const formAction = Object.getOwnPropertyDescriptor(HTMLFormElement.prototype, 'action')?.get?.call(f) as string;
    return { action: b.hasAttribute('formaction') ? b.formAction : formAction, fields };
  });
  if (!form) return undefined;
  const configured = session.settings.targetDescription.consent?.csrfField;
  const csrfField = configured ?? form.fields.find(([k]) => /csrf|xsrf/i.test(k))?.[0];
  return { ...form, ...(csrfField ? { csrfField } : {}) };
}

/**
 * A new pending authorization of `client` in `context`, stopped on its consent page, and the form around its approve
 * control (undefined when the decision is sent by a page script). Without a consent page: not testable.
 */
export async function pendingConsent(
  session: CheckSession,
  client: RegisteredClient,
  context: BrowserContext,
): Promise<{ page: Page; form: ConsentForm | undefined }> {
  const flow = await authorize(session, { client, decision: 'stop', context });
  if (!flow.page) throw new NotTestable('no consent page was shown', NO_CONSENT_PAGE);
  return { page: flow.page, form: await consentForm(flow.page, session) };
}

/** The consent form of one more pending authorization (a control submission), or undefined when none was shown. */
export async function anotherConsentForm(
  session: CheckSession,
  client: RegisteredClient,
  context: BrowserContext,
): Promise<ConsentForm | undefined> {
  const flow = await authorize(session, { client, decision: 'stop', context });
  return flow.page ? await consentForm(flow.page, session) : undefined;
}

export async function postConsentForm(
  context: BrowserContext,
  action: string,
  fields: [string, string][],
): Promise<{ approved: boolean; summary: string }> {
  const body = new URLSearchParams(fields).toString();
  const res = await context.request.post(action, {
    data: body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    maxRedirects: 0,
    failOnStatusCode: false,
    timeout: 10_000,
  });
  const answer = await answerOf(res);
  const result = judgeDecisionAnswer(answer, action);
  currentTrace()?.note(`consent form POST ${action} (${fields.map(([k]) => k).join(', ')}) → ${result.summary}`);
  return result;
}

/** An APIResponse as the onward-hop reader wants it; a 5xx is reported to the check. */
export async function answerOf(res: APIResponse, method = 'POST'): Promise<AnswerLike> {
  const headers = res.headers();
  const text = await res.text().catch(() => '');
  if (res.status() >= 500) {
    currentTrace()?.serverError({
      method,
      url: res.url(),
      status: res.status(),
      body: text,
      contentType: headers['content-type'] ?? '',
    });
  }
  return { status: res.status(), header: (name) => headers[name.toLowerCase()], text };
}

/**
 * Whether a consent decision was taken as an approval: the answer sends the user agent on (a 3xx, meta refresh,
 * auto-submitting form or JSON naming the next URL) without an `error` parameter. A refusal is a 4xx/5xx, or an
 * onward hop carrying `error` (access_denied, invalid_request).
 */
export function judgeDecisionAnswer(answer: AnswerLike, base: string): { approved: boolean; summary: string } {
  const onward = onwardOf(answer, base);
  const error = onward ? responseParams(onward).get('error') : null;
  const approved = onward !== undefined && !error;
  const summary = `${answer.status}${onward ? ` → ${onward.url.origin}${onward.url.pathname}${error ? ` error=${error}` : ''}` : ''}`;
  return { approved, summary };
}
