// Suite wall time: the conformance CLI, unattended, against the reference proxy it starts itself with each mock IdP
// (`--upstream harness-github`, then `harness-oidc`, with `--target-command`), timed from spawn to exit: the goal
// is per upstream flavor, as the demo runs them. The proxy is configured as the
// demo configures it (conformance/reference-target.ts): with its defaults the suite would mostly time the waits a
// default proxy asks for (the registration rate limit's Retry-After) and could not reach the suite's metadata
// document host, so CIMD would go untested.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from '../lib/context.ts';
import { NotAvailable } from '../lib/not-available.ts';
import { figure, type Figure } from '../lib/report.ts';
import { freePort } from '../../testkit/free-port.ts';
import {
  REFERENCE_PROXY_ENV,
  REFERENCE_TARGET_DESCRIPTION,
  referenceTargetCommand,
} from '../../conformance/reference-target.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = 'conformance/bin/oauth-proxy-conformance.js';
const PROXY = 'proxy/bin/mcp-oauth-proxy.js';
/** The whole run is stopped after this long. */
const TIMEOUT_MS = 420_000;

interface CheckTime {
  id: string;
  outcome: string;
  durationMs: number;
}

interface Summary {
  total: number;
  pass: number;
  fail: number;
  [outcome: string]: number;
}

/** The suite's upstream flavors, as the demo runs them; `conformance.wall` keeps naming the github one. */
const FLAVORS = [
  { upstream: 'harness-github', id: 'conformance.wall' },
  { upstream: 'harness-oidc', id: 'conformance.wall.oidc' },
] as const;

export async function runConformanceBenchmark(ctx: BenchContext): Promise<Figure[]> {
  if (!existsSync(join(ROOT, CLI))) throw new NotAvailable(`${CLI} does not exist yet`);
  const help = await runNode([CLI, '--help'], 30_000);
  if (help.code !== 0) throw new NotAvailable(`${CLI} --help exited ${help.code}: ${help.output.slice(-300)}`);
  const figures: Figure[] = [];
  for (const flavor of FLAVORS) figures.push(await timeSuite(ctx, flavor.upstream, flavor.id));
  return figures;
}

/** One whole run of the suite against the reference proxy with `upstream`, as the figure `id`. */
async function timeSuite(ctx: BenchContext, upstream: string, id: string): Promise<Figure> {
  const port = await freePort();
  const reportDir = mkdtempSync(join(tmpdir(), 'bench-conformance-'));
  try {
    ctx.log(`conformance: the whole suite against ${PROXY} (${upstream})`);
    const targetFile = join(reportDir, 'target.json');
    writeFileSync(targetFile, JSON.stringify(REFERENCE_TARGET_DESCRIPTION));
    const started = performance.now();
    const run = await runNode(
      [
        CLI,
        '--target',
        `http://127.0.0.1:${port}`,
        '--upstream',
        upstream,
        '--target-command',
        referenceTargetCommand(PROXY),
        '--target-file',
        targetFile,
        '--report',
        reportDir,
      ],
      TIMEOUT_MS,
    );
    const seconds = (performance.now() - started) / 1000;
    const reportPath = join(reportDir, 'report.json');
    if (!existsSync(reportPath)) {
      throw new Error(`the suite wrote no report (${upstream}, exit ${run.code}): ${run.output.slice(-500)}`);
    }
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as { summary: Summary; checks: CheckTime[] };
    const counts = Object.entries(report.summary)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    // What did not pass, and where the time went: the checks' own durations, slowest first.
    const unpassed = report.checks
      .filter((c) => c.outcome !== 'pass')
      .map((c) => `${c.id} ${c.outcome}`)
      .join(', ');
    const slowest = [...report.checks]
      .sort((a, b) => b.durationMs - a.durationMs)
      .slice(0, 8)
      .map((c) => `${c.id} ${(c.durationMs / 1000).toFixed(1)} s`)
      .join(', ');
    const checkSeconds = report.checks.reduce((sum, c) => sum + c.durationMs, 0) / 1000;
    return figure({
      id,
      benchmark: 'conformance',
      name: `conformance suite wall time (${upstream})`,
      unit: 's',
      value: seconds,
      goal: { on: 'value', op: '<=', target: 30 },
      note:
        `exit code ${run.code}; ${counts}; not passed: ${unpassed || 'none'}; ` +
        `checks' own time ${checkSeconds.toFixed(0)} s, slowest: ${slowest}`,
    });
  } finally {
    rmSync(reportDir, { recursive: true, force: true });
  }
}

function runNode(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...REFERENCE_PROXY_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      output += `\n(stopped after ${timeoutMs} ms)`;
      child.kill('SIGTERM');
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
