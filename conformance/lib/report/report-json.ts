// report.json: the stable, documented result of a run (schema in conformance/report.schema.json). Every check
// appears with its id, level, references and outcome, so tools (CI gates, mutant runners) can rely on it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUTCOMES, type CheckResult, type Outcome, type Revision } from '../model/vocabulary.ts';
import type { SuiteSettings, UpstreamMode } from '../target/settings.ts';
import type { CheckRun } from './check-run.ts';
import { suiteVersion } from './suite-version.ts';
import { groupFindings, type ReportFinding } from './findings.ts';

export const REPORT_SCHEMA_VERSION = 1;

export interface Gate {
  exitCode: number;
  strict: boolean;
  /** Blocking results not covered by the expected-failures file. */
  failing: string[];
  /** Ids in the expected-failures file that did not fail (stale baseline entries). */
  stale: string[];
  /** Blocking results covered by the expected-failures file. */
  expectedFailures: string[];
}

export interface Report {
  schemaVersion: number;
  tool: { name: string; version: string };
  target: {
    url: string;
    issuer: string;
    mcp: string;
    upstream: UpstreamMode;
    revision: Revision;
    /** What the target says it runs (its Server or X-Powered-By header), when it says so. */
    server?: string;
  };
  startedAt: string;
  durationMs: number;
  summary: Record<Outcome, number> & { total: number };
  checks: CheckResult[];
  /** The problems of the run grouped by root cause (findings.ts): one finding may explain several checks. */
  findings: ReportFinding[];
  gate?: Gate;
  /** Set when the run itself broke (e.g. the Playwright runner failed); checks may then be incomplete. */
  runError?: string;
}

/** A report of a run's checks (no gate yet: run.ts adds it). */
export function newReport(target: Report['target'], run: CheckRun): Report {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'oauth-proxy-conformance', version: suiteVersion() },
    target,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    summary: summarise(run.checks),
    checks: run.checks,
    findings: groupFindings(run.checks),
  };
}

export function reportTarget(settings: SuiteSettings): Report['target'] {
  return {
    url: settings.target,
    // '' when the expected issuer is read from the resource metadata (no --issuer).
    issuer: settings.issuer ?? '',
    mcp: settings.mcp,
    upstream: settings.upstream,
    revision: settings.revision,
  };
}

export function summarise(checks: CheckResult[]): Report['summary'] {
  const summary = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const c of checks) summary[c.outcome]++;
  return { total: checks.length, ...summary };
}

/** Checks sorted by id (numeric within a prefix) so reports diff cleanly between runs. */
export function sortChecks(checks: CheckResult[]): CheckResult[] {
  return [...checks].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

export function writeReportJson(dir: string, report: Report): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'report.json');
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}

export function readReportJson(dir: string): Report {
  return JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
}
