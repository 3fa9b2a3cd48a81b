// One root cause, one finding. A missing consent page makes six checks not testable, a 500 from the token endpoint
// makes seven checks fail: counted per check, the report would read as thirteen independent defects. Results that
// name the same root cause (lib/model/outcome.ts `RootCause`), or fail the same assertion (identical expected and
// actual values), are grouped into one finding; every check keeps its own outcome.
import { isBlocking, type CheckResult, type Level, type Outcome } from '../model/vocabulary.ts';

export interface ReportFinding {
  /**
   * What the grouped results share: a root cause key, `assertion:<expected> → <actual>`, `message:<unexpected error>`,
   * or `check:<id>`.
   */
  key: string;
  /** One line: the root cause's summary, or the failed assertion, or the single check's message. */
  summary: string;
  /** The worst outcome among the grouped results. */
  outcome: Outcome;
  /** The highest level among them. */
  level: Level;
  /** Whether any grouped result breaks the build (without --strict). */
  blocking: boolean;
  checks: { id: string; outcome: Outcome; level: Level }[];
}

const SEVERITY: Record<Outcome, number> = { pass: 0, not_applicable: 0, info: 1, warning: 2, not_testable: 3, fail: 4 };
const RANK: Record<Level, number> = { MAY: 0, SHOULD: 1, MUST: 2 };

/** Only results that report a problem are grouped: failures, not-testables and warnings. */
function isProblem(c: CheckResult): boolean {
  return c.outcome === 'fail' || c.outcome === 'not_testable' || c.outcome === 'warning';
}

function groupOf(c: CheckResult): { key: string; summary: string } {
  if (c.rootCause) return c.rootCause;
  if (c.outcome === 'fail' && c.expected !== undefined && c.actual !== undefined) {
    return {
      key: `assertion:${c.expected} → ${c.actual}`,
      summary: `expected ${c.expected}, got ${c.actual}`,
    };
  }
  // The same unexpected error in several checks (a crash of the suite's own, a browser that went away) is one cause.
  if (c.message?.startsWith('unexpected: ')) return { key: `message:${c.message}`, summary: c.message };
  return { key: `check:${c.id}`, summary: c.message ?? c.outcome };
}

/** The findings of a run, blocking ones first, then by the number of checks they explain. */
export function groupFindings(checks: CheckResult[]): ReportFinding[] {
  const byKey = new Map<string, ReportFinding>();
  for (const c of checks.filter(isProblem)) {
    const { key, summary } = groupOf(c);
    let finding = byKey.get(key);
    if (!finding) {
      finding = { key, summary, outcome: c.outcome, level: c.level, blocking: false, checks: [] };
      byKey.set(key, finding);
    }
    finding.checks.push({ id: c.id, outcome: c.outcome, level: c.level });
    if (SEVERITY[c.outcome] > SEVERITY[finding.outcome]) finding.outcome = c.outcome;
    if (RANK[c.level] > RANK[finding.level]) finding.level = c.level;
    finding.blocking ||= isBlocking(c, false);
  }
  return [...byKey.values()].sort(
    (a, b) =>
      Number(b.blocking) - Number(a.blocking) ||
      SEVERITY[b.outcome] - SEVERITY[a.outcome] ||
      b.checks.length - a.checks.length ||
      a.key.localeCompare(b.key),
  );
}
