// Declares a conformance check as a Playwright test titled "<ID> <title>": the metadata travels as annotations
// (model/annotations.ts), the body's result is resolved into an outcome (model/outcome.ts) and recorded for the
// reporter, and a redacted HTTP trace is attached. MUST failures show as (expected) failures in the HTML report;
// warnings and infos pass with an annotation. report.json, not Playwright's status, is the source of truth.
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { definitionAnnotations, findingText, resultAnnotations, TRACE_ATTACHMENT } from '../model/annotations.ts';
import { resolveOutcome } from '../model/outcome.ts';
import { registerCheck } from '../model/registry.ts';
import { Verdict } from '../model/verdict.ts';
import { checkDefinition, type CheckDeclaration } from '../model/vocabulary.ts';
import type { CheckSession } from '../session/check-session.ts';
import { setCurrentTrace, TraceRecorder } from '../transport/trace.ts';
import { test } from './session-fixture.ts';

export type CheckBody = (args: { session: CheckSession; verdict: Verdict }) => Promise<void>;

/** `revisions` may be left out: the check then applies to every MCP revision. */
export function defineCheck(declaration: CheckDeclaration, body: CheckBody): void {
  const location = callerLocation();
  const def = registerCheck({ ...checkDefinition(declaration), ...(location ? { location } : {}) });
  test(`${def.id} ${def.title}`, { annotation: definitionAnnotations(def) }, async ({ session }, testInfo) => {
    const verdict = new Verdict();
    const trace = new TraceRecorder();
    setCurrentTrace(trace);
    let error: unknown;
    try {
      if (!def.revisions.includes(session.settings.revision)) {
        verdict.notApplicable(`applies to MCP ${def.revisions.join(', ')}, not ${session.settings.revision}`);
      }
      if (def.needsHarness) session.requireHarness();
      await body({ session, verdict });
    } catch (err) {
      error = err;
    } finally {
      setCurrentTrace(undefined);
    }
    const resolved = resolveOutcome(def.level, error, verdict.soft);
    testInfo.annotations.push(...resultAnnotations({ ...resolved, notes: verdict.notes }));
    await testInfo.attach(TRACE_ATTACHMENT, { body: trace.format() || '(no requests)', contentType: 'text/plain' });
    if (resolved.outcome === 'fail' || (resolved.outcome === 'not_testable' && def.level === 'MUST')) {
      // Marked as an expected failure: the HTML report shows the error and a "fail" badge, while Playwright keeps
      // the worker (and its memoised metadata and flows) alive instead of restarting it after an unexpected failure.
      testInfo.fail();
      throw new Error(`${def.id} ${resolved.outcome}: ${findingText(resolved)}`);
    }
  });
}

/**
 * The file and line that called defineCheck, from the stack, as `checks/<name>` (stack frames may be source-mapped
 * from the compiled package back to the TypeScript source, so only the part from `checks/` on is kept).
 */
function callerLocation(): { file: string; line: number } | undefined {
  const frame = new Error().stack?.split('\n')[3] ?? '';
  const match = /\(?((?:file:\/\/)?[^()\s]+):(\d+):\d+\)?$/.exec(frame.trim());
  if (!match?.[1] || !match[2]) return undefined;
  const path = (match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1]).split(sep).join('/');
  const from = path.lastIndexOf('/checks/');
  return { file: from >= 0 ? path.slice(from + 1) : path, line: Number(match[2]) };
}
