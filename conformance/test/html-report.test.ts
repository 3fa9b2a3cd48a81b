// The HTML report read the way a person reads it, in Chromium: the run's real counts, the verdict, every check that
// is not a pass linked from the top, outcome and level as the colour, the check's own file and line, the finding as
// text, the trace, references as links, and filters that hide what the reader does not want to see.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../lib/browser/chromium.ts';
import type { CheckResult } from '../lib/model/vocabulary.ts';
import { renderRunsIndex, writeHtmlReport } from '../lib/report/html-report.ts';
import { newReport, type Report } from '../lib/report/report-json.ts';

function check(
  id: string,
  outcome: CheckResult['outcome'],
  level: CheckResult['level'],
  extra: Partial<CheckResult> = {},
) {
  return {
    id,
    title: `the behaviour of ${id}`,
    level,
    quote: `the sentence ${id}'s level comes from: the authorization server MUST <refuse> it & "say so"`,
    file: 'checks/example.check.ts',
    line: 40 + id.length,
    refs: [{ label: 'RFC 6749 §4.1.2', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2' }],
    revisions: ['2026-07-28'],
    outcome,
    notes: [],
    durationMs: 12,
    ...extra,
  } satisfies CheckResult;
}

function sampleReport(): Report {
  const report = newReport(
    {
      url: 'http://127.0.0.1:8080',
      issuer: 'http://127.0.0.1:8080',
      mcp: 'http://127.0.0.1:8080/mcp',
      upstream: 'harness-github',
      revision: '2026-07-28',
      server: 'example-proxy/2.1.0',
    },
    {
      startedAt: '2026-11-30T12:00:00.000Z',
      durationMs: 42_100,
      checks: [
        check('CODE-01', 'fail', 'MUST', {
          message: 'the second redemption of a code was accepted <script>alert(1)</script>',
          expected: '400 invalid_grant',
          actual: '200 with tokens',
          trace: 'traces/CODE-01.txt',
        }),
        check('DISC-01', 'pass', 'MUST', { trace: 'traces/DISC-01.txt' }),
        check('DISC-12', 'warning', 'SHOULD', { message: 'client_id_metadata_document_supported is absent' }),
        check('CODE-04', 'not_applicable', 'SHOULD', { message: 'no declared code lifetime' }),
        check('UP-02', 'not_testable', 'MUST', { message: 'not testable: no consent page' }),
        check('PKCE-07', 'info', 'MAY', { message: 'a 42-character verifier was accepted' }),
      ],
    },
  );
  report.gate = { exitCode: 1, strict: false, failing: ['CODE-01', 'UP-02'], stale: [], expectedFailures: [] };
  return report;
}

describe('the HTML report in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'html-report-'));
    mkdirSync(join(dir, 'traces'));
    writeFileSync(
      join(dir, 'traces/CODE-01.txt'),
      '→ POST http://127.0.0.1:8080/token\n← 200 {"access_token":"eyJh…"}',
    );
    writeFileSync(
      join(dir, 'traces/DISC-01.txt'),
      '→ GET http://127.0.0.1:8080/.well-known/oauth-authorization-server',
    );
    const path = writeHtmlReport(dir, sampleReport());
    browser = await chromium.launch(chromiumLaunchOptions());
    page = await browser.newPage();
    await page.goto(pathToFileURL(path).href);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the real counts, the verdict, and the run: date, suite, target and its server', async () => {
    const counts = await page.locator('ul.counts li').allTextContents();
    expect(counts.map((c) => c.replace(/\s+/g, ' ').trim())).toEqual([
      '1 Pass',
      '1 Fail',
      '1 Warning',
      '1 Info',
      '1 Not applicable',
      '1 Not testable',
      '6 checks',
    ]);
    await expect(page.locator('.verdict').textContent()).resolves.toContain(
      'Exit code 1. 2 blocking findings: CODE-01, UP-02.',
    );
    const header = (await page.locator('header').textContent()) ?? '';
    expect(header).toContain('2026-11-30 12:00:00 UTC');
    expect(header).toContain('oauth-proxy-conformance');
    expect(header).toContain('example-proxy/2.1.0');
    expect(header).toContain('http://127.0.0.1:8080/mcp');
  });

  it('links every check that is not a pass from the top, and the link opens it', async () => {
    const links = await page.locator('.attention a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links.sort()).toEqual([
      '#check-CODE-01',
      '#check-CODE-04',
      '#check-DISC-12',
      '#check-PKCE-07',
      '#check-UP-02',
    ]);
    await page.locator('.attention a[href="#check-CODE-01"]').click();
    await expect(page.locator('#check-CODE-01').evaluate((d) => (d as HTMLDetailsElement).open)).resolves.toBe(true);
  });

  it('colours a MUST failure red, a warning amber, not applicable and not testable grey', async () => {
    const colour = (id: string) =>
      page.locator(`#check-${id} .badge`).evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await colour('CODE-01')).toBe('rgb(198, 40, 40)');
    expect(await colour('DISC-12')).toBe('rgb(178, 106, 0)');
    expect(await colour('CODE-04')).toBe('rgb(107, 114, 128)');
    expect(await colour('UP-02')).toBe('rgb(107, 114, 128)');
    expect(await colour('DISC-01')).toBe('rgb(46, 125, 50)');
    await expect(page.locator('#check-UP-02 .blocks').textContent()).resolves.toBe('blocks the gate');
  });

  it('gives the check its own file and line, the finding as text (escaped), the trace, and references as links', async () => {
    await page.locator('#check-CODE-01').evaluate((d) => ((d as HTMLDetailsElement).open = true));
    const body = page.locator('#check-CODE-01 .body');
    await expect(body.locator('.where').textContent()).resolves.toContain('checks/example.check.ts:47');
    const finding = (await body.locator('dl.finding').innerText()).replace(/\s+/g, ' ');
    expect(finding).toContain('Expected 400 invalid_grant');
    expect(finding).toContain('Actual 200 with tokens');
    expect(finding).toContain('<script>alert(1)</script>');
    expect(await page.locator('#check-CODE-01 script').count()).toBe(0);
    await expect(body.locator('pre.trace').textContent()).resolves.toContain('POST http://127.0.0.1:8080/token');
    const ref = body.locator('ul.refs a');
    await expect(ref.getAttribute('href')).resolves.toBe('https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2');
    await expect(ref.textContent()).resolves.toBe('RFC 6749 §4.1.2');
  });

  it('quotes the sentence the level comes from, as text, above the finding', async () => {
    await page.locator('#check-CODE-01').evaluate((d) => ((d as HTMLDetailsElement).open = true));
    const quote = page.locator('#check-CODE-01 .body blockquote.quote');
    await expect(quote.textContent()).resolves.toBe(
      `the sentence CODE-01's level comes from: the authorization server MUST <refuse> it & "say so"`,
    );
    expect(await page.locator('#check-CODE-01 refuse').count()).toBe(0);
    await expect(quote.isVisible()).resolves.toBe(true);
    const order = await page
      .locator('#check-CODE-01 .body > *')
      .evaluateAll((els) => els.map((e) => e.className).filter((c) => c === 'quote' || c === 'finding'));
    expect(order).toEqual(['quote', 'finding']);
  });

  it('filters by outcome and by level', async () => {
    const visible = () =>
      page.locator('details.check').evaluateAll((ds) => ds.filter((d) => !(d as HTMLElement).hidden).map((d) => d.id));
    await page.getByLabel('Pass', { exact: true }).uncheck();
    expect(await visible()).not.toContain('check-DISC-01');
    await page.getByLabel('SHOULD', { exact: true }).uncheck();
    expect((await visible()).sort()).toEqual(['check-CODE-01', 'check-PKCE-07', 'check-UP-02']);
    await page.getByLabel('Pass', { exact: true }).check();
    await page.getByLabel('SHOULD', { exact: true }).check();
    expect(await visible()).toHaveLength(6);
  });

  it('shows several runs with their real counts and gates on one index (the demo page)', async () => {
    const clean = newReport(sampleReport().target, {
      startedAt: '2026-11-30T12:00:00.000Z',
      durationMs: 1,
      checks: [check('DISC-01', 'pass', 'MUST')],
    });
    writeFileSync(
      join(dir, 'runs.html'),
      renderRunsIndex('Runs', [
        { name: 'github upstream', href: 'github/index.html', exitCode: 1, report: sampleReport() },
        { name: 'oidc upstream', href: 'oidc/index.html', exitCode: 0, report: clean },
      ]),
    );
    const runs = await browser.newPage();
    await runs.goto(pathToFileURL(join(dir, 'runs.html')).href);
    const rows = await runs
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((cell) => cell.textContent?.trim())));
    expect(rows).toEqual([
      ['github upstream', '1', '1', '1', '1', '1', '1', '6', 'exit 1'],
      ['oidc upstream', '1', '0', '0', '0', '0', '0', '1', 'clean (exit 0)'],
    ]);
    await runs.close();
  });
});
