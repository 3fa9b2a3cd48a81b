// The programmatic entry point (the CLI is a thin wrapper): start the harness and the target if asked, run the
// Playwright checks in a child process, take over their results from our reporter (lib/report/check-run.ts), then
// gate, summarise and write report.json and junit.xml, the only time either is written.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Revision } from './lib/model/vocabulary.ts';
import { GREP_ENV, parseGrep } from './lib/model/selection.ts';
import { readCheckRun, RESULTS_FILE_ENV } from './lib/report/check-run.ts';
import { freePort } from './lib/target/free-port.ts';
import { computeGate, loadExpectedFailures } from './lib/report/gate.ts';
import { writeJunit } from './lib/report/junit.ts';
import { newReport, reportTarget, writeReportJson, type Gate, type Report } from './lib/report/report-json.ts';
import { writeHtmlReport } from './lib/report/html-report.ts';
import { PROGRESS_ENV, summaryTable } from './lib/report/summary.ts';
import { preflight } from './lib/target/preflight.ts';
import { exitNote, startTargetCommand, waitForHttp, type RunningTarget } from './lib/target/command.ts';
import { loadTargetDescription } from './lib/target/description.ts';
import { startHarness, type RunningHarness } from './lib/target/harness.ts';
import { MetadataDocumentServer } from './lib/target/metadata-document-server.ts';
import {
  normaliseSettings,
  targetCommandEnvironment,
  type SuiteSettings,
  type UpstreamMode,
} from './lib/target/settings.ts';

export interface ConformanceOptions {
  /**
   * Base URL of the proxy under test. Optional with `targetCommand`: the suite then picks a free loopback port and
   * gives the command `PORT`, `TARGET_URL` and `PROXY_BASE_URL` for it.
   */
  target?: string;
  /** MCP endpoint; default `<target>/mcp`. */
  mcp?: string;
  /** Expected issuer identifier; default: the protected resource metadata's `authorization_servers` entry. */
  issuer?: string;
  /** Default `external`. */
  upstream?: UpstreamMode;
  /**
   * Shell command that starts the target; it gets UPSTREAM_*, TARGET_URL (`target` as given), PROXY_BASE_URL (the
   * same without a trailing slash), PORT (the target URL's port) and the document host's CONFORMANCE_CIMD_HOST,
   * CONFORMANCE_CIMD_ADDRESS and CONFORMANCE_CIMD_CA_FILE.
   */
  targetCommand?: string;
  /** Default `2026-07-28`. */
  revision?: Revision;
  /** Default `conformance-report` (relative to the working directory). */
  reportDir?: string;
  /** Ids expected to fail, or the path of a JSON file holding them. */
  expectedFailures?: string[] | string;
  strict?: boolean;
  /** Path of the target description JSON file. */
  targetFile?: string;
  /** Port for the mock IdP (instrumented mode); default a free one. */
  idpPort?: number;
  /** Seconds to wait for the target to answer HTTP; default 30. */
  waitSeconds?: number;
  /** Only checks whose `"<ID> <title>"` matches this regular expression, e.g. `^(DISC|PRM)-`. */
  grep?: string;
  /** Playwright workers; default 1 (the upstream request-log comparison of CONSENT-05 needs a single worker). */
  workers?: number;
  /** Per-request timeout in milliseconds; default 5000. */
  requestTimeoutMs?: number;
  /** Where progress and the summary go; default stdout. */
  log?: (text: string) => void;
  /** Print one line per check as it finishes (default: a progress line every ten checks, details in the summary). */
  verbose?: boolean;
  /** Hard limit for the whole Playwright run in milliseconds; default 10 minutes. */
  runTimeoutMs?: number;
}

export interface ConformanceRun {
  report: Report;
  gate: Gate;
  exitCode: number;
  reportDir: string;
}

/** The suite's own folder: the source tree's conformance/ or the installed package's dist/. */
const SUITE_DIR = dirname(fileURLToPath(import.meta.url));
const EXT = import.meta.url.endsWith('.ts') ? 'ts' : 'js';

