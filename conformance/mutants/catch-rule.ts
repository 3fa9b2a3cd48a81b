// The catch rule: a check catches a mutant when it fails or cannot be tested (a missing prerequisite of a MUST is a
// finding). A warning counts only for a SHOULD-level check, whose violation can be nothing stronger, or for a MUST
// check whose SHOULD sub-requirement is what the mutant breaks, declared in the catalog's `expectWarning`.
import type { CheckResult, Level, Outcome } from '../lib/model/vocabulary.ts';

export interface CatchVerdict {
  id: string;
  level: Level;
  outcome: Outcome;
  caught: boolean;
}

export function caughtBy(level: Level, outcome: Outcome, warningExpected = false): boolean {
  if (outcome === 'fail' || outcome === 'not_testable') return true;
  return outcome === 'warning' && (level === 'SHOULD' || warningExpected);
}

export function judge(result: CheckResult, warningExpected = false): CatchVerdict {
  return {
    id: result.id,
    level: result.level,
    outcome: result.outcome,
    caught: caughtBy(result.level, result.outcome, warningExpected),
  };
}
