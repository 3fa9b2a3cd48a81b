// The suite's Playwright reporter: prints one live progress line per check and writes report.json and junit.xml
// into CONFORMANCE_REPORT_DIR. Outcomes come from the annotations defineCheck records (model/annotations.ts); a test
// that died before recording one (timeout, crash) counts as a violation at the check's level.
import type { FullConfig, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { basename } from 'node:path';
import { readDefinition, readResult } from '../model/annotations.ts';
import type { ResolvedOutcome } from '../model/outcome.ts';
import { violationOutcome, type CheckResult } from '../model/vocabulary.ts';
import { settingsFromEnv } from '../target/settings.ts';
import { writeJunit } from './junit.ts';
import { REPORT_SCHEMA_VERSION, sortChecks, summarise, writeReportJson, type Report } from './report-json.ts';
import { progressLine } from './summary.ts';

export default class ConformanceReporter implements Reporter {
  private readonly results: CheckResult[] = [];
  private total = 0;
  private started = Date.now();

  printsToStdio(): boolean {
    return true;
  }

  onBegin(_config: FullConfig, suite: Suite): void {
    this.total = suite.allTests().length;
    this.started = Date.now();
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const check = checkResultOf(test, result);
    if (!check) return;
    this.results.push(check);
    process.stdout.write(`${progressLine(check, this.results.length, this.total)}\n`);
  }

  onEnd(): void {
    const dir = process.env.CONFORMANCE_REPORT_DIR ?? 'conformance-report';
    let target: Report['target'];
    try {
      const s = settingsFromEnv();
      target = { url: s.target, issuer: s.issuer, mcp: s.mcp, upstream: s.upstream, revision: s.revision };
    } catch {
      target = { url: '', issuer: '', mcp: '', upstream: 'external', revision: '2026-07-28' };
    }
    const checks = sortChecks(this.results);
    const report: Report = {
      schemaVersion: REPORT_SCHEMA_VERSION,
      tool: { name: 'oauth-proxy-conformance', version: '0.1.0' },
      target,
      startedAt: new Date(this.started).toISOString(),
      durationMs: Date.now() - this.started,
      summary: summarise(checks),
      checks,
    };
    writeReportJson(dir, report);
    writeJunit(dir, report);
  }
}

/** Builds a CheckResult from a finished Playwright test, or undefined for tests that are not checks. */
export function checkResultOf(test: TestCase, result: TestResult): CheckResult | undefined {
  const def = readDefinition(test.annotations);
  if (!def) return undefined;
  const recorded = readResult([...result.annotations, ...test.annotations]);
  let resolved: ResolvedOutcome & { notes?: string[] };
  if (recorded) {
    resolved = recorded;
  } else if (result.status === 'passed') {
    resolved = { outcome: 'pass' };
  } else {
    const why = result.status === 'timedOut' ? 'the check timed out' : (result.error?.message ?? result.status);
    resolved = { outcome: violationOutcome(def.level), message: `unexpected: ${stripAnsi(why).slice(0, 500)}` };
  }
  return {
    id: def.id,
    title: def.title,
    level: def.level,
    file: checkFile(test),
    refs: def.refs,
    revisions: def.revisions,
    outcome: resolved.outcome,
    ...(resolved.message !== undefined ? { message: resolved.message } : {}),
    ...(resolved.expected !== undefined ? { expected: resolved.expected } : {}),
    ...(resolved.actual !== undefined ? { actual: resolved.actual } : {}),
    notes: resolved.notes ?? [],
    durationMs: Math.round(result.duration),
  };
}

/** The *.check.ts file the test belongs to (its location is the defineCheck call in lib/check/define-check.ts). */
function checkFile(test: TestCase): string {
  let suite: Suite | undefined = test.parent;
  while (suite && suite.type !== 'file') suite = suite.parent;
  return basename(suite?.location?.file ?? suite?.title ?? test.location.file);
}

function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u001b\[[0-9;]*m/g, '');
}
