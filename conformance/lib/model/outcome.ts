// How a check body's result becomes an outcome: violations take the check's level (or a lower one for soft
// findings), a missing prerequisite is "not testable", and an unexpected error counts as a violation.
import { violationOutcome, type Finding, type Level, type Outcome } from './vocabulary.ts';

/**
 * What several checks may share: one defect or one missing prerequisite (no consent page, the consent controls not
 * found, a 5xx from one endpoint) that makes each of them fail or be not testable. The report lists it once, with
 * the checks it explains, instead of as independent findings.
 */
export interface RootCause {
  /** Stable within a run: results with the same key are one finding. */
  key: string;
  /** One line for the summary, e.g. "no consent page: the proxy never asks the user". */
  summary: string;
}

/** The behaviour is wrong. `level` overrides the check's level for a sub-requirement of another keyword. */
export class CheckFailure extends Error {
  override name = 'CheckFailure';
  constructor(
    readonly finding: Finding,
    readonly level?: Level,
    readonly rootCause?: RootCause,
  ) {
    super(describeFinding(finding));
  }
}

/** The feature under test is optional and not offered by the target (e.g. no revocation endpoint). */
export class NotApplicable extends Error {
  override name = 'NotApplicable';
}

/** A prerequisite (metadata, registration, a completed flow) is missing, so the requirement cannot be verified. */
export class NotTestable extends Error {
  override name = 'NotTestable';
  constructor(
    message: string,
    /** The shared reason, when the prerequisite is missing for other checks too. */
    readonly rootCause?: RootCause,
  ) {
    super(message);
  }
}

export interface SoftFinding extends Finding {
  level: Level;
}

export interface ResolvedOutcome {
  outcome: Outcome;
  message?: string;
  expected?: string;
  actual?: string;
  rootCause?: RootCause;
}

const SEVERITY: Record<Outcome, number> = {
  pass: 0,
  not_applicable: 0,
  info: 1,
  warning: 2,
  not_testable: 3,
  fail: 4,
};

export function resolveOutcome(level: Level, error: unknown, soft: SoftFinding[]): ResolvedOutcome {
  if (error instanceof NotApplicable) return { outcome: 'not_applicable', message: error.message };
  if (error instanceof NotTestable) {
    return {
      outcome: 'not_testable',
      message: `not testable: ${error.message}`,
      ...(error.rootCause ? { rootCause: error.rootCause } : {}),
    };
  }
  if (error instanceof CheckFailure) {
    return {
      outcome: violationOutcome(error.level ?? level),
      ...error.finding,
      ...(error.rootCause ? { rootCause: error.rootCause } : {}),
    };
  }
  if (error !== undefined) {
    const message =
      error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
    return { outcome: violationOutcome(level), message: `unexpected: ${message}` };
  }
  let worst: ResolvedOutcome = { outcome: 'pass' };
  for (const f of soft) {
    const outcome = violationOutcome(f.level);
    if (SEVERITY[outcome] > SEVERITY[worst.outcome]) worst = { outcome, ...withoutLevel(f) };
  }
  return worst;
}

function withoutLevel(f: SoftFinding): Finding {
  return {
    message: f.message,
    ...(f.expected !== undefined ? { expected: f.expected } : {}),
    ...(f.actual !== undefined ? { actual: f.actual } : {}),
  };
}

export function describeFinding(f: Finding): string {
  const parts = [f.message];
  if (f.expected !== undefined) parts.push(`expected: ${f.expected}`);
  if (f.actual !== undefined) parts.push(`actual: ${f.actual}`);
  return parts.join('\n');
}
