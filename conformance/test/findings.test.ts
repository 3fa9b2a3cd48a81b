// One root cause is one finding: results that name the same root cause, or fail the same assertion, are grouped in
// report.json and in the printed summary, and each check keeps its own outcome.
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../lib/model/vocabulary.ts';
import { groupFindings } from '../lib/report/findings.ts';
import { computeGate } from '../lib/report/gate.ts';
import { newReport, sortChecks } from '../lib/report/report-json.ts';
import { summaryTable } from '../lib/report/summary.ts';

const ref = { label: 'RFC 6749 §5.2', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-5.2' };
const noConsent = { key: 'no-consent-page', summary: 'no consent page: the user is never asked' };

function result(
  id: string,
  level: CheckResult['level'],
  outcome: CheckResult['outcome'],
  extra: Partial<CheckResult> = {},
): CheckResult {
  return {
    id,
    title: id,
    level,
    quote: 'The authorization server MUST deny the request.',
    file: 'x.check.ts',
    refs: [ref],
    revisions: ['2026-07-28'],
    outcome,
    notes: [],
    durationMs: 1,
    ...extra,
  };
}

const checks = sortChecks([
  result('CONSENT-05', 'MUST', 'fail', { message: 'no consent page before the upstream', rootCause: noConsent }),
  result('CONSENT-03', 'MUST', 'not_testable', {
    message: 'not testable: no consent page was shown',
    rootCause: noConsent,
  }),
  result('AUTHZ-04', 'MUST', 'not_testable', {
    message: 'not testable: no consent page was shown',
    rootCause: noConsent,
  }),
  result('CODE-01', 'MUST', 'fail', {
    message: 'second redemption differs',
    expected: '400 invalid_grant',
    actual: '500 server_error',
  }),
  result('PKCE-04', 'MUST', 'fail', {
    message: 'wrong verifier differs',
    expected: '400 invalid_grant',
    actual: '500 server_error',
  }),
  result('DISC-12', 'SHOULD', 'warning', { message: 'client_id_metadata_document_supported differs' }),
  result('DISC-01', 'MUST', 'pass'),
]);

describe('findings', () => {
  it('groups a shared root cause and a shared failed assertion, and keeps each check outcome', () => {
    const findings = groupFindings(checks);
    expect(findings).toHaveLength(3);
    const consent = findings.find((f) => f.key === 'no-consent-page');
    expect(consent).toMatchObject({ outcome: 'fail', level: 'MUST', blocking: true, summary: noConsent.summary });
    expect(consent?.checks).toEqual([
      { id: 'AUTHZ-04', outcome: 'not_testable', level: 'MUST' },
      { id: 'CONSENT-03', outcome: 'not_testable', level: 'MUST' },
      { id: 'CONSENT-05', outcome: 'fail', level: 'MUST' },
    ]);
    const fiveHundred = findings.find((f) => f.key.startsWith('assertion:'));
    expect(fiveHundred?.checks.map((c) => c.id)).toEqual(['CODE-01', 'PKCE-04']);
    expect(fiveHundred?.summary).toBe('expected 400 invalid_grant, got 500 server_error');
    expect(findings.at(-1)).toMatchObject({ key: 'check:DISC-12', blocking: false, outcome: 'warning' });
  });

  it('are in report.json and the printed summary, once each', () => {
    const report = newReport(
      { url: 'http://a', issuer: '', mcp: 'http://a/mcp', upstream: 'external', revision: '2026-07-28' },
      { startedAt: '2026-01-01T00:00:00.000Z', durationMs: 9, checks },
    );
    expect(report.findings).toHaveLength(3);
    expect(report.summary.fail).toBe(3);
    const text = summaryTable(report, computeGate(report.checks));
    expect(text).toContain('2 blocking findings (5 checks), 1 other');
    expect(text.match(/no consent page: the user is never asked/g)).toHaveLength(1);
    expect(text).toContain('AUTHZ-04 (not_testable), CONSENT-03 (not_testable), CONSENT-05');
  });
});
