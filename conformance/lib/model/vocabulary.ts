// The vocabulary of the suite: levels taken from the spec keyword, outcomes, spec references and the MCP revisions a
// check applies to. Shared by the checks, the reporter, report.json and the exit-code gate.

/** MUST → failure, SHOULD (and interop) → warning, MAY → info. */
export type Level = 'MUST' | 'SHOULD' | 'MAY';

export type Outcome = 'pass' | 'fail' | 'warning' | 'info' | 'not_applicable' | 'not_testable';

export const OUTCOMES: readonly Outcome[] = ['pass', 'fail', 'warning', 'info', 'not_applicable', 'not_testable'];

export type Revision = '2025-06-18' | '2025-11-25' | '2026-07-28';

export const REVISIONS: readonly Revision[] = ['2025-06-18', '2025-11-25', '2026-07-28'];

export const LATEST_REVISION: Revision = '2026-07-28';

/** Revisions from `first` onward (a requirement introduced in that revision). */
export function since(first: Revision): Revision[] {
  return REVISIONS.slice(REVISIONS.indexOf(first));
}

export interface SpecRef {
  /** Human label, e.g. `RFC 8414 §3.3`. */
  label: string;
  url: string;
}

export interface CheckDefinition {
  /** Stable id from conformance/requirements.md (`DISC-06`); never renumbered once published. */
  id: string;
  /** A behaviour sentence: what a correct proxy does. */
  title: string;
  level: Level;
  /**
   * The normative sentence the level comes from, verbatim from one of `refs` (elisions marked "[…]"): MUST → fail,
   * SHOULD → warning, MAY → info. It is the catalogue's text (conformance/requirements.md is generated from it) and
   * the HTML report shows it with the check.
   */
  quote: string;
  refs: SpecRef[];
  /** MCP revisions the check applies to; on others it is reported as not applicable. */
  revisions: Revision[];
  /** Upstream-tier checks need the instrumented harness (mock IdP request log). */
  needsHarness?: boolean;
  /** Where the check is defined (the defineCheck call), relative to the suite's folder; filled in by defineCheck. */
  location?: { file: string; line: number };
}

/**
 * A definition as a check file writes it: most requirements hold in every MCP revision, so `revisions` may be left
 * out and then means all of them; a check of a newer or older revision says which (`since('2025-11-25')`).
 */
export type CheckDeclaration = Omit<CheckDefinition, 'revisions' | 'location'> & { revisions?: Revision[] };

/** The definition of a declared check, `revisions` filled in. */
export function checkDefinition(declaration: CheckDeclaration): CheckDefinition {
  return { ...declaration, revisions: declaration.revisions ?? [...REVISIONS] };
}

/** What a check body reports when the behaviour is wrong: expected and actual as short strings. */
export interface Finding {
  message: string;
  expected?: string;
  actual?: string;
}

/** One check's result as written to report.json. */
export interface CheckResult {
  id: string;
  title: string;
  level: Level;
  /** The normative sentence the level comes from, verbatim from one of `refs`. */
  quote: string;
  /** The check's file, relative to the suite's folder (`checks/pkce.check.ts`). */
  file: string;
  /** The line of its defineCheck call in that file. */
  line?: number;
  refs: SpecRef[];
  revisions: Revision[];
  outcome: Outcome;
  message?: string;
  expected?: string;
  actual?: string;
  /** Extra observations (soft findings of lower level, what was probed). */
  notes: string[];
  durationMs: number;
  /** The redacted HTTP trace of the check, relative to the report folder (`traces/PKCE-05.txt`). */
  trace?: string;
  /** The cause this result shares with other checks' results (see `findings` in report.json). */
  rootCause?: { key: string; summary: string };
}

/** The outcome a violated requirement of this level produces. */
export function violationOutcome(level: Level): Outcome {
  return level === 'MUST' ? 'fail' : level === 'SHOULD' ? 'warning' : 'info';
}

/** Whether a result breaks the build: MUST failures always, SHOULD ones only in strict mode. */
export function isBlocking(result: Pick<CheckResult, 'outcome' | 'level'>, strict: boolean): boolean {
  switch (result.outcome) {
    case 'fail':
      return true;
    case 'not_testable':
      return result.level === 'MUST' || (strict && result.level === 'SHOULD');
    case 'warning':
      return strict;
    default:
      return false;
  }
}
