// The conformance suite runs on Playwright Test. The CLI (conformance/cli.ts) passes the target through environment
// variables; this file only says where the checks are, how Chromium is launched and where reports go.
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './conformance/lib/browser/chromium.ts';

const reportDir = process.env.CONFORMANCE_REPORT_DIR ?? 'conformance-report';

export default defineConfig({
  testDir: './conformance/checks',
  testMatch: /.*\.check\.ts$/,
  // Checks within a file run in order (shared read-only flows are memoised per worker); one worker by default
  // keeps the mock IdP's request log unambiguous for the upstream-tier checks.
  fullyParallel: false,
  workers: Number(process.env.CONFORMANCE_WORKERS ?? 1),
  timeout: Number(process.env.CONFORMANCE_CHECK_TIMEOUT_MS ?? 45_000),
  retries: 0,
  outputDir: `${reportDir}/artifacts`,
  reporter: [['./conformance/lib/report/reporter.ts'], ['html', { outputFolder: `${reportDir}/html`, open: 'never' }]],
  use: {
    launchOptions: chromiumLaunchOptions(),
    // Browser traces would hold unredacted codes and cookies; each check attaches its redacted http-trace.txt.
    trace: process.env.CONFORMANCE_BROWSER_TRACE === 'on' ? 'on' : 'off',
  },
});
