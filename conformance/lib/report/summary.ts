// Human output. While the checks run: a line per check with --verbose, otherwise a short progress line every ten.
// At the end: the counts, then the findings (lib/report/findings.ts: checks sharing a root cause or a failed assertion
// are one finding) grouped by what they mean for the gate, blocking ones first, each with its level and outcome, and
// the exit code.
import type { CheckResult, Outcome } from '../model/vocabulary.ts';
import type { Gate, Report } from './report-json.ts';

/** Set to `checks` for a line per check (--verbose). */
export const PROGRESS_ENV = 'CONFORMANCE_PROGRESS';

const MARK: Record<Outcome, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  warning: 'WARN',
  info: 'INFO',
  not_applicable: 'N/A ',
  not_testable: 'NOT-TESTABLE',
};

/** One finished check, in verbose mode. */
export function progressLine(c: CheckResult, index: number, total: number): string {
  const head = `[${String(index).padStart(String(total).length)}/${total}] ${MARK[c.outcome].padEnd(4)} ${c.id.padEnd(11)} ${c.level.padEnd(6)} ${c.title}`;
  const detail = c.outcome === 'pass' || c.outcome === 'not_applicable' ? '' : `\n${indent(failureText(c), 6)}`;
  return `${head} (${c.durationMs} ms)${detail}`;
}

/** Every tenth check (and the last), in the default mode: how far, and what so far. */
export function progressCount(done: CheckResult[], total: number): string | undefined {
  if (done.length % 10 !== 0 && done.length !== total) return undefined;
  return `  ${String(done.length).padStart(String(total).length)}/${total} checks done: ${counts(done)}`;
}

export function failureText(c: CheckResult): string {
  return [
    c.message,
    c.expected !== undefined ? `expected: ${c.expected}` : undefined,
    c.actual !== undefined ? `actual:   ${c.actual}` : undefined,
  ]
    .filter((x): x is string => Boolean(x))
    .join('\n');
}

export function summaryTable(report: Report, gate: Gate, elapsedMs = report.durationMs): string {
  const { target } = report;
  const lines = [
    '',
    `Conformance of ${target.url} (${target.upstream}, MCP ${target.revision}): ${report.summary.total} checks in ${(elapsedMs / 1000).toFixed(1)} s`,
    `  ${counts(report.checks)}`,
  ];
  const findings = report.findings ?? [];
  const blocking = findings.filter((f) => f.blocking);
  const checks = blocking.reduce((n, f) => n + f.checks.length, 0);
  if (findings.length) {
    lines.push(
      `  ${blocking.length} blocking finding${blocking.length === 1 ? '' : 's'} (${checks} check${checks === 1 ? '' : 's'}), ${findings.length - blocking.length} other`,
    );
  }
  const sections = [
    { title: 'Blocking findings', findings: blocking },
    { title: 'Other findings (not blocking)', findings: findings.filter((f) => !f.blocking) },
  ];
  for (const section of sections) {
    if (section.findings.length === 0) continue;
    lines.push('', `${section.title} (${section.findings.length}):`);
    for (const f of section.findings) {
      const ids = f.checks.map((c) => (c.outcome === f.outcome ? c.id : `${c.id} (${c.outcome})`)).join(', ');
      lines.push(`  ${f.level.padEnd(7)} ${f.outcome.padEnd(14)} ${f.summary.replace(/\s+/g, ' ').slice(0, 160)}`);
      lines.push(`  ${''.padEnd(22)} ${ids}`);
    }
  }
  lines.push('');
  if (report.runError) lines.push(`The run broke: ${report.runError}`);
  if (gate.expectedFailures.length) lines.push(`Expected failures (baseline): ${gate.expectedFailures.join(', ')}`);
  if (gate.stale.length) lines.push(`Stale baseline entries (now passing, remove them): ${gate.stale.join(', ')}`);
  lines.push(`Exit code ${gate.exitCode}${gate.strict ? ' (strict)' : ''}: ${exitMeaning(gate, report)}`);
  return lines.join('\n');
}

function exitMeaning(gate: Gate, report: Report): string {
  if (gate.exitCode === 2) return report.runError ? 'the run could not check the target' : 'no check ran';
  if (gate.failing.length > 0) return `blocking findings in ${gate.failing.join(', ')}`;
  if (gate.stale.length > 0) return 'the baseline lists checks that now pass';
  return 'no blocking finding';
}

function counts(checks: readonly CheckResult[]): string {
  const n = (o: Outcome) => checks.filter((c) => c.outcome === o).length;
  return `${n('pass')} pass · ${n('fail')} fail · ${n('warning')} warning · ${n('info')} info · ${n('not_applicable')} not applicable · ${n('not_testable')} not testable`;
}

function indent(s: string, width: number): string {
  return s
    .split('\n')
    .map((l) => `${' '.repeat(width)}${l}`)
    .join('\n');
}
