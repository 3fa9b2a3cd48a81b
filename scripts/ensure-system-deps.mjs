#!/usr/bin/env node
// Makes sure the system parts the tests drive for real exist: Chromium (consent and login pages) and redis-server
// (the multi-instance storage backend). Uses what is there; installs with apt-get when running as root; otherwise
// stops with the exact command to run. Plain JS so that it runs before anything else.
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

const missing = [];
const chromiumOk =
  (process.env.CHROMIUM_PATH !== undefined && existsSync(process.env.CHROMIUM_PATH)) ||
  existsSync('/usr/bin/chromium') ||
  (await playwrightBrowserPresent());
if (!chromiumOk) missing.push('chromium');
if (!has('redis-server')) missing.push('redis-server');

if (missing.length > 0) {
  const cmd = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !has('apt-get')) {
    console.error(`Missing system packages: ${missing.join(', ')}.\nInstall them with:\n  sudo ${cmd}`);
    process.exit(1);
  }
  console.error(`Installing system packages: ${missing.join(', ')}`);
  execFileSync('sh', ['-c', `apt-get update -qq && apt-get install -y -qq ${missing.join(' ')}`], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}
