// A form posted the way an attacker's page posts it: a page on another site that auto-submits hidden fields to the
// target, in the victim's browser. Chromium itself sets Origin and Sec-Fetch-Site: cross-site and applies SameSite to
// the victim's cookies, so the target sees exactly what a forged submission looks like. The attacker's page is served
// by request interception on a loopback origin of another site than the target's (nothing is fetched from a network).
import type { BrowserContext } from 'playwright-core';
import { currentTrace } from '../transport/trace.ts';
import { reportServerErrors } from './flow.ts';

/** Every main-frame navigation the forged submission caused, redirects included, in order. */
export interface CrossSitePost {
  attackerOrigin: string;
  hops: { method: string; url: string }[];
}

const SETTLE_MS = 5000;

/** An origin on another site than `targetOrigin`: `localhost` and `127.0.0.1` are different sites. */
export function crossSiteOrigin(targetOrigin: string, port: number): string {
  const host = new URL(targetOrigin).hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  return `http://${host}:${port}`;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function postFromAnotherSite(
  context: BrowserContext,
  attackerOrigin: string,
  action: string,
  fields: [string, string][],
): Promise<CrossSitePost> {
  const attackerPage = `${attackerOrigin}/conformance-attacker-page`;
  const inputs = fields
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  const html =
    `<!doctype html><title>attacker</title><form method="post" action="${escapeHtml(action)}">${inputs}</form>` +
    '<script>document.forms[0].submit()</script>';
  const page = await context.newPage();
  const hops: CrossSitePost['hops'] = [];
  reportServerErrors(page);
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame())
      hops.push({ method: request.method(), url: request.url() });
  });
  try {
    await page.route(attackerPage, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
    await page.goto(attackerPage, { waitUntil: 'load', timeout: 10_000 });
    const deadline = Date.now() + SETTLE_MS;
    // Wait until the submission has left the attacker's page and the browser has come to rest.
    while (Date.now() < deadline && hops.filter((h) => h.method === 'POST').length === 0) await page.waitForTimeout(50);
    await page.waitForLoadState('load', { timeout: Math.max(1, deadline - Date.now()) }).catch(() => undefined);
    await page.waitForTimeout(300);
  } finally {
    await page.close().catch(() => undefined);
  }
  currentTrace()?.note(
    `forged consent submission from ${attackerOrigin}: ${hops.map((h) => `${h.method} ${h.url.split('?')[0]}`).join(' → ')}`,
  );
  return { attackerOrigin, hops: hops.slice(1) };
}
