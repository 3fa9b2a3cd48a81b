// Public API of the conformance suite: run it programmatically, and the report types it produces.
export type { CheckResult, Level, Outcome, Revision, SpecRef } from './lib/model/vocabulary.ts';
export { computeGate, loadExpectedFailures } from './lib/report/gate.ts';
export type { Gate, Report } from './lib/report/report-json.ts';
export { runConformance } from './run.ts';
export type { ConformanceOptions, ConformanceRun } from './run.ts';
