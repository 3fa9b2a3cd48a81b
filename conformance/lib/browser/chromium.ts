// Where Chromium is and how to launch it headless on a locked-down machine. Shared by playwright.config.ts and
// every test that opens a real browser (login pages, consent pages).
import { existsSync } from 'node:fs';
import { chromium, type LaunchOptions } from 'playwright-core';

/** Flags that keep Chromium quiet and offline: no sandbox (root in CI), no GPU, no background traffic. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Debian's headless shell (package chromium-headless-shell): the same engine without the browser's user interface,
 * which is what Playwright itself runs for headless Chromium. On two cores it drives a flow in about two thirds of
 * the time and CPU the full browser takes.
 */
const DEBIAN_HEADLESS_SHELL = '/usr/lib/chromium/chromium-headless-shell';
const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * A Playwright-downloaded browser if present, else `CHROMIUM_PATH`, else Debian's headless shell, else Debian's
 * `/usr/bin/chromium`.
 */
export function chromiumExecutablePath(): string | undefined {
  const bundled = chromium.executablePath();
  if (bundled && existsSync(bundled)) return undefined; // Playwright finds its own
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  return existsSync(DEBIAN_HEADLESS_SHELL) ? DEBIAN_HEADLESS_SHELL : DEBIAN_CHROMIUM;
}

export function chromiumLaunchOptions(): LaunchOptions {
  const executablePath = chromiumExecutablePath();
  return { headless: true, args: CHROMIUM_ARGS, ...(executablePath ? { executablePath } : {}) };
}
