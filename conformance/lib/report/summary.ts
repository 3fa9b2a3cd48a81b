// Human output: the live progress line per check and the summary table printed at the end of a run.
import type { CheckResult, Outcome } from '../model/vocabulary.ts';
import type { Gate, Report } from './report-json.ts';

const MARK: Record<Outcome, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  warning: 'WARN',
  info: 'INFO',
  not_applicable: 'N/A ',
  not_testable: 'NOT-TESTABLE',
};

export function progressLine(c: CheckResult, index: number, total: number): string {
  const head = `[${String(index).padStart(String(total).length)}/${total}] ${MARK[c.outcome].padEnd(4)} ${c.id.padEnd(11)} ${c.level.padEnd(6)} ${c.title}`;
  const detail = c.outcome === 'pass' || c.outcome === 'not_applicable' ? '' : `\n${indent(failureText(c))}`;
  return `${head} (${c.durationMs} ms)${detail}`;
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

export function summaryTable(report: Report, gate: Gate): string {
  const s = report.summary;
  const lines = [
    '',
    `Conformance of ${report.target.url} (${report.target.upstream}, MCP ${report.target.revision}) in ${(report.durationMs / 1000).toFixed(1)} s`,
    '',
    '  outcome         count',
    ...(['pass', 'fail', 'warning', 'info', 'not_applicable', 'not_testable'] as const).map(
      (o) => `  ${o.padEnd(15)} ${String(s[o]).padStart(5)}`,
    ),
    `  ${'total'.padEnd(15)} ${String(s.total).padStart(5)}`,
    '',
  ];
  const findings = report.findings ?? [];
  if (findings.length) {
    const blocking = findings.filter((f) => f.blocking);
    const checks = blocking.reduce((n, f) => n + f.checks.length, 0);
    lines.push(
      `  ${blocking.length} blocking finding${blocking.length === 1 ? '' : 's'} (${checks} check${checks === 1 ? '' : 's'}), ${findings.length - blocking.length} other`,
      '',
    );
    for (const f of findings) {
      const ids = f.checks.map((c) => (c.outcome === f.outcome ? c.id : `${c.id} (${c.outcome})`)).join(', ');
      lines.push(`  ${f.level.padEnd(7)} ${f.outcome.padEnd(14)} ${f.summary.replace(/\s+/g, ' ').slice(0, 160)}`);
      lines.push(`  ${''.padEnd(22)} ${ids}`);
    }
    lines.push('');
  }
  if (report.runError) lines.push(`Run error: ${report.runError}`);
  if (gate.expectedFailures.length) lines.push(`Expected failures (baseline): ${gate.expectedFailures.join(', ')}`);
  if (gate.stale.length) lines.push(`Stale baseline entries (now passing, remove them): ${gate.stale.join(', ')}`);
  if (gate.failing.length) lines.push(`Blocking: ${gate.failing.join(', ')}`);
  lines.push(`Exit code ${gate.exitCode}${gate.strict ? ' (strict)' : ''}`);
  return lines.join('\n');
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
}
