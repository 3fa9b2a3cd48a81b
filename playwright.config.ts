// The conformance suite runs on Playwright Test. The CLI (conformance/bin) passes the target through environment
// variables; this file only says where the checks are, how Chromium is launched and where reports go.
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './conformance/lib/chromium.ts';

const reportDir = process.env.CONFORMANCE_REPORT_DIR ?? 'conformance-report';

export default defineConfig({
  testDir: './conformance/checks',
  testMatch: /.*\.check\.ts$/,
  fullyParallel: false,
  workers: Number(process.env.CONFORMANCE_WORKERS ?? 1),
  timeout: 60_000,
  retries: 0,
  outputDir: `${reportDir}/artifacts`,
  reporter: [['list'], ['html', { outputFolder: `${reportDir}/html`, open: 'never' }]],
  use: {
    launchOptions: chromiumLaunchOptions(),
    trace: 'on',
  },
});
