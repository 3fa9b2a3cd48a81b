// The catch rule: a check catches a mutant when it fails or cannot be tested (a missing prerequisite of a MUST is a
// finding); a warning counts only for a SHOULD-level check, whose violation can be nothing stronger.
import type { CheckResult, Level, Outcome } from '../lib/model.ts';

export interface CheckVerdict {
  id: string;
  level: Level;
  outcome: Outcome;
  caught: boolean;
}

export function caughtBy(level: Level, outcome: Outcome): boolean {
  if (outcome === 'fail' || outcome === 'not_testable') return true;
  return outcome === 'warning' && level === 'SHOULD';
}

export function verdict(result: CheckResult): CheckVerdict {
  return {
    id: result.id,
    level: result.level,
    outcome: result.outcome,
    caught: caughtBy(result.level, result.outcome),
  };
}
