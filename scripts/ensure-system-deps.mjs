#!/usr/bin/env node
// Makes sure the system parts the tests drive for real exist: Chromium (consent and login pages; Debian's headless
// shell, else the full browser) and redis-server (the multi-instance storage backend). Uses what is there; installs
// with apt-get when running as root; otherwise stops with the exact command to run, or, when only the headless shell
// is missing and the full browser is there, says so and goes on. Plain JS so that it runs before anything else.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

async function playwrightBrowserPresent() {
  try {
    const { chromium } = await import('playwright-core');
    return existsSync(chromium.executablePath());
  } catch {
    return false;
  }
}

/** Why each package is needed, shown before anything is installed. */
const WHY = {
  'chromium-headless-shell':
    'the conformance suite and the browser tests drive consent and login pages in it (Chromium without its user interface, as Playwright runs it headless)',
  'redis-server': 'the Redis storage backend and the multi-instance tests run against a real server',
};
/** Debian's headless shell: the browser conformance/lib/browser/chromium.ts prefers (the same path, kept in step). */
const HEADLESS_SHELL = '/usr/lib/chromium/chromium-headless-shell';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const canInstall = isRoot && has('apt-get');
/** Packages nothing runs without. */
const missing = [];
/** Packages that make the runs faster: installed when apt-get can, otherwise the run goes on without them. */
const wanted = [];
const browserGiven =
  (process.env.CHROMIUM_PATH !== undefined && existsSync(process.env.CHROMIUM_PATH)) ||
  (await playwrightBrowserPresent());
if (!browserGiven && !existsSync(HEADLESS_SHELL)) {
  (existsSync('/usr/bin/chromium') ? wanted : missing).push('chromium-headless-shell');
}
if (!has('redis-server')) missing.push('redis-server');
if (!canInstall && missing.length === 0 && wanted.length > 0) {
  console.error(`Optional: \`sudo apt-get install ${wanted.join(' ')}\` (${WHY[wanted[0]]}); using /usr/bin/chromium.`);
}
if (canInstall) missing.push(...wanted);

if (missing.length > 0) {
  // Only the packages' own dependencies: Chromium's recommended packages (printing, Samba, Perl…) are minutes of
  // downloads that nothing here uses.
  const install = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const reasons = missing.map((name) => `  ${name}: ${WHY[name]}`).join('\n');
  if (!canInstall) {
    console.error(`Missing system packages:\n${reasons}\nInstall them with:\n  sudo apt-get update && sudo ${install}`);
    process.exit(1);
  }
  console.error(`Installing system packages (apt-get, without recommended packages):\n${reasons}`);
  const started = Date.now();
  execFileSync('sh', ['-c', `apt-get update -qq && ${install} -qq`], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  console.error(`Installed ${missing.join(', ')} in ${Math.round((Date.now() - started) / 1000)} s.`);
}
