// The HTML report: one self-contained page per run that tells the suite's own truth (report.json, not Playwright's
// test status). The verdict and the counts first; every check that is not a pass linked from the top; each check
// with its outcome and level as its colour (a MUST failure red, a warning amber, not applicable and not testable
// grey), its own file and line, its finding as text, its redacted HTTP trace, and its spec references as links.
// Filters by outcome and level work with a few lines of script; without script every check is listed.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUTCOMES, type CheckResult, type Level, type Outcome } from '../model/vocabulary.ts';
import type { Report } from './report-json.ts';

export const OUTCOME_LABEL: Record<Outcome, string> = {
  pass: 'Pass',
  fail: 'Fail',
  warning: 'Warning',
  info: 'Info',
  not_applicable: 'Not applicable',
  not_testable: 'Not testable',
};

const LEVELS: readonly Level[] = ['MUST', 'SHOULD', 'MAY'];

/** Writes `index.html` into the report folder (traces are read from the paths report.json names). */
export function writeHtmlReport(dir: string, report: Report): string {
  const traces = new Map<string, string>();
  for (const check of report.checks) {
    if (!check.trace) continue;
    try {
      traces.set(check.id, readFileSync(join(dir, check.trace), 'utf8'));
    } catch {
      // a trace that could not be written is simply not shown
    }
  }
  const path = join(dir, 'index.html');
  writeFileSync(path, renderHtmlReport(report, traces));
  return path;
}

