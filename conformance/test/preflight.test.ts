// Before the checks, the suite looks at the target once. Nothing listening, a web server that speaks no OAuth for
// MCP, a port browsers refuse: each ends the run with one diagnosis and exit code 2 (and a report saying why),
// instead of a hundred checks failing for the same reason.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenOnLoopback, type LoopbackServer } from '../../testkit/loopback-server.ts';
import { freePort } from '../lib/target/free-port.ts';
import type { Report } from '../lib/report/report-json.ts';

const BIN = fileURLToPath(new URL('../bin/oauth-proxy-conformance.js', import.meta.url));

/** Runs the CLI without blocking this process, whose event loop serves the test's own web server. */
async function runSuite(...args: string[]) {
  const reportDir = mkdtempSync(join(tmpdir(), 'conformance-preflight-'));
  const run = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
    execFile(process.execPath, [BIN, ...args, '--report', reportDir], { timeout: 120_000 }, (error, stdout) =>
      resolve({ status: error ? ((error as { code?: number }).code ?? null) : 0, stdout }),
    );
  });
  const report = existsSync(join(reportDir, 'report.json'))
    ? (JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as Report)
    : undefined;
  return { run, report, reportDir };
}

describe('the preflight of oauth-proxy-conformance', () => {
  let web: LoopbackServer;
  const hits: string[] = [];
  beforeAll(async () => {
    // A web server that is not an OAuth proxy: 404 everywhere, 501 on POST.
    web = await listenOnLoopback((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      res.writeHead(req.method === 'POST' ? 501 : 404, { 'content-type': 'text/html', server: 'PlainWeb/1.0' });
      res.end('<h1>Not here</h1>');
    });
  });
  afterAll(() => web?.close());

  it('says that nothing listens, in one line, and exits 2 with a report saying why', async () => {
    const port = await freePort();
    const { run, report, reportDir } = await runSuite('--target', `http://127.0.0.1:${port}`);
    expect(run.status).toBe(2);
    expect(run.stdout).toContain(`preflight: nothing listens at 127.0.0.1:${port} (connection refused)`);
    expect(run.stdout).not.toMatch(/DISC-01/);
    expect(report).toMatchObject({ checks: [], gate: { exitCode: 2 } });
    expect(report?.runError).toBe(`preflight: nothing listens at 127.0.0.1:${port} (connection refused)`);
    expect(existsSync(join(reportDir, 'index.html'))).toBe(true);
    expect(existsSync(join(reportDir, 'junit.xml'))).toBe(true);
  });

  it('says which metadata is missing and what the MCP endpoint answered, against a plain web server', async () => {
    const { run, report } = await runSuite('--target', web.url);
    expect(hits).toEqual(expect.arrayContaining(['GET /.well-known/oauth-authorization-server', 'POST /mcp']));
    expect(run.status).toBe(2);
    const diagnosis = report?.runError ?? '';
    expect(diagnosis).toContain(
      `no OAuth metadata at ${web.url}/.well-known/oauth-authorization-server (404 text/html)`,
    );
    expect(diagnosis).toContain(`the MCP endpoint ${web.url}/mcp answered 501 text/html: is --target right?`);
    expect(run.stdout.split('\n').filter((line) => line.includes('no OAuth metadata'))).toHaveLength(1);
  });

  it('names a port that fetch refuses instead of failing every request with "bad port"', async () => {
    const { run, report } = await runSuite('--target', 'http://127.0.0.1:6000');
    expect(run.status).toBe(2);
    expect(report?.runError).toMatch(/port 6000 of http:\/\/127\.0\.0\.1:6000 is a port the Fetch standard blocks/);
  });

  it('rejects a missing --target with a usage error', () => {
    const run = spawnSync(process.execPath, [BIN], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--target \(or --target-command\) is required/);
  });
});
