// `npm run demo`: the kit end to end, unattended. For each mock upstream (GitHub-style and OIDC) the conformance CLI
// starts the mock IdP, starts the reference proxy with the mock's UPSTREAM_* settings, tells the suite about its
// step-up tool (reference-target.ts), runs every check, and writes its reports under conformance-report/<flavor>/;
// an index page links both. Exit code 1 if either run is not clean. Arguments go to both suite runs (e.g.
// `npm run demo -- --workers 2`, `npm run demo -- --grep '^CONSENT-'`).
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderRunsIndex, type RunLink } from './lib/report/html-report.ts';
import { readReportJson, type Report } from './lib/report/report-json.ts';
import { freePort } from './lib/target/free-port.ts';
import { REFERENCE_PROXY_ENV, REFERENCE_TARGET_DESCRIPTION, referenceTargetCommand } from './reference-target.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const reportRoot = join(root, 'conformance-report');
const flavors = ['github', 'oidc'] as const;

function run(flavor: (typeof flavors)[number], port: number): Promise<number> {
  const targetFile = join(reportRoot, `${flavor}-target.json`);
  mkdirSync(reportRoot, { recursive: true });
  writeFileSync(targetFile, `${JSON.stringify(REFERENCE_TARGET_DESCRIPTION, null, 2)}\n`);
  const args = [
    join(root, 'conformance/bin/oauth-proxy-conformance.js'),
    '--target',
    `http://127.0.0.1:${port}`,
    '--upstream',
    `harness-${flavor}`,
    '--target-command',
    referenceTargetCommand(join(root, 'proxy/bin/mcp-oauth-proxy.js')),
    '--report',
    join(reportRoot, flavor),
    '--target-file',
    targetFile,
    ...process.argv.slice(2),
  ];
  const env = { ...process.env, ...REFERENCE_PROXY_ENV };
  return new Promise((resolveCode) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
    child.on('exit', (code) => resolveCode(code ?? 1));
  });
}

const runs: RunLink[] = [];
for (const flavor of flavors) {
  process.stdout.write(`\n=== ${flavor} upstream ===\n`);
  const exitCode = await run(flavor, await freePort());
  let report: Report | undefined;
  try {
    report = readReportJson(join(reportRoot, flavor));
  } catch {
    report = undefined;
  }
  runs.push({ name: `${flavor} upstream`, href: `${flavor}/index.html`, exitCode, ...(report ? { report } : {}) });
}
mkdirSync(reportRoot, { recursive: true });
writeFileSync(join(reportRoot, 'index.html'), renderRunsIndex('Reference proxy conformance', runs));
process.stdout.write(`\nDemo report: ${join('conformance-report', 'index.html')}\n`);
for (const { name, exitCode, report } of runs) {
  const counts = report ? JSON.stringify(report.summary) : 'no report';
  process.stdout.write(`  ${name.padEnd(16)} ${exitCode === 0 ? 'clean' : `exit ${exitCode}`}  ${counts}\n`);
}
process.exit(runs.every((r) => r.exitCode === 0) ? 0 : 1);
