// The conformance suite runs on Playwright Test. The CLI (cli.ts → run.ts) passes the target through environment
// variables; this file only says where the checks are, how Chromium is launched and where reports go. It sits next
// to the checks so that the same relative paths hold in the source tree (.ts) and in the published package (.js).
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './lib/browser/chromium.ts';

const reportDir = process.env.CONFORMANCE_REPORT_DIR ?? 'conformance-report';
/** `.ts` when run from source, `.js` from the compiled package. */
const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';

export default defineConfig({
  testDir: './checks',
  testMatch: new RegExp(`\\.check\\.${ext}$`),
  // The package is installed under node_modules, which Playwright ignores by default.
  testIgnore: [],
  // Checks within a file run in order (shared read-only flows are memoised per worker); one worker by default
  // keeps the mock IdP's request log unambiguous for the upstream-tier checks.
  fullyParallel: false,
  workers: Number(process.env.CONFORMANCE_WORKERS ?? 1),
  timeout: Number(process.env.CONFORMANCE_CHECK_TIMEOUT_MS ?? 45_000),
  retries: 0,
  outputDir: `${reportDir}/artifacts`,
  // Our reporter only: it writes the suite's own HTML report (lib/report/html-report.ts) from its outcomes, not
  // Playwright's test statuses.
  reporter: [[new URL(`./lib/report/reporter.${ext}`, import.meta.url).pathname]],
  use: {
    launchOptions: chromiumLaunchOptions(),
    // Browser traces would hold unredacted codes and cookies; each check attaches its redacted http-trace.txt.
    trace: process.env.CONFORMANCE_BROWSER_TRACE === 'on' ? 'on' : 'off',
  },
});
