// `npm run demo`: the kit end to end, unattended. For each mock upstream (GitHub-style and OIDC) the conformance CLI
// starts the mock IdP, starts the reference proxy with the mock's UPSTREAM_* settings, tells the suite about its
// step-up tool (reference-target.ts), runs every check, and writes its reports under conformance-report/<flavor>/;
// an index page links both. Exit code 1 if either run is not clean.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './lib/target/free-port.ts';
import { REFERENCE_PROXY_ENV, REFERENCE_TARGET_DESCRIPTION } from './reference-target.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const reportRoot = join(root, 'conformance-report');
const flavors = ['github', 'oidc'] as const;

interface Summary {
  total: number;
  pass: number;
  fail: number;
  warning: number;
  info: number;
  not_applicable: number;
  not_testable: number;
}

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
    `node ${JSON.stringify(join(root, 'proxy/bin/mcp-oauth-proxy.js'))}`,
    '--report',
    join(reportRoot, flavor),
    '--target-file',
    targetFile,
  ];
  const env = { ...process.env, ...REFERENCE_PROXY_ENV };
  return new Promise((resolveCode) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
    child.on('exit', (code) => resolveCode(code ?? 1));
  });
}

function indexPage(rows: Array<{ flavor: string; code: number; summary?: Summary }>): string {
  const cells = rows
    .map(({ flavor, code, summary: s }) => {
      const counts = s
        ? `<td>${s.pass}</td><td>${s.fail}</td><td>${s.warning}</td><td>${s.not_applicable}</td><td>${s.not_testable}</td>`
        : '<td colspan="5">no report</td>';
      return `<tr><th><a href="${flavor}/html/index.html">${flavor}</a></th>${counts}<td>${code === 0 ? 'clean' : `exit ${code}`}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>OAuth proxy conformance demo</title>
<style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto}td,th{padding:.3rem .8rem;text-align:right}th:first-child{text-align:left}</style>
<h1>Reference proxy conformance</h1>
<p>Each run: mock upstream IdP + reference proxy + the whole suite. Open a run for every check with its spec
references, and its trace for every request and response of the flow (secrets redacted).</p>
<table><tr><th>upstream</th><th>pass</th><th>fail</th><th>warning</th><th>n/a</th><th>not testable</th><th>gate</th></tr>
${cells}</table>
<p>Machine-readable: <code>&lt;upstream&gt;/report.json</code> and <code>&lt;upstream&gt;/junit.xml</code>.</p>
</html>\n`;
}

const rows: Array<{ flavor: string; code: number; summary?: Summary }> = [];
for (const flavor of flavors) {
  process.stdout.write(`\n=== ${flavor} upstream ===\n`);
  const code = await run(flavor, await freePort());
  let summary: Summary | undefined;
  try {
    summary = (JSON.parse(readFileSync(join(reportRoot, flavor, 'report.json'), 'utf8')) as { summary: Summary })
      .summary;
  } catch {
    summary = undefined;
  }
  rows.push({ flavor, code, ...(summary ? { summary } : {}) });
}
mkdirSync(reportRoot, { recursive: true });
writeFileSync(join(reportRoot, 'index.html'), indexPage(rows));
process.stdout.write(`\nDemo report: ${join('conformance-report', 'index.html')}\n`);
for (const { flavor, code, summary } of rows) {
  process.stdout.write(
    `  ${flavor.padEnd(7)} ${code === 0 ? 'clean' : `exit ${code}`}  ${JSON.stringify(summary ?? {})}\n`,
  );
}
process.exit(rows.every((r) => r.code === 0) ? 0 : 1);
