// A consent decision a page sends with a script (fetch/XHR posting JSON, as Better Auth's consent API expects) rather
// than a form: captured when the approve control is clicked, held back (so nothing is approved), and replayed outside
// the page with the browser's cookies, as a cross-site forgery would send it. CONSENT-09 judges the answers.
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { currentTrace } from '../transport/trace.ts';
import { answerOf, judgeDecisionAnswer } from './consent-form.ts';
import { safeOrigin } from '../transport/url.ts';

export interface CapturedDecision {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Clicks `approve` and captures the first non-GET request the page then sends to the target origin, aborting it.
 * Undefined when the click sends no such request (a form navigation is read by consent-form.ts instead).
 */
export async function captureDecisionRequest(
  page: Page,
  approve: Locator,
  targetOrigin: string,
): Promise<CapturedDecision | undefined> {
  let captured: CapturedDecision | undefined;
  let release: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (release = resolve));
  await page.route(
    (url) => safeOrigin(url.toString()) === targetOrigin,
    async (route) => {
      const request = route.request();
      if (captured || request.method() === 'GET' || request.isNavigationRequest()) return route.fallback();
      captured = {
        method: request.method(),
        url: request.url(),
        headers: await request.allHeaders().catch(() => request.headers()),
        body: request.postData() ?? '',
      };
      release();
      await route.abort('aborted');
    },
  );
  try {
    await approve.click({ timeout: 5000, force: true });
    await Promise.race([done, page.waitForTimeout(5000)]);
  } finally {
    await page.unrouteAll({ behavior: 'ignoreErrors' }).catch(() => undefined);
  }
  return captured;
}

/** Sends a captured decision again through the context's cookie jar, with some headers replaced. */
export async function replayDecision(
  context: BrowserContext,
  decision: CapturedDecision,
  headers: Record<string, string>,
): Promise<{ approved: boolean; summary: string }> {
  const keep = Object.fromEntries(
    Object.entries(decision.headers).filter(
      ([k]) => !/^(cookie|host|content-length|origin|referer|sec-fetch-.*)$/i.test(k),
    ),
  );
  const res = await context.request.fetch(decision.url, {
    method: decision.method,
    headers: { ...keep, ...headers },
    data: decision.body,
    maxRedirects: 0,
    failOnStatusCode: false,
    timeout: 10_000,
  });
  const result = judgeDecisionAnswer(await answerOf(res, decision.method), decision.url);
  currentTrace()?.note(
    `consent decision ${decision.method} ${new URL(decision.url).pathname} replayed (${Object.keys(headers).join(', ') || 'as sent'}) → ${result.summary}`,
  );
  return result;
}
