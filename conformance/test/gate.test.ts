import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckResult, Level, Outcome } from '../lib/model/vocabulary.ts';
import { computeGate, loadExpectedFailures } from '../lib/report/gate.ts';

function result(id: string, outcome: Outcome, level: Level = 'MUST'): CheckResult {
  return {
    id,
    title: id,
    level,
    quote: 'The authorization server MUST deny the request.',
    file: 'x.check.ts',
    refs: [],
    revisions: ['2026-07-28'],
    outcome,
    notes: [],
    durationMs: 1,
  };
}

describe('exit-code gate', () => {
  it('exits 0 when only warnings, infos and not-applicable checks remain', () => {
    const gate = computeGate([
      result('A-01', 'pass'),
      result('B-01', 'warning', 'SHOULD'),
      result('C-01', 'not_applicable'),
      result('D-01', 'info', 'MAY'),
    ]);
    expect(gate).toMatchObject({ exitCode: 0, failing: [], stale: [] });
  });

  it('exits 1 on a MUST failure or a not-testable MUST check', () => {
    expect(computeGate([result('A-01', 'fail')]).exitCode).toBe(1);
    expect(computeGate([result('A-01', 'not_testable')]).failing).toEqual(['A-01']);
  });

  it('fails on SHOULD warnings only in strict mode', () => {
    expect(computeGate([result('B-01', 'warning', 'SHOULD')], { strict: true })).toMatchObject({
      exitCode: 1,
      failing: ['B-01'],
    });
  });

  it('tolerates failures listed in the baseline', () => {
    const gate = computeGate([result('A-01', 'fail'), result('B-01', 'pass')], { expectedFailures: ['A-01'] });
    expect(gate).toMatchObject({ exitCode: 0, expectedFailures: ['A-01'], stale: [] });
  });

  it('reports a baseline entry that now passes as stale and exits 1', () => {
    const gate = computeGate([result('A-01', 'pass')], { expectedFailures: ['A-01'] });
    expect(gate).toMatchObject({ exitCode: 1, stale: ['A-01'], failing: [] });
  });

  it('treats a baseline id that no longer exists as stale', () => {
    expect(computeGate([result('A-01', 'pass')], { expectedFailures: ['GONE-01'] }).stale).toEqual(['GONE-01']);
  });

  it('reads a baseline file as an array or an object', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baseline-'));
    writeFileSync(join(dir, 'a.json'), '["A-01","B-02"]');
    writeFileSync(join(dir, 'b.json'), '{"expectedFailures":["C-03"]}');
    writeFileSync(join(dir, 'c.json'), '{"ids":1}');
    expect(loadExpectedFailures(join(dir, 'a.json'))).toEqual(['A-01', 'B-02']);
    expect(loadExpectedFailures(join(dir, 'b.json'))).toEqual(['C-03']);
    expect(() => loadExpectedFailures(join(dir, 'c.json'))).toThrow(/array of check ids/);
  });
});
