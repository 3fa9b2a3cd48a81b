// The exit code: 0 unless a MUST check failed (or was not testable), a SHOULD check did so under --strict, or an
// expected failure listed in the baseline file now passes (a stale baseline hides future regressions).
import { readFileSync } from 'node:fs';
import { isBlocking, type CheckResult } from '../model/vocabulary.ts';
import type { Gate } from './report-json.ts';

export function computeGate(checks: CheckResult[], opts: { strict?: boolean; expectedFailures?: string[] } = {}): Gate {
  const strict = opts.strict ?? false;
  const expected = new Set(opts.expectedFailures ?? []);
  const blocking = new Set(checks.filter((c) => isBlocking(c, strict)).map((c) => c.id));
  const failing = [...blocking].filter((id) => !expected.has(id));
  const expectedFailures = [...blocking].filter((id) => expected.has(id));
  const stale = [...expected].filter((id) => !blocking.has(id));
  return { exitCode: failing.length || stale.length ? 1 : 0, strict, failing, stale, expectedFailures };
}

/** The baseline file: a JSON array of check ids, or `{ "expectedFailures": [ids] }`. */
export function loadExpectedFailures(path: string): string[] {
  const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
  const list = Array.isArray(raw) ? raw : (raw as { expectedFailures?: unknown }).expectedFailures;
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) {
    throw new Error(`${path}: expected a JSON array of check ids or {"expectedFailures": [...]}`);
  }
  return list;
}
