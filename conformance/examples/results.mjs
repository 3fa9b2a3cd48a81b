// Renders the results table of an example's RESULTS.md from its latest runs and its triage.
//
//   node conformance/examples/results.mjs <example>
//
// Reads conformance-report/<example>-github/report.json and conformance-report/<example>-oidc/report.json (what
// run.sh writes; a missing flavor is left out) and conformance/examples/<example>/triage.json (check id → triage
// text, starting with REAL or FALSE), and rewrites the part of RESULTS.md between the `results:begin` and
// `results:end` markers: the counts per flavor, then one row per fail, warning and MUST not_testable. An id without
// a triage is written as UNTRIAGED and the script exits 1, so a re-run after new checks cannot go unnoticed.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const name = process.argv[2];
if (!name) {
  console.error('usage: node conformance/examples/results.mjs <example>');
  process.exit(2);
}
const here = join(dirname(fileURLToPath(import.meta.url)), name);
const root = join(here, '..', '..', '..');
const flavors = ['github', 'oidc']
  .map((flavor) => ({ flavor, file: join(root, 'conformance-report', `${name}-${flavor}`, 'report.json') }))
  .filter(({ file }) => existsSync(file))
  .map(({ flavor, file }) => ({ flavor, report: JSON.parse(readFileSync(file, 'utf8')) }));
if (flavors.length === 0) {
  console.error(`no report under conformance-report/${name}-*/: run conformance/examples/${name}/run.sh first`);
  process.exit(2);
}
const triageFile = join(here, 'triage.json');
const triage = existsSync(triageFile) ? JSON.parse(readFileSync(triageFile, 'utf8')) : {};

const cell = (text) =>
  String(text ?? '')
    .replace(/\s+/g, ' ')
    .replace(/\|/g, '\\|')
    .slice(0, 240);
const notable = (check) =>
  check.outcome === 'fail' ||
  check.outcome === 'warning' ||
  (check.outcome === 'not_testable' && check.level === 'MUST');

const lines = [];
const first = flavors[0].report;
lines.push(
  `Run with suite ${first.tool.version}, MCP revision ${first.target.revision}` +
    (first.target.server ? `, target ${cell(JSON.stringify(first.target.server))}` : '') +
    '.',
  '',
);
const outcomes = ['pass', 'fail', 'warning', 'info', 'not_applicable', 'not_testable', 'total'];
lines.push(`| outcome | ${flavors.map((f) => `harness-${f.flavor}`).join(' | ')} |`);
lines.push(`| --- | ${flavors.map(() => '---').join(' | ')} |`);
for (const outcome of outcomes) {
  lines.push(`| ${outcome.replace('_', ' ')} | ${flavors.map((f) => f.report.summary[outcome] ?? 0).join(' | ')} |`);
}
lines.push(
  `| blocking (gate) | ${flavors.map((f) => f.report.gate.failing.length + f.report.gate.expectedFailures.length).join(' | ')} |`,
  '',
);

const ids = new Set();
for (const { report } of flavors) for (const check of report.checks) if (notable(check)) ids.add(check.id);
const untriaged = [];
lines.push(
  `| id | level | ${flavors.map((f) => f.flavor).join(' | ')} | message: expected → actual | root cause | triage |`,
);
lines.push(`| --- | --- | ${flavors.map(() => '---').join(' | ')} | --- | --- | --- |`);
for (const id of [...ids].sort()) {
  const checks = flavors.map((f) => f.report.checks.find((c) => c.id === id));
  const shown = checks.find((c) => c && notable(c));
  const outcome = (c) => (c ? c.outcome.replace('_', ' ') : '–');
  const text = triage[id];
  if (!text) untriaged.push(id);
  lines.push(
    `| ${id} | ${shown.level} | ${checks.map(outcome).join(' | ')} | ` +
      `${cell(shown.message)}${shown.expected || shown.actual ? `: ${cell(shown.expected)} → ${cell(shown.actual)}` : ''} | ` +
      `${cell(shown.rootCause?.key ?? '')} | ${text ? String(text).replace(/\|/g, '\\|') : '**UNTRIAGED**'} |`,
  );
}

const resultsFile = join(here, 'RESULTS.md');
const doc = readFileSync(resultsFile, 'utf8');
const begin = '<!-- results:begin -->';
const end = '<!-- results:end -->';
const a = doc.indexOf(begin);
const b = doc.indexOf(end);
if (a < 0 || b < a) {
  console.error(`${resultsFile}: no ${begin} … ${end} section`);
  process.exit(2);
}
writeFileSync(resultsFile, `${doc.slice(0, a + begin.length)}\n${lines.join('\n')}\n${doc.slice(b)}`);
const stale = Object.keys(triage).filter((id) => !ids.has(id));
if (stale.length)
  console.log(`triage.json entries no longer failing (now passing or not applicable): ${stale.join(', ')}`);
if (untriaged.length) {
  console.error(`untriaged: ${untriaged.join(', ')} (add them to ${name}/triage.json)`);
  process.exit(1);
}
console.log(`${resultsFile}: ${ids.size} rows`);
