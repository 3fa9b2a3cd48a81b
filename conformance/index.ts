// Public API of the conformance suite: run it programmatically, and the report types it produces.
export { runConformance } from './run.ts';
export type { ConformanceOptions, ConformanceRun } from './run.ts';
export type { Gate, Report } from './lib/report.ts';
export type { CheckResult, Level, Outcome, Revision, SpecRef } from './lib/model.ts';
export { computeGate, loadExpectedFailures } from './lib/gate.ts';
