// The annotations that carry a check from its worker to the reporter. defineCheck writes them on the Playwright test
// (the definition when the test is declared, the result when the body ends) and the reporter reads them back. The
// HTML report shows the rest: level, spec references, outcome and notes. Writer and reader share this module so they
// cannot drift apart.
import { describeFinding, type ResolvedOutcome } from './outcome.ts';
import type { CheckDefinition } from './vocabulary.ts';

/** A Playwright test annotation, structurally: the model does not depend on Playwright. */
export interface Annotation {
  type: string;
  description?: string;
}

/** A check's result as its worker records it: the resolved outcome and the body's notes. */
export interface RecordedResult extends ResolvedOutcome {
  notes: string[];
}

const DEFINITION = 'conformance:check';

/** The attachment under which defineCheck hands a check's redacted HTTP trace to the reporter. */
export const TRACE_ATTACHMENT = 'http-trace.txt';
const RESULT = 'conformance:result';

/** Declared with the test: the definition for the reporter, and its level and references for a reader. */
export function definitionAnnotations(def: CheckDefinition): Annotation[] {
  return [
    { type: DEFINITION, description: JSON.stringify(def) },
    { type: 'level', description: def.level },
    ...def.refs.map((r) => ({ type: 'spec', description: `${r.label}: ${r.url}` })),
  ];
}

/** Added when the body ends: the result for the reporter, and the finding and notes for a reader. */
export function resultAnnotations(result: RecordedResult): Annotation[] {
  return [
    { type: RESULT, description: JSON.stringify(result) },
    ...(result.outcome !== 'pass' ? [{ type: result.outcome, description: findingText(result) }] : []),
    ...result.notes.map((note) => ({ type: 'note', description: note })),
  ];
}

/** The finding of a result as one text (message, expected, actual). */
export function findingText(result: ResolvedOutcome): string {
  return describeFinding({ message: result.message ?? '', ...result });
}

/** The definition a test was declared with, or undefined for a test that is not a check. */
export function readDefinition(annotations: readonly Annotation[]): CheckDefinition | undefined {
  const found = annotations.find((a) => a.type === DEFINITION)?.description;
  return found ? (JSON.parse(found) as CheckDefinition) : undefined;
}

/** The recorded result, or undefined when the body never finished (a timeout, a crashed worker). */
export function readResult(annotations: readonly Annotation[]): RecordedResult | undefined {
  const found = annotations.find((a) => a.type === RESULT)?.description;
  return found ? (JSON.parse(found) as RecordedResult) : undefined;
}
