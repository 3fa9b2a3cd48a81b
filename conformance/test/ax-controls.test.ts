// The consent controls read from Chromium's accessibility tree against real Chromium: on every page shape the suite
// meets (button text, a label inside spans with an icon, an input's value, aria-label, links, hidden decoys, another
// language), they are the controls Playwright's role queries find, and clicking one submits its own form value. Where
// the tree shows no approve-and-deny pair, nothing is decided here.
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOnLoopback, type LoopbackServer } from '../../testkit/loopback-server.ts';
import { axConsentControls, clickAxControl } from '../lib/browser/ax-controls.ts';
import { chromiumLaunchOptions } from '../lib/browser/chromium.ts';
import { CONTROL_NAME } from '../lib/oauth/consent-words.ts';

const form = (inner: string) =>
  `<!doctype html><meta charset="utf-8"><form method="post" action="/decide">${inner}</form>`;

const PAGES: Record<string, { html: string; approve: string; deny: string } | { html: string; none: true }> = {
  buttons: {
    html: form('<button name="d" value="approve">Approve</button><button name="d" value="deny">Deny</button>'),
    approve: 'approve',
    deny: 'deny',
  },
  'labels in spans, icons first, deny listed first': {
    html: form(
      '<button name="d" value="deny"><span aria-hidden="true">✕</span> <span>Cancel</span></button>' +
        '<button name="d" value="approve"><span>✓</span><span>Allow access</span></button>',
    ),
    approve: 'approve',
    deny: 'deny',
  },
  'inputs and aria-label': {
    html: form(
      '<input type="submit" name="d" value="Autoriser">' +
        '<button name="d" value="deny" aria-label="Refuser"><svg width="8" height="8"></svg></button>',
    ),
    approve: 'Autoriser',
    deny: 'deny',
  },
  'hidden decoys before the real controls': {
    html: form(
      '<button name="d" value="decoy-approve" style="display:none">Approve</button>' +
        '<button name="d" value="decoy-deny" hidden>Deny</button>' +
        '<button name="d" value="approve">Approve</button><button name="d" value="deny">Deny</button>',
    ),
    approve: 'approve',
    deny: 'deny',
  },
  'no deny control': { html: form('<button name="d" value="approve">Approve</button>'), none: true },
  'a sign-in page': { html: form('<button name="d" value="go">Sign in with GitHub</button>'), none: true },
};

describe('consent controls from the accessibility tree', () => {
  let browser: Browser;
  let site: LoopbackServer;
  const decided: string[] = [];

  beforeAll(async () => {
    site = await listenOnLoopback((req, res) => {
      if (req.method === 'POST') {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          decided.push(new URLSearchParams(body).get('d') ?? '');
          res.writeHead(200, { 'content-type': 'text/html' }).end('<title>decided</title>');
        });
        return;
      }
      const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGES[name]?.html ?? '');
    });
    browser = await chromium.launch(chromiumLaunchOptions());
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  /** The first control Playwright's role queries find, as classifyTargetPage looks for it. */
  async function byPlaywright(page: Page, name: RegExp): Promise<string | null> {
    for (const role of ['button', 'link'] as const) {
      const found = page.getByRole(role, { name });
      if ((await found.count()) > 0) return found.first().evaluate((el) => (el as HTMLButtonElement).value || '');
    }
    return null;
  }

  for (const [name, expected] of Object.entries(PAGES)) {
    it(`${name}: the same controls as Playwright's role queries, clicked where they are`, async () => {
      const page = await browser.newPage();
      try {
        await page.goto(`${site.url}/${encodeURIComponent(name)}`);
        const controls = await axConsentControls(page);
        if ('none' in expected) {
          expect(controls).toBeUndefined();
          return;
        }
        expect(controls).toBeDefined();
        const playwright = {
          approve: await byPlaywright(page, CONTROL_NAME.approve),
          deny: await byPlaywright(page, CONTROL_NAME.deny),
        };
        expect(playwright).toEqual({ approve: expected.approve, deny: expected.deny });
        const before = decided.length;
        await clickAxControl(page, controls!.approve);
        await page.waitForURL(/\/decide$/);
        await page.goto(`${site.url}/${encodeURIComponent(name)}`);
        const again = await axConsentControls(page);
        await clickAxControl(page, again!.deny);
        await page.waitForURL(/\/decide$/);
        expect(decided.slice(before)).toEqual([expected.approve, expected.deny]);
      } finally {
        await page.close();
      }
    });
  }
});
