// JUnit XML for CI systems: one testsuite per check file, one testcase per check. Blocking outcomes are <failure>,
// not-applicable ones <skipped>, warnings and infos pass with their message in <system-out>.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isBlocking } from '../model/vocabulary.ts';
import type { Report } from './report-json.ts';

export function junitXml(report: Report, strict = false): string {
  const byFile = new Map<string, Report['checks']>();
  for (const c of report.checks) byFile.set(c.file, [...(byFile.get(c.file) ?? []), c]);
  const suites = [...byFile.entries()].map(([file, checks]) => {
    const failures = checks.filter((c) => isBlocking(c, strict)).length;
    const skipped = checks.filter((c) => c.outcome === 'not_applicable').length;
    const time = checks.reduce((t, c) => t + c.durationMs, 0) / 1000;
    const cases = checks.map((c) => {
      const name = `${c.id} ${c.title}`;
      const detail = [
        c.message,
        c.expected !== undefined ? `expected: ${c.expected}` : '',
        c.actual !== undefined ? `actual: ${c.actual}` : '',
        ...c.refs.map((r) => `${r.label}: ${r.url}`),
        ...c.notes,
      ]
        .filter(Boolean)
        .join('\n');
      let body = '';
      if (isBlocking(c, strict))
        body = `<failure type="${c.outcome}" message="${esc(`[${c.level}] ${c.message ?? c.outcome}`)}">${esc(detail)}</failure>`;
      else if (c.outcome === 'not_applicable') body = `<skipped message="${esc(c.message ?? 'not applicable')}"/>`;
      else if (detail) body = `<system-out>${esc(`${c.outcome}: ${detail}`)}</system-out>`;
      return `    <testcase classname="${esc(file)}" name="${esc(name)}" time="${(c.durationMs / 1000).toFixed(3)}">${body}</testcase>`;
    });
    return [
      `  <testsuite name="${esc(file)}" tests="${checks.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${time.toFixed(3)}">`,
      ...cases,
      '  </testsuite>',
    ].join('\n');
  });
  const failures = report.checks.filter((c) => isBlocking(c, strict)).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="oauth-proxy-conformance" tests="${report.checks.length}" failures="${failures}" time="${(report.durationMs / 1000).toFixed(3)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

export function writeJunit(dir: string, report: Report, strict = false): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'junit.xml');
  writeFileSync(path, junitXml(report, strict));
  return path;
}

/** XML text/attribute escaping; control characters other than tab/newline are dropped (invalid in XML 1.0). */
export function esc(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  );
}
