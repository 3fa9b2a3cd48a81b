// Declares a conformance check as a Playwright test titled "<ID> <title>": the metadata travels as annotations
// (model/annotations.ts), the body's result is resolved into an outcome (model/outcome.ts) and recorded for the
// reporter, and a redacted HTTP trace is attached. MUST failures show as (expected) failures in the HTML report;
// warnings and infos pass with an annotation. report.json, not Playwright's status, is the source of truth.
import { basename, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { definitionAnnotations, findingText, resultAnnotations, TRACE_ATTACHMENT } from '../model/annotations.ts';
import { CheckFailure, resolveOutcome } from '../model/outcome.ts';
import { registerCheck } from '../model/registry.ts';
import { GREP_ENV, isSelected } from '../model/selection.ts';
import { Verdict } from '../model/verdict.ts';
import { checkDefinition, type CheckDeclaration } from '../model/vocabulary.ts';
import type { CheckSession } from '../session/check-session.ts';
import { redactUrl } from '../transport/redact.ts';
import { setCurrentTrace, TraceRecorder } from '../transport/trace.ts';
import { safeOrigin } from '../transport/url.ts';
import { startLifetimeWaits } from './lifetimes.ts';
import { test } from './session-fixture.ts';
import { startUndeliveredDocument } from './undelivered-document.ts';

/** The files of the checks that wait in the background, as their names sort among the others (`.ts` or `.js`). */
const LIFETIME_CHECKS_FILE = 'waited-lifetimes.check.';
const DOCUMENT_CHECKS_FILE = 'client-id-metadata.check.';

export type CheckBody = (args: { session: CheckSession; verdict: Verdict }) => Promise<void>;

/** `revisions` may be left out: the check then applies to every MCP revision. */
export function defineCheck(declaration: CheckDeclaration, body: CheckBody): void {
  const location = callerLocation();
  const def = registerCheck({ ...checkDefinition(declaration), ...(location ? { location } : {}) });
  // A check outside --grep is not declared at all, so Playwright neither runs nor lists it.
  if (!isSelected(def, process.env[GREP_ENV])) return;
  test(`${def.id} ${def.title}`, { annotation: definitionAnnotations(def) }, async ({ session }, testInfo) => {
    // With one worker, files run in order: while the checks that wait (CIMD-11, the lifetimes) are still to come,
    // their waits start now, to elapse next to this check and the ones after it (before this check's trace is set:
    // each wait has its own). CIMD-11's goes first: its steps are two quick requests, and its wait is the one the
    // next files meet soonest. The check's file is its declaration's location (testInfo.file names this module).
    const file = basename(def.location?.file ?? '');
    if (testInfo.config.workers === 1) {
      if (file < DOCUMENT_CHECKS_FILE) startUndeliveredDocument(session);
      if (file < LIFETIME_CHECKS_FILE) startLifetimeWaits(session);
    }
    const verdict = new Verdict();
    const trace = new TraceRecorder();
    setCurrentTrace(trace);
    let error: unknown;
    try {
      if (!def.revisions.includes(session.settings.revision)) {
        verdict.notApplicable(`applies to MCP ${def.revisions.join(', ')}, not ${session.settings.revision}`);
      }
      if (def.needsHarness) session.requireHarness();
      // The lifetime stage's work may go first (session/turns.ts): the wait for the turn is not the check's time, so
      // there is no timeout meanwhile, and the check's own begins with its turn.
      const budget = testInfo.timeout;
      const queued = Date.now();
      if (budget > 0) testInfo.setTimeout(0);
      await session.turns.take(() => {
        if (budget > 0) testInfo.setTimeout(budget + (Date.now() - queued));
        // A wait on another check's work (CIMD-11's pending document) is not this check's time either.
        session.untimed = async (work) => {
          const before = testInfo.timeout;
          const since = Date.now();
          if (before > 0) testInfo.setTimeout(0);
          try {
            return await work;
          } finally {
            if (before > 0) testInfo.setTimeout(before + (Date.now() - since));
          }
        };
        return body({ session, verdict });
      });
    } catch (err) {
      error = err;
    } finally {
      setCurrentTrace(undefined);
      session.untimed = (work) => work;
    }
    error = withServerErrors(error, trace, session, verdict);
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

/**
 * The suite-wide 5xx rule: a 5xx from the target (proxy or MCP endpoint) seen anywhere inside a check is a finding,
 * whatever the check probed. RFC 9110 §15.6: a 5xx says "the server is aware that it has erred or is incapable of
 * performing the requested method"; every request the suite sends is answerable, the malformed ones with the
 * error the relevant RFC defines (RFC 6749 §4.1.2.1 and §5.2: "The authorization server responds with an HTTP 400
 * (Bad Request) status code (unless specified otherwise)"). So it fails at MUST level, shows the request, and takes
 * precedence over every other result: over "not testable" (the 5xx is why the prerequisite is missing), over a pass
 * (an error page with status 500 is not a refusal), and over the body's own failure (its consequence, kept in a note).
 */
function withServerErrors(error: unknown, trace: TraceRecorder, session: CheckSession, verdict: Verdict): unknown {
  const origins = new Set([session.targetOrigin, safeOrigin(session.settings.mcp)]);
  const seen = trace.serverErrors.filter((e) => origins.has(safeOrigin(e.url)));
  const first = seen[0];
  if (!first) return error;
  const where = `${first.method} ${new URL(first.url).pathname}`;
  const all = seen.map((e) => `${e.status} ${e.method} ${new URL(e.url).pathname}`).join(', ');
  // The 5xx is the finding (and the root cause shared by every check that met it); what the body concluded from the
  // broken answer stays readable in a note.
  if (error instanceof CheckFailure) verdict.note(`the check's own finding: ${error.message.replace(/\n/g, '; ')}`);
  else if (error instanceof Error) verdict.note(`the check's own result: ${error.message}`);
  return new CheckFailure(
    {
      message: `the target answered ${first.status} to ${where}: a 5xx is never a correct answer to a client's request`,
      expected: 'a 2xx, 3xx or 4xx answer',
      actual: `${first.status} ${first.method} ${redactUrl(first.url)}${first.body ? ` ${first.body}` : ''}${seen.length > 1 ? ` (and ${seen.length - 1} more: ${all})` : ''}`,
    },
    'MUST',
    {
      key: `5xx ${where}`,
      summary: `${first.status} from ${where}: the target answers a client's request with a server error`,
    },
  );
}
