// The Playwright test every check is declared with: it adds the worker-scoped `session` fixture, one CheckSession per
// worker, whose browser is launched (with the suite's Chromium options) only when a check first needs it.
import { test as base } from '@playwright/test';
import { chromiumLaunchOptions } from '../browser/chromium.ts';
import { CheckSession } from '../session/check-session.ts';
import { settingsFromEnv } from '../target/settings.ts';

export const test = base.extend<object, { session: CheckSession }>({
  session: [
    async ({ playwright }, use) => {
      const session = new CheckSession(settingsFromEnv(), () => playwright.chromium.launch(chromiumLaunchOptions()));
      await use(session);
      await session.close();
    },
    { scope: 'worker' },
  ],
});
