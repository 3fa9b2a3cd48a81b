// Browser actions of the flow driver: telling what a page on the proxy is (a consent page, a sign-in page, or neither),
// finding its controls (accessible role and name in nine languages, or the target description's selectors),
// signing in upstream, clicking without hanging, and reading a page's text.
import type { Locator, Page } from 'playwright-core';
import { NotTestable, type RootCause } from '../model/outcome.ts';
import { CONTROL_NAME } from '../oauth/consent-words.ts';
import type { CheckSession } from '../session/check-session.ts';
import { safeOrigin } from '../transport/url.ts';
import { clickAxControl, type AxControl } from './ax-controls.ts';

/** What the upstream sign-in page's button is called (the mock IdPs' "Sign in"; any IdP's "Log in", "Continue"). */
const LOGIN = /^\s*(sign in|log ?in|continue|authori[sz]e|allow|approve|submit)\b/i;

/** A page of the proxy, as the flow driver sees it. */
export type TargetPage =
  | { kind: 'consent'; approve: Locator; deny?: Locator }
  | { kind: 'sign-in'; control?: Locator; loginForm: boolean }
  | { kind: 'unknown' };

/** The first visible control of `role` whose accessible name matches, or undefined. */
async function control(
  page: Page,
  name: RegExp,
  roles: ('button' | 'link')[] = ['button', 'link'],
): Promise<Locator | undefined> {
  for (const role of roles) {
    const found = page.getByRole(role, { name });
    if ((await found.count().catch(() => 0)) > 0) return found.first();
  }
  return undefined;
}

async function selected(page: Page, selector: string | undefined): Promise<Locator | undefined> {
  if (!selector) return undefined;
  const found = page.locator(selector);
  return (await found.count().catch(() => 0)) > 0 ? found.first() : undefined;
}

/**
 * Tells a consent page from a sign-in page on the proxy's origin. A proxy may ask the user to sign in before it asks
 * for consent (sign-in page → upstream → consent page): "Continue with GitHub" is not an approval. In order:
 * 1. the target description's selectors (`consent.signInSelector`, `consent.approveSelector`);
 * 2. an approve control and a deny control: a consent page;
 * 3. a sign-in control ("Sign in", "Continue with …") or a password field: a sign-in page;
 * 4. an approve control alone: a consent page without a deny control;
 * 5. otherwise: unknown.
 */
export async function classifyTargetPage(page: Page, session: CheckSession): Promise<TargetPage> {
  const configured = session.settings.targetDescription.consent;
  const signInBySelector = await selected(page, configured?.signInSelector);
  if (signInBySelector) return { kind: 'sign-in', control: signInBySelector, loginForm: false };
  const approveBySelector = await selected(page, configured?.approveSelector);
  const deny = (await selected(page, configured?.denySelector)) ?? (await control(page, CONTROL_NAME.deny));
  if (approveBySelector) return { kind: 'consent', approve: approveBySelector, ...(deny ? { deny } : {}) };
  if (configured?.approveSelector) {
    // The description names the approve control: a page without it is not the consent page.
    const signIn = await control(page, CONTROL_NAME.signIn);
    const loginForm =
      (await page
        .locator('input[type="password"]')
        .count()
        .catch(() => 0)) > 0;
    return signIn || loginForm
      ? { kind: 'sign-in', ...(signIn ? { control: signIn } : {}), loginForm }
      : { kind: 'unknown' };
  }
  const approve = await control(page, CONTROL_NAME.approve);
  if (approve && deny) return { kind: 'consent', approve, deny };
  const signIn = await control(page, CONTROL_NAME.signIn);
  const loginForm =
    (await page
      .locator('input[type="password"]')
      .count()
      .catch(() => 0)) > 0;
  if (signIn || loginForm) return { kind: 'sign-in', ...(signIn ? { control: signIn } : {}), loginForm };
  if (approve) return { kind: 'consent', approve };
  return { kind: 'unknown' };
}

/** The root cause shared by every check whose flow stops at a proxy page the suite cannot drive. */
export function consentControlsNotFound(page: Page): RootCause {
  const url = safeUrl(page.url());
  return {
    key: `consent-controls:${url}`,
    summary: `no consent or sign-in control found on ${url}: configure selectors (target description consent.*)`,
  };
}

/** The approve control of a consent page (CONSENT-09 reads the form around it). */
export async function findApproveButton(page: Page, session: CheckSession): Promise<Locator | undefined> {
  const found = await classifyTargetPage(page, session);
  return found.kind === 'consent' ? found.approve : undefined;
}

/** Signs in on a proxy's own sign-in page: its sign-in control, else the login script for a password form. */
export async function signInAtTarget(
  page: Page,
  session: CheckSession,
  signIn: Extract<TargetPage, { kind: 'sign-in' }>,
  done: () => boolean,
): Promise<boolean> {
  const script = session.settings.targetDescription.loginScript;
  if (signIn.loginForm && script) {
    await runLoginScript(page, session, script);
    return true;
  }
  if (signIn.control) return clickAndWait(page, signIn.control, done);
  throw new NotTestable(`a sign-in form on ${safeUrl(page.url())} needs credentials: configure loginScript`, {
    key: `sign-in-form:${safeUrl(page.url())}`,
    summary: `the proxy's sign-in form at ${safeUrl(page.url())} needs credentials: configure loginScript in the target description`,
  });
}

async function runLoginScript(page: Page, session: CheckSession, script: string): Promise<void> {
  const mod = (await import(script)) as { default: (page: Page, ctx: { target: string }) => Promise<void> };
  await mod.default(page, { target: session.settings.target });
  await page.waitForLoadState('domcontentloaded').catch(() => undefined);
}

export async function signInUpstream(page: Page, session: CheckSession, done: () => boolean): Promise<void> {
  const script = session.settings.targetDescription.loginScript;
  if (script) return runLoginScript(page, session, script);
  const button = page.getByRole('button', { name: LOGIN });
  if ((await button.count()) === 0) {
    await page.waitForTimeout(200);
    if (done() || safeOrigin(page.url()) === session.targetOrigin) return;
    const where = safeUrl(page.url());
    throw new NotTestable(`stuck at ${where}: no sign-in button (configure loginScript)`, {
      key: `upstream-sign-in:${where}`,
      summary: `the flow stops at ${where} with no sign-in button: configure loginScript in the target description`,
    });
  }
  await clickAndWait(page, button.first(), done);
}

/** Clicks and waits for a navigation or the callback; false when nothing happened (e.g. blocked by CSP). */
export async function clickAndWait(page: Page, button: Locator | AxControl, done: () => boolean): Promise<boolean> {
  let navigated = false;
  const waiting = page
    .waitForEvent('framenavigated', { timeout: 5000 })
    .then(() => (navigated = true))
    .catch(() => undefined);
  // No actionability wait: the pages are static forms, and under CPU load the animation-frame checks dominate a flow.
  if ('kind' in button) await clickAxControl(page, button);
  else await button.click({ timeout: 5000, force: true });
  await Promise.race([waiting, until(done, 5000)]);
  await page.waitForLoadState('domcontentloaded').catch(() => undefined);
  return navigated || done();
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

export async function pageText(page: Page): Promise<string> {
  return (await page.textContent('body').catch(() => '')) ?? '';
}

export function callbackOrigin(port: number): string {
  return `http://127.0.0.1:${port}`;
}

/** origin + path of a URL (no query: it may hold codes and states), or the text itself when it does not parse. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.protocol === 'about:' ? url : `${u.origin}${u.pathname}`;
  } catch {
    return url;
  }
}
