import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../lib/model/vocabulary.ts';
import { esc, junitXml, writeJunit } from '../lib/report/junit.ts';
import { readCheckRun, writeCheckRun } from '../lib/report/check-run.ts';
import {
  newReport,
  readReportJson,
  REPORT_SCHEMA_VERSION,
  sortChecks,
  writeReportJson,
  type Report,
} from '../lib/report/report-json.ts';

const ref = { label: 'RFC 8414 §3.3', url: 'https://www.rfc-editor.org/rfc/rfc8414#section-3.3' };
const checks: CheckResult[] = [
  {
    id: 'DISC-10',
    title: 'ten',
    level: 'SHOULD',
    quote: 'MCP servers SHOULD include a scope parameter in the WWW-Authenticate header',
    file: 'discovery.check.ts',
    refs: [ref],
    revisions: ['2026-07-28'],
    outcome: 'warning',
    message: 'absent',
    notes: [],
    durationMs: 3,
  },
  {
    id: 'DISC-06',
    title: 'issuer <exact>',
    level: 'MUST',
    quote: 'The authorization server MUST deny the request.',
    file: 'discovery.check.ts',
    refs: [ref],
    revisions: ['2026-07-28'],
    outcome: 'fail',
    message: 'issuer differs',
    expected: 'http://a',
    actual: 'http://a/',
    notes: [],
    durationMs: 5,
  },
  {
    id: 'REV-01',
    title: 'revoke',
    level: 'MUST',
    quote: 'The authorization server MUST deny the request.',
    file: 'revocation.check.ts',
    refs: [ref],
    revisions: ['2026-07-28'],
    outcome: 'not_applicable',
    message: 'no endpoint',
    notes: [],
    durationMs: 1,
  },
];

function report(): Report {
  return newReport(
    { url: 'http://a', issuer: 'http://a', mcp: 'http://a/mcp', upstream: 'external', revision: '2026-07-28' },
    { startedAt: '2026-01-01T00:00:00.000Z', durationMs: 9, checks: sortChecks(checks) },
  );
}

describe('report.json', () => {
  it('sorts checks by id with numeric order and counts outcomes', () => {
    const r = report();
    expect(r.checks.map((c) => c.id)).toEqual(['DISC-06', 'DISC-10', 'REV-01']);
    expect(r.summary).toMatchObject({
      total: 3,
      fail: 1,
      warning: 1,
      not_applicable: 1,
      pass: 0,
      info: 0,
      not_testable: 0,
    });
  });

  it('is built from the checks the reporter hands over, which survive the hand-over file unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hand-over-'));
    const run = { startedAt: '2026-01-01T00:00:00.000Z', durationMs: 9, checks: sortChecks(checks) };
    writeCheckRun(join(dir, 'checks.json'), run);
    expect(readCheckRun(join(dir, 'checks.json'))).toEqual(run);
    expect(readCheckRun(join(dir, 'missing.json'))).toBeUndefined();
    expect(report()).toMatchObject({ schemaVersion: REPORT_SCHEMA_VERSION, durationMs: 9, checks: run.checks });
    expect(report().gate).toBeUndefined();
  });

  it('round-trips through the report directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-'));
    writeReportJson(dir, report());
    expect(readReportJson(dir)).toEqual(report());
  });

  it('validates against the documented schema (required keys and outcome values)', () => {
    const schema = JSON.parse(readFileSync(new URL('../report.schema.json', import.meta.url), 'utf8')) as {
      required: string[];
      $defs: { check: { required: string[]; properties: { outcome: { enum: string[] } } } };
    };
    const r = report() as unknown as Record<string, unknown>;
    for (const key of schema.required) expect(r).toHaveProperty(key);
    for (const c of report().checks) {
      for (const key of schema.$defs.check.required) expect(c).toHaveProperty(key);
      expect(schema.$defs.check.properties.outcome.enum).toContain(c.outcome);
    }
  });
});

describe('JUnit XML', () => {
  it('has one testsuite per file and a failure only for blocking outcomes', () => {
    const xml = junitXml(report());
    expect(xml).toContain('<testsuite name="discovery.check.ts" tests="2" failures="1" errors="0" skipped="0"');
    expect(xml).toContain('<testsuite name="revocation.check.ts" tests="1" failures="0" errors="0" skipped="1"');
    expect(xml).toContain('name="DISC-06 issuer &lt;exact&gt;"');
    expect(xml).toMatch(
      /<failure type="fail" message="\[MUST\] issuer differs">issuer differs\nexpected: http:\/\/a\nactual: http:\/\/a\//,
    );
    expect(xml).toContain('<system-out>warning: absent');
  });

  it('counts warnings as failures in strict mode', () => {
    expect(junitXml(report(), true)).toContain('failures="2"');
  });

  it('escapes markup and drops control characters', () => {
    expect(esc('a<b>&"c"\u0001')).toBe('a&lt;b&gt;&amp;&quot;c&quot;');
  });

  it('writes junit.xml into the report directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'junit-'));
    expect(readFileSync(writeJunit(dir, report()), 'utf8')).toMatch(/^<\?xml/);
  });
});
