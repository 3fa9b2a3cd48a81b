// Declares a conformance check as a Playwright test titled "<ID> <title>": the metadata travels as annotations,
// the body's result is resolved into an outcome (see outcome.ts) and recorded for the reporter, and a redacted HTTP
// trace is attached. MUST failures show as (expected) failures in the HTML report; warnings and infos pass with an
// annotation. report.json, not Playwright's status, is the source of truth.
import { test as base } from '@playwright/test';
import { chromiumLaunchOptions } from '../browser/chromium.ts';
import { describeFinding, resolveOutcome } from '../model/outcome.ts';
import { registerCheck } from '../model/registry.ts';
import { Verdict } from '../model/verdict.ts';
import { checkDefinition, type CheckDeclaration } from '../model/vocabulary.ts';
import { CheckSession } from '../session/check-session.ts';
import { settingsFromEnv } from '../target/settings.ts';
import { setCurrentTrace, TraceRecorder } from '../transport/trace.ts';

export const CHECK_ANNOTATION = 'conformance:check';
export const RESULT_ANNOTATION = 'conformance:result';

export const test = base.extend<object, { session: CheckSession }>({
  session: [
    async ({ playwright }, use) => {
      const session = new CheckSession(settingsFromEnv(), () => playwright.chromium.launch(chromiumLaunchOptions()));
      await use(session);
      await session.close();
    },
    { scope: 'worker' },
  ],
});

export type CheckBody = (args: { session: CheckSession; verdict: Verdict }) => Promise<void>;

/** `revisions` may be left out: the check then applies to every MCP revision. */
export function defineCheck(declaration: CheckDeclaration, body: CheckBody): void {
  const def = registerCheck(checkDefinition(declaration));
  const annotation = [
    { type: CHECK_ANNOTATION, description: JSON.stringify(def) },
    { type: 'level', description: def.level },
    ...def.refs.map((r) => ({ type: 'spec', description: `${r.label}: ${r.url}` })),
  ];
  test(`${def.id} ${def.title}`, { annotation }, async ({ session }, testInfo) => {
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
    testInfo.annotations.push({
      type: RESULT_ANNOTATION,
      description: JSON.stringify({ ...resolved, notes: verdict.notes }),
    });
    if (resolved.outcome !== 'pass')
      testInfo.annotations.push({
        type: resolved.outcome,
        description: describeFinding({ message: resolved.message ?? '', ...resolved }),
      });
    for (const note of verdict.notes) testInfo.annotations.push({ type: 'note', description: note });
    await testInfo.attach('http-trace.txt', { body: trace.format() || '(no requests)', contentType: 'text/plain' });
    if (resolved.outcome === 'fail' || (resolved.outcome === 'not_testable' && def.level === 'MUST')) {
      // Marked as an expected failure: the HTML report shows the error and a "fail" badge, while Playwright keeps
      // the worker (and its memoised metadata and flows) alive instead of restarting it after an unexpected failure.
      testInfo.fail();
      throw new Error(
        `${def.id} ${resolved.outcome}: ${describeFinding({ message: resolved.message ?? '', ...resolved })}`,
      );
    }
  });
}