export async function runConformance(options: ConformanceOptions): Promise<ConformanceRun> {
  if (options.target === undefined && options.targetCommand === undefined) {
    throw new TypeError('runConformance needs a target URL, a target command, or both');
  }
  const log = options.log ?? ((text: string) => process.stdout.write(`${text}\n`));
  const reportDir = resolve(options.reportDir ?? 'conformance-report');
  const upstream = options.upstream ?? 'external';
  const expectedFailures =
    typeof options.expectedFailures === 'string'
      ? loadExpectedFailures(options.expectedFailures)
      : (options.expectedFailures ?? []);
  const targetDescription = options.targetFile ? loadTargetDescription(options.targetFile) : {};
  if (options.grep) parseGrep(options.grep);
  let harness: RunningHarness | undefined;
  let documents: MetadataDocumentServer | undefined;
  let target: RunningTarget | undefined;
  const started = Date.now();
  const handOverDir = mkdtempSync(join(tmpdir(), 'conformance-run-'));
  const resultsFile = join(handOverDir, 'checks.json');
  try {
    if (upstream !== 'external') {
      const since = Date.now();
      log(`Starting the mock IdP (${upstream.replace('harness-', '')} flavor)…`);
      harness = await startHarness(upstream === 'harness-github' ? 'github' : 'oidc', options.idpPort);
      log(`  mock IdP ready at ${harness.idp.url} (${seconds(since)})`);
      if (!options.targetCommand) {
        log(`Mock IdP (${upstream}) at ${harness.idp.url}. Configure the target with:`);
        for (const [k, v] of Object.entries(harness.idp.proxyEnv)) log(`  ${k}=${v}`);
      }
    }
    // The client ID metadata document host serves targets on this machine: instrumented runs and target commands.
    if (upstream !== 'external' || options.targetCommand) {
      documents = await MetadataDocumentServer.start();
      if (!options.targetCommand) {
        log('Client ID metadata documents are served at https://' + documents.host + '/…; let the target fetch them:');
        for (const [k, v] of Object.entries(documents.env)) log(`  ${k}=${v}`);
      }
    }
    // Without --target the suite picks the address of the target it starts itself.
    const targetUrl = options.target ?? `http://127.0.0.1:${await freePort()}`;
    const settings: SuiteSettings = normaliseSettings({
      target: targetUrl,
      ...(options.issuer ? { issuer: options.issuer } : {}),
      ...(options.mcp ? { mcp: options.mcp } : {}),
      upstream,
      ...(options.revision ? { revision: options.revision } : {}),
      ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      targetDescription,
      ...(harness ? { harness: harness.info } : {}),
      ...(documents ? { cimd: documents.info } : {}),
    });
    let runError: string | undefined;
    const targetSince = Date.now();
    if (options.targetCommand) {
      log(`Starting the target: ${options.targetCommand}`);
      target = startTargetCommand(options.targetCommand, {
        ...(harness?.idp.proxyEnv ?? {}),
        ...(documents?.env ?? {}),
        ...targetCommandEnvironment(settings),
      });
    }
    if (target || harness) {
      runError = await waitForHttp(settings.target, (options.waitSeconds ?? 30) * 1000, target);
      if (runError) log(`Target not ready: ${runError}`);
      else log(`  target answering at ${settings.target} (${seconds(targetSince)})`);
    }
    let server: string | undefined;
    if (!runError) {
      const checked = await preflight(settings);
      if (checked.ok) server = checked.server;
      // Something else answering on the target's port (the target failed to bind it) reads as a broken target:
      // say that the target's own process is gone, with its output.
      else {
        const exited = target && exitNote(target);
        runError = `preflight: ${checked.diagnosis}${exited ? `\n${exited}:\n${target?.output()}` : ''}`;
      }
    }
    if (runError) return stopBeforeChecks(settings, reportDir, started, runError, options, log);
    // A report left by an earlier run must not outlive a run that breaks before writing its own.
    rmSync(join(reportDir, 'report.json'), { force: true });
    log(`Running the checks in Chromium (${options.workers ?? 1} worker${(options.workers ?? 1) === 1 ? '' : 's'})…`);
    const status = await runPlaywright(settings, reportDir, resultsFile, options, log);
    const checkRun = status.ok ? readCheckRun(resultsFile) : undefined;
    let report: Report;
    const reportedTarget = { ...reportTarget(settings), ...(server ? { server } : {}) };
    if (checkRun) {
      report = newReport(reportedTarget, checkRun);
    } else {
      report = newReport(reportedTarget, {
        startedAt: new Date(started).toISOString(),
        durationMs: Date.now() - started,
        checks: [],
      });
      report.runError = status.error ?? 'the Playwright run produced no report';
    }
    if (runError && !report.runError) report.runError = runError;
    // With --grep, baseline ids outside the selection are neither failing nor stale.
    const ran = new Set(report.checks.map((c) => c.id));
    const baseline = options.grep ? expectedFailures.filter((id) => ran.has(id)) : expectedFailures;
    const gate = computeGate(report.checks, { strict: options.strict ?? false, expectedFailures: baseline });
    if (report.checks.length === 0) {
      gate.exitCode = 2;
      report.runError ??= `no check ran${status.stderr ? `: ${status.stderr}` : ''}`;
    }
    report.gate = gate;
    return finish(report, gate, reportDir, options, log, started);
  } finally {
    await target?.stop();
    await documents?.close();
    await harness?.close();
    rmSync(handOverDir, { recursive: true, force: true });
  }
}

