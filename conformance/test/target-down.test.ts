// The CLI against a target that refuses connections: it must report failures, exit 1, and neither crash nor hang.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Report } from '../lib/report/report-json.ts';

const BIN = fileURLToPath(new URL('../bin/oauth-proxy-conformance.js', import.meta.url));

/** A loopback port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('oauth-proxy-conformance against a target that is down', () => {
  it('reports failures and exits 1 without crashing or hanging', async () => {
    const port = await closedPort();
    const reportDir = mkdtempSync(join(tmpdir(), 'conformance-down-'));
    const run = spawnSync(process.execPath, [BIN, '--target', `http://127.0.0.1:${port}`, '--report', reportDir], {
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/Exit code 1/);
    const report = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as Report;
    expect(report.checks.length).toBeGreaterThan(50);
    expect(report.summary.pass).toBe(0);
    expect(report.summary.fail + report.summary.not_testable).toBeGreaterThan(0);
    const disc01 = report.checks.find((c) => c.id === 'DISC-01');
    expect(disc01).toMatchObject({ outcome: 'fail' });
    expect(disc01?.message).toMatch(/ECONNREFUSED|failed/);
    expect(report.gate?.exitCode).toBe(1);
    expect(existsSync(join(reportDir, 'junit.xml'))).toBe(true);
  });

  it('selects checks with the anchored --grep form the help documents', async () => {
    const port = await closedPort();
    const reportDir = mkdtempSync(join(tmpdir(), 'conformance-grep-'));
    const run = spawnSync(
      process.execPath,
      [BIN, '--target', `http://127.0.0.1:${port}`, '--report', reportDir, '--grep', '^DISC-0[15] '],
      { encoding: 'utf8', timeout: 240_000 },
    );
    expect(run.status, run.stdout + run.stderr).toBe(1);
    const report = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as Report;
    expect(report.checks.map((c) => c.id)).toEqual(['DISC-01', 'DISC-05']);
  });

  it('rejects a --grep that is not a regular expression with a usage error', () => {
    const run = spawnSync(process.execPath, [BIN, '--target', 'http://127.0.0.1:1', '--grep', '^(DISC'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/not a regular expression/);
  });

  it('rejects a missing --target with a usage error', () => {
    const run = spawnSync(process.execPath, [BIN], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--target is required/);
  });
});
