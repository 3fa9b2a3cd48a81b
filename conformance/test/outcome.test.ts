import { describe, expect, it } from 'vitest';
import { CheckFailure, NotApplicable, NotTestable, resolveOutcome } from '../lib/model/outcome.ts';
import { Verdict } from '../lib/model/verdict.ts';
import { isBlocking, type Level } from '../lib/model/vocabulary.ts';

function run(level: Level, body: (verdict: Verdict) => void) {
  const verdict = new Verdict();
  let error: unknown;
  try {
    body(verdict);
  } catch (err) {
    error = err;
  }
  return resolveOutcome(level, error, verdict.soft);
}

describe('outcomes', () => {
  it('maps a violation to the level: MUST fail, SHOULD warning, MAY info', () => {
    expect(run('MUST', (verdict) => verdict.fail('x')).outcome).toBe('fail');
    expect(run('SHOULD', (verdict) => verdict.fail('x')).outcome).toBe('warning');
    expect(run('MAY', (verdict) => verdict.fail('x')).outcome).toBe('info');
  });

  it('keeps expected and actual of a failure', () => {
    const r = run('MUST', (verdict) => verdict.equal(401, 200, 'status'));
    expect(r).toMatchObject({ outcome: 'fail', message: 'status differs', expected: '200', actual: '401' });
  });

  it('lets a sub-requirement override the level', () => {
    expect(run('SHOULD', (verdict) => verdict.fail('x', { level: 'MUST' })).outcome).toBe('fail');
  });

  it('reports a soft finding only when nothing harder failed', () => {
    expect(run('MUST', (verdict) => verdict.warn('minor')).outcome).toBe('warning');
    expect(run('MUST', (verdict) => verdict.warn('minor', { level: 'MAY' })).outcome).toBe('info');
    expect(run('MUST', () => undefined).outcome).toBe('pass');
  });

  it('distinguishes not applicable from not testable', () => {
    expect(run('MUST', (verdict) => verdict.notApplicable('no revocation endpoint')).outcome).toBe('not_applicable');
    expect(run('MUST', (verdict) => verdict.notTestable('no metadata')).outcome).toBe('not_testable');
    expect(resolveOutcome('MUST', new NotApplicable('n'), []).outcome).toBe('not_applicable');
    expect(resolveOutcome('MUST', new NotTestable('n'), []).message).toMatch(/^not testable/);
  });

  it('treats an unexpected error as a violation at the check level', () => {
    expect(resolveOutcome('MUST', new Error('ECONNREFUSED'), [])).toMatchObject({
      outcome: 'fail',
      message: 'unexpected: ECONNREFUSED',
    });
    expect(resolveOutcome('SHOULD', new TypeError('bad'), []).outcome).toBe('warning');
  });

  it('blocks the build on MUST failures and not-testable MUST checks, on SHOULD only in strict mode', () => {
    expect(isBlocking({ outcome: 'fail', level: 'MUST' }, false)).toBe(true);
    expect(isBlocking({ outcome: 'not_testable', level: 'MUST' }, false)).toBe(true);
    expect(isBlocking({ outcome: 'not_testable', level: 'SHOULD' }, false)).toBe(false);
    expect(isBlocking({ outcome: 'not_testable', level: 'SHOULD' }, true)).toBe(true);
    expect(isBlocking({ outcome: 'warning', level: 'SHOULD' }, false)).toBe(false);
    expect(isBlocking({ outcome: 'warning', level: 'SHOULD' }, true)).toBe(true);
    expect(isBlocking({ outcome: 'info', level: 'MAY' }, true)).toBe(false);
    expect(isBlocking({ outcome: 'not_applicable', level: 'MUST' }, true)).toBe(false);
    expect(new CheckFailure({ message: 'm', expected: 'e', actual: 'a' }).message).toBe('m\nexpected: e\nactual: a');
  });
});