/** Writes report.json, junit.xml and the HTML report once, with the gate, and prints the summary. */
function finish(
  report: Report,
  gate: Gate,
  reportDir: string,
  options: ConformanceOptions,
  log: (text: string) => void,
  started: number,
): ConformanceRun {
  report.gate = gate;
  writeReportJson(reportDir, report);
  writeJunit(reportDir, report, options.strict ?? false);
  const html = writeHtmlReport(reportDir, report);
  log(summaryTable(report, gate, Date.now() - started));
  log(`Report: ${html} (with report.json and junit.xml)`);
  return { report, gate, exitCode: gate.exitCode, reportDir };
}

/** A run that cannot start its checks (target down, preflight failed) ends with one diagnosis and exit code 2. */
function stopBeforeChecks(
  settings: SuiteSettings,
  reportDir: string,
  started: number,
  runError: string,
  options: ConformanceOptions,
  log: (text: string) => void,
): ConformanceRun {
  const report = newReport(reportTarget(settings), {
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    checks: [],
  });
  report.runError = runError;
  const gate: Gate = {
    exitCode: 2,
    strict: options.strict ?? false,
    failing: [],
    stale: [],
    expectedFailures: [],
  };
  return finish(report, gate, reportDir, options, log, started);
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

/** Runs `playwright test` as a child process; its stdout (our reporter's progress lines) is streamed to `log`. */
async function runPlaywright(
  settings: SuiteSettings,
  reportDir: string,
  resultsFile: string,
  options: ConformanceOptions,
  log: (text: string) => void,
): Promise<{ ok: boolean; error?: string; stderr?: string }> {
  const cli = createRequire(import.meta.url).resolve('@playwright/test/cli');
  const args = [cli, 'test', '-c', join(SUITE_DIR, `playwright.config.${EXT}`)];
  const child = spawn(process.execPath, args, {
    cwd: SUITE_DIR,
    detached: true,
    env: {
      ...process.env,
      CONFORMANCE_SETTINGS: JSON.stringify(settings),
      CONFORMANCE_REPORT_DIR: reportDir,
      [RESULTS_FILE_ENV]: resultsFile,
      ...(options.verbose ? { [PROGRESS_ENV]: 'checks' } : {}),
      // Matched against "<ID> <title>" by defineCheck (lib/model/selection.ts), not by Playwright's --grep.
      ...(options.grep ? { [GREP_ENV]: options.grep } : {}),
      ...(options.workers ? { CONFORMANCE_WORKERS: String(options.workers) } : {}),
      FORCE_COLOR: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) log(line);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const limit = options.runTimeoutMs ?? 600_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }, limit);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(timer);
  if (buffered.trim()) log(buffered);
  if (timedOut) return { ok: false, error: `the check run exceeded ${limit} ms and was stopped` };
  // Playwright exits 1 when a test failed; that is a normal outcome. Anything else without a report is a crash.
  if (code !== 0 && code !== 1)
    return { ok: false, error: `playwright exited with ${code}: ${stderr.trim().slice(-1500)}` };
  if (code === 1 && stderr.trim() && !existsSync(resultsFile)) return { ok: false, error: stderr.trim().slice(-1500) };
  return { ok: true, stderr: stderr.trim().slice(-1500) };
}
