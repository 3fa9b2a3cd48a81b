// What a check body reports through (`verdict.fail(…)`, `verdict.equal(…)`, `verdict.warn(…)`): a failure with
// expected/actual, soft findings of a lower level, notes, and the two non-results (not applicable, not testable).
import { CheckFailure, NotApplicable, NotTestable, type RootCause, type SoftFinding } from './outcome.ts';
import type { Finding, Level } from './vocabulary.ts';

/** Details of a violation: expected/actual, a level other than the check's, a root cause shared with other checks. */
export interface FailDetail {
  expected?: unknown;
  actual?: unknown;
  level?: Level;
  rootCause?: RootCause;
}

export class Verdict {
  readonly notes: string[] = [];
  readonly soft: SoftFinding[] = [];

  /** The requirement is violated (at the check's level unless `level` says otherwise). */
  fail(message: string, detail: FailDetail = {}): never {
    throw new CheckFailure(finding(message, detail), detail.level, detail.rootCause);
  }

  /** Fails unless `condition` holds. */
  check(condition: boolean, message: string, detail: FailDetail = {}): void {
    if (!condition) this.fail(message, detail);
  }

  equal(actual: unknown, expected: unknown, what: string, level?: Level): void {
    if (actual !== expected) this.fail(`${what} differs`, { expected, actual, ...(level ? { level } : {}) });
  }

  /** Records a lower-level violation and carries on (e.g. a SHOULD inside a MUST check). */
  warn(message: string, detail: { expected?: unknown; actual?: unknown; level?: Level } = {}): void {
    this.soft.push({ level: detail.level ?? 'SHOULD', ...finding(message, detail) });
  }

  note(text: string): void {
    this.notes.push(text);
  }

  notApplicable(reason: string): never {
    throw new NotApplicable(reason);
  }

  notTestable(reason: string, rootCause?: RootCause): never {
    throw new NotTestable(reason, rootCause);
  }
}

function finding(message: string, detail: { expected?: unknown; actual?: unknown }): Finding {
  return {
    message,
    ...(detail.expected !== undefined ? { expected: show(detail.expected) } : {}),
    ...(detail.actual !== undefined ? { actual: show(detail.actual) } : {}),
  };
}

/** Short printable form of a value for expected/actual. */
export function show(value: unknown): string {
  if (typeof value === 'string') return value.length > 300 ? `${value.slice(0, 300)}…` : value;
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 300 ? `${s.slice(0, 300)}…` : s;
}
