// Browser actions of the flow driver: finding the consent buttons (accessible role and name, or the target
// description's selectors), signing in upstream, clicking without hanging, and reading a page's text.
import type { Locator, Page } from 'playwright-core';
import { NotTestable } from '../model/outcome.ts';
import type { CheckSession } from '../session/check-session.ts';
import { safeOrigin } from './navigation.ts';

const APPROVE = /^\s*(approve|allow|authori[sz]e|accept|grant|consent|yes|continue)\b/i;
const DENY = /^\s*(deny|reject|decline|cancel|refuse|no)\b/i;
const LOGIN = /^\s*(sign in|log ?in|continue|authori[sz]e|allow|approve|submit)\b/i;

export async function findButton(
  page: Page,
  kind: 'approve' | 'deny',
  session: CheckSession,
): Promise<Locator | undefined> {
  const consent = session.settings.targetDescription.consent;
  const selector = kind === 'approve' ? consent?.approveSelector : consent?.denySelector;
  const candidates = selector
    ? [page.locator(selector)]
    : [page.getByRole('button', { name: kind === 'approve' ? APPROVE : DENY })];
  for (const c of candidates) if ((await c.count()) > 0) return c.first();
  return undefined;
}

export async function findApproveButton(page: Page, session: CheckSession): Promise<Locator | undefined> {
  return findButton(page, 'approve', session);
}

export async function signInUpstream(page: Page, session: CheckSession, done: () => boolean): Promise<void> {
  const script = session.settings.targetDescription.loginScript;
  if (script) {
    const mod = (await import(script)) as { default: (page: Page, ctx: { target: string }) => Promise<void> };
    await mod.default(page, { target: session.settings.target });
    await page.waitForLoadState('domcontentloaded').catch(() => undefined);
    return;
  }
  const button = page.getByRole('button', { name: LOGIN });
  if ((await button.count()) === 0) {
    await page.waitForTimeout(200);
    if (done() || safeOrigin(page.url()) === session.targetOrigin) return;
    throw new NotTestable(
      `stuck at ${new URL(page.url()).origin}${new URL(page.url()).pathname}: no sign-in button (configure loginScript)`,
    );
  }
  await clickAndWait(page, button.first(), done);
}

/** Clicks and waits for a navigation or the callback; false when nothing happened (e.g. blocked by CSP). */
export async function clickAndWait(page: Page, button: Locator, done: () => boolean): Promise<boolean> {
  let navigated = false;
  const waiting = page
    .waitForEvent('framenavigated', { timeout: 5000 })
    .then(() => (navigated = true))
    .catch(() => undefined);
  // No actionability wait: the pages are static forms, and under CPU load the animation-frame checks dominate a flow.
  await button.click({ timeout: 5000, force: true });
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
