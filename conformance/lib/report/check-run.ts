// The hand-over from our Playwright reporter to run.ts. The reporter lives in the `playwright test` child process,
// while run.ts owns the exit-code gate and writes report.json and junit.xml, once, with the gate in them. So the
// reporter hands over only what the checks produced (sorted results, start and duration) as JSON in the file named by
// CONFORMANCE_RESULTS_FILE. Without that variable (`npx playwright test` run directly, no run.ts) there is no
// one to hand over to, and the reporter writes the reports itself, without a gate.
import { readFileSync, writeFileSync } from 'node:fs';
import type { CheckResult } from '../model/vocabulary.ts';

export const RESULTS_FILE_ENV = 'CONFORMANCE_RESULTS_FILE';

/** The raw results of one Playwright run. */
export interface CheckRun {
  /** ISO 8601 time the run began. */
  startedAt: string;
  durationMs: number;
  /** Sorted by id (report-json.ts `sortChecks`). */
  checks: CheckResult[];
}

export function writeCheckRun(path: string, run: CheckRun): void {
  writeFileSync(path, JSON.stringify(run));
}

/** The handed-over results, or undefined when the run left none (it crashed or was stopped first). */
export function readCheckRun(path: string): CheckRun | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as CheckRun;
  } catch {
    return undefined;
  }
}
