// The suite's Playwright reporter: prints one live progress line per check and, at the end, hands the results over to
// run.ts, which gates them and writes report.json and junit.xml (check-run.ts; run directly, it writes them into
// CONFORMANCE_REPORT_DIR itself). Outcomes come from the annotations defineCheck records (model/annotations.ts); a test
// that died before recording one (timeout, crash) counts as a violation at the check's level.
import type { FullConfig, Reporter, Suite, TestCase, TestResult } from '@playwright/test/reporter';
import { basename } from 'node:path';
import { readDefinition, readResult, TRACE_ATTACHMENT } from '../model/annotations.ts';
import type { ResolvedOutcome } from '../model/outcome.ts';
import { LATEST_REVISION, violationOutcome, type CheckResult } from '../model/vocabulary.ts';
import { settingsFromEnv } from '../target/settings.ts';
import { RESULTS_FILE_ENV, writeCheckRun, type CheckRun } from './check-run.ts';
import { writeJunit } from './junit.ts';
import { newReport, reportTarget, sortChecks, writeReportJson, type Report } from './report-json.ts';
import { writeHtmlReport } from './html-report.ts';
import { progressCount, progressLine, PROGRESS_ENV } from './summary.ts';
import { writeTrace } from './traces.ts';

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
    const trace = result.attachments.find((a) => a.name === TRACE_ATTACHMENT)?.body;
    if (trace) check.trace = writeTrace(reportDir(), check.id, trace);
    this.results.push(check);
    const line =
      process.env[PROGRESS_ENV] === 'checks'
        ? progressLine(check, this.results.length, this.total)
        : progressCount(this.results, this.total);
    if (line) process.stdout.write(`${line}\n`);
  }

  onEnd(): void {
    const run: CheckRun = {
      startedAt: new Date(this.started).toISOString(),
      durationMs: Date.now() - this.started,
      checks: sortChecks(this.results),
    };
    const handOver = process.env[RESULTS_FILE_ENV];
    if (handOver) {
      writeCheckRun(handOver, run);
      return;
    }
    const dir = reportDir();
    const report = newReport(targetFromEnv(), run);
    writeReportJson(dir, report);
    writeJunit(dir, report);
    writeHtmlReport(dir, report);
  }
}

function reportDir(): string {
  return process.env.CONFORMANCE_REPORT_DIR ?? 'conformance-report';
}

/** The target as the workers saw it, for a report written without run.ts. */
function targetFromEnv(): Report['target'] {
  try {
    return reportTarget(settingsFromEnv());
  } catch {
    return { url: '', issuer: '', mcp: '', upstream: 'external', revision: LATEST_REVISION };
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
    const timedOut = result.status === 'timedOut';
    const why = timedOut ? 'the check timed out' : (result.error?.message ?? result.status);
    resolved = {
      outcome: violationOutcome(def.level),
      message: `unexpected: ${stripAnsi(why).slice(0, 500)}`,
      ...(timedOut ? { rootCause: { key: 'check-timeout', summary: 'checks hit their time limit' } } : {}),
    };
  }
  return {
    id: def.id,
    title: def.title,
    level: def.level,
    quote: def.quote,
    file: def.location?.file ?? checkFile(test),
    ...(def.location ? { line: def.location.line } : {}),
    refs: def.refs,
    revisions: def.revisions,
    outcome: resolved.outcome,
    ...(resolved.message !== undefined ? { message: resolved.message } : {}),
    ...(resolved.expected !== undefined ? { expected: resolved.expected } : {}),
    ...(resolved.actual !== undefined ? { actual: resolved.actual } : {}),
    notes: resolved.notes ?? [],
    durationMs: Math.round(result.duration),
    ...(resolved.rootCause ? { rootCause: resolved.rootCause } : {}),
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