export function renderHtmlReport(report: Report, traces: ReadonlyMap<string, string> = new Map()): string {
  const { target, summary } = report;
  const attention = report.checks.filter((c) => c.outcome !== 'pass');
  const counts = OUTCOMES.map(
    (o) => `<li class="count ${o}"><span class="n">${summary[o] ?? 0}</span> ${OUTCOME_LABEL[o]}</li>`,
  ).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Conformance of ${esc(target.url)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>OAuth proxy conformance of <code>${esc(target.url)}</code></h1>
  <p class="meta">${esc(runLine(report))}</p>
  <dl class="target">
    <dt>Issuer</dt><dd>${target.issuer ? `<code>${esc(target.issuer)}</code>` : "as a client finds it: the resource metadata's <code>authorization_servers</code> (no --issuer given)"}</dd>
    <dt>MCP endpoint</dt><dd><code>${esc(target.mcp)}</code></dd>
    <dt>MCP revision</dt><dd>${esc(target.revision)}</dd>
    <dt>Upstream</dt><dd>${esc(target.upstream)}</dd>
    ${target.server ? `<dt>Target server</dt><dd>${esc(target.server)}</dd>` : ''}
    <dt>Suite</dt><dd>${esc(`${report.tool.name} ${report.tool.version}`)}</dd>
  </dl>
  ${verdictBanner(report)}
  <ul class="counts">${counts}<li class="count total"><span class="n">${summary.total}</span> checks</li></ul>
</header>
${attention.length > 0 ? attentionList(attention) : '<p class="all-pass">Every check passed.</p>'}
${filters()}
<main>
${report.checks.map((c) => checkSection(c, traces.get(c.id))).join('\n')}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/** One line: when, how long, how many. */
function runLine(report: Report): string {
  const when = new Date(report.startedAt);
  const date = Number.isNaN(when.getTime()) ? report.startedAt : when.toISOString().replace('T', ' ').slice(0, 19);
  return `Run ${date} UTC, ${(report.durationMs / 1000).toFixed(1)} s, ${report.summary.total} checks`;
}

function verdictBanner(report: Report): string {
  const gate = report.gate;
  if (report.runError) {
    return `<p class="verdict broken"><strong>The run itself broke:</strong> ${esc(report.runError)}</p>`;
  }
  if (!gate) return '';
  const blocking = gate.failing.length;
  const parts = [
    blocking === 0
      ? `No blocking finding${gate.strict ? ' (strict: SHOULD findings block too)' : ''}.`
      : `${blocking} blocking finding${blocking === 1 ? '' : 's'}: ${gate.failing.join(', ')}.`,
    gate.expectedFailures.length > 0 ? `Expected by the baseline: ${gate.expectedFailures.join(', ')}.` : '',
    gate.stale.length > 0 ? `Stale baseline entries (now passing): ${gate.stale.join(', ')}.` : '',
  ].filter(Boolean);
  const cls = gate.exitCode === 0 ? 'ok' : 'bad';
  return `<p class="verdict ${cls}">Exit code ${gate.exitCode}. ${esc(parts.join(' '))}</p>`;
}

function attentionList(checks: CheckResult[]): string {
  const byOutcome = OUTCOMES.filter((o) => o !== 'pass')
    .map((o) => {
      const some = checks.filter((c) => c.outcome === o);
      if (some.length === 0) return '';
      const items = some
        .map(
          (c) =>
            `<li><a href="#check-${esc(c.id)}">${esc(c.id)}</a> <span class="lvl">${c.level}</span> ${esc(c.title)}</li>`,
        )
        .join('');
      return `<h3 class="${o}">${OUTCOME_LABEL[o]} (${some.length})</h3><ul>${items}</ul>`;
    })
    .join('');
  return `<section class="attention"><h2>Needs attention</h2>${byOutcome}</section>`;
}

function filters(): string {
  const outcomes = OUTCOMES.map(
    (o) => `<label><input type="checkbox" name="outcome" value="${o}" checked> ${OUTCOME_LABEL[o]}</label>`,
  ).join(' ');
  const levels = LEVELS.map(
    (l) => `<label><input type="checkbox" name="level" value="${l}" checked> ${l}</label>`,
  ).join(' ');
  return `<form class="filters" aria-label="Filter checks"><fieldset><legend>Outcome</legend>${outcomes}</fieldset><fieldset><legend>Level</legend>${levels}</fieldset></form>`;
}

function checkSection(c: CheckResult, trace: string | undefined): string {
  const blocking = c.outcome === 'not_testable' && c.level === 'MUST';
  const where = `${c.file}${c.line !== undefined ? `:${c.line}` : ''}`;
  const finding =
    c.outcome === 'pass'
      ? ''
      : `<dl class="finding">
      ${c.message !== undefined ? `<dt>Finding</dt><dd>${esc(c.message)}</dd>` : ''}
      ${c.expected !== undefined ? `<dt>Expected</dt><dd><pre>${esc(c.expected)}</pre></dd>` : ''}
      ${c.actual !== undefined ? `<dt>Actual</dt><dd><pre>${esc(c.actual)}</pre></dd>` : ''}
    </dl>`;
  const notes = c.notes.length > 0 ? `<ul class="notes">${c.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
  const refs = c.refs.map((r) => `<li><a href="${esc(r.url)}" rel="noreferrer">${esc(r.label)}</a></li>`).join('');
  return `<details class="check ${c.outcome}" id="check-${esc(c.id)}" data-outcome="${c.outcome}" data-level="${c.level}">
  <summary><span class="badge ${c.outcome}">${OUTCOME_LABEL[c.outcome]}</span> <span class="lvl">${c.level}</span> <strong>${esc(c.id)}</strong> ${esc(c.title)}${blocking ? ' <span class="blocks">blocks the gate</span>' : ''}</summary>
  <div class="body">
    <p class="where">Defined in <code>${esc(where)}</code>, ${c.durationMs} ms; applies to MCP ${esc(c.revisions.join(', '))}.</p>
    <blockquote class="quote">${esc(c.quote)}</blockquote>
    ${finding}
    ${trace !== undefined ? `<h4>HTTP trace</h4><pre class="trace">${esc(trace)}</pre>` : ''}
    ${notes}
    <h4>Specification</h4><ul class="refs">${refs}</ul>
  </div>
</details>`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const STYLE = `
:root { color-scheme: light dark; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; --red: #c62828;
  --amber: #b26a00; --grey: #6b7280; --green: #2e7d32; --blue: #1565c0; }
body { margin: 0 auto; max-width: 72rem; padding: 1.5rem; line-height: 1.45; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; overflow-wrap: anywhere; }
code, pre { font-family: ui-monospace, monospace; font-size: .85rem; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; }
blockquote.quote { margin: .5rem 0; padding: .3rem .8rem; border-left: 3px solid color-mix(in srgb, CanvasText 30%, transparent);
  font-style: italic; }
.meta { opacity: .8; margin: 0 0 .75rem; }
dl.target, dl.finding { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0; }
dt { opacity: .75; } dd { margin: 0; overflow-wrap: anywhere; }
.verdict { padding: .6rem .9rem; border-radius: 8px; font-weight: 600; }
.verdict.ok { background: color-mix(in srgb, var(--green) 15%, transparent); }
.verdict.bad, .verdict.broken { background: color-mix(in srgb, var(--red) 15%, transparent); }
.counts { display: flex; flex-wrap: wrap; gap: .5rem; list-style: none; padding: 0; }
.count { padding: .3rem .7rem; border-radius: 999px; border: 1px solid color-mix(in srgb, CanvasText 20%, transparent); }
.count .n { font-weight: 700; }
.badge { display: inline-block; min-width: 7.5rem; text-align: center; padding: .1rem .4rem; border-radius: 4px;
  color: #fff; font-size: .8rem; font-weight: 600; }
.badge.pass { background: var(--green); } .badge.fail { background: var(--red); }
.badge.warning { background: var(--amber); } .badge.info { background: var(--blue); }
.badge.not_applicable, .badge.not_testable { background: var(--grey); }
.count.fail .n, h3.fail { color: var(--red); } .count.warning .n, h3.warning { color: var(--amber); }
.count.not_applicable .n, .count.not_testable .n, h3.not_applicable, h3.not_testable { color: var(--grey); }
.blocks { font-size: .75rem; color: var(--red); border: 1px solid var(--red); border-radius: 4px; padding: 0 .3rem; }
.lvl { font-size: .75rem; font-weight: 600; opacity: .8; }
.attention ul { margin: .25rem 0 .75rem; }
.filters { display: flex; gap: 1rem; flex-wrap: wrap; margin: 1rem 0; }
fieldset { border: 1px solid color-mix(in srgb, CanvasText 20%, transparent); border-radius: 8px; }
details.check { border-bottom: 1px solid color-mix(in srgb, CanvasText 12%, transparent); padding: .35rem 0; }
details.check > summary { cursor: pointer; }
.body { padding: .5rem 0 .75rem 1.25rem; }
.trace { max-height: 28rem; overflow: auto; padding: .6rem; border-radius: 6px;
  background: color-mix(in srgb, CanvasText 6%, transparent); }
`;

/** Filters and hash links; without script nothing is hidden. */
const SCRIPT = `
const form = document.querySelector('form.filters');
function apply() {
  const on = (name) => new Set([...form.querySelectorAll('input[name=' + name + ']:checked')].map((i) => i.value));
  const outcomes = on('outcome'), levels = on('level');
  for (const el of document.querySelectorAll('details.check')) {
    el.hidden = !(outcomes.has(el.dataset.outcome) && levels.has(el.dataset.level));
  }
}
form.addEventListener('change', apply);
function openHash() {
  const el = location.hash && document.getElementById(location.hash.slice(1));
  if (el && el.tagName === 'DETAILS') { el.hidden = false; el.open = true; }
}
window.addEventListener('hashchange', openHash);
openHash();
`;

/** One run of several (the demo runs one per upstream flavor). */
export interface RunLink {
  name: string;
  /** Where its index.html is, relative to the page. */
  href: string;
  exitCode: number;
  report?: Report;
}

/** A page linking several runs with their real counts and gate (the demo's conformance-report/index.html). */
export function renderRunsIndex(title: string, runs: readonly RunLink[]): string {
  const header = ['run', ...OUTCOMES.map((o) => OUTCOME_LABEL[o]), 'total', 'gate']
    .map((h) => `<th>${esc(h)}</th>`)
    .join('');
  const rows = runs
    .map(({ name, href, exitCode, report }) => {
      const cells = report
        ? [
            ...OUTCOMES.map((o) => `<td class="${o}">${report.summary[o] ?? 0}</td>`),
            `<td>${report.summary.total}</td>`,
          ]
        : [`<td colspan="${OUTCOMES.length + 1}">no report</td>`];
      const gate = exitCode === 0 ? 'clean (exit 0)' : `exit ${exitCode}`;
      return `<tr class="${exitCode === 0 ? 'ok' : 'bad'}"><th><a href="${esc(href)}">${esc(name)}</a></th>${cells.join('')}<td>${esc(gate)}</td></tr>`;
    })
    .join('\n');
  const when = runs.find((r) => r.report)?.report?.startedAt ?? '';
  const suite = runs.find((r) => r.report)?.report?.tool;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}
table { border-collapse: collapse; } td, th { padding: .3rem .7rem; text-align: right; }
tbody th { text-align: left; } td.fail { color: var(--red); font-weight: 700; } td.warning { color: var(--amber); }
tr.bad th a { color: var(--red); }</style></head>
<body><h1>${esc(title)}</h1>
<p class="meta">${esc(`${when ? `Started ${when.replace('T', ' ').slice(0, 19)} UTC. ` : ''}${suite ? `${suite.name} ${suite.version}.` : ''}`)}</p>
<table><thead><tr>${header}</tr></thead><tbody>
${rows}
</tbody></table>
<p>Open a run for every check with its outcome, level, spec references, finding and the redacted HTTP trace of its
flow. Machine-readable: <code>report.json</code> and <code>junit.xml</code> next to each run's page.</p>
</body></html>
`;
}
