// `npm run test:mutants`: plants each catalogued defect in a copy of the reference proxy, runs the checks that must
// catch it, and prints the mutation score and which checks no mutant proves. A control run of the unmutated proxy
// (once per proxy configuration) must pass the same checks, or a "caught" mutant would prove nothing.
// Exit code 1 when a mutant survives, a control run fails or a mutant could not be built.
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import type { CheckResult } from '../lib/model/vocabulary.ts';
import { freePort } from '../lib/target/free-port.ts';
import { REFERENCE_CIMD_ASSIGNMENTS, REFERENCE_PROXY_ENV } from '../reference-target.ts';
import { runConformance } from '../run.ts';
import { grepFor, loadCatalog, REPO_ROOT, suiteCheckIds, type Mutant } from './catalog.ts';
import { bundleProxy, copyProxy, materialize, WORK_DIR } from './materialize.ts';
import { judge, type CatchVerdict } from './catch-rule.ts';
import { pool, shellQuote } from './job-pool.ts';

interface Job {
  name: string;
  /** `.mutants/<name>/`, holding `proxy/`. */
  prepare(): string;
  upstream: Mutant['upstream'];
  env: Record<string, string>;
  target: Mutant['target'];
  revision: Mutant['revision'];
  checks: string[];
  /** Checks whose warning counts as caught (the catalog's expectWarning). */
  warnings: string[];
}

interface JobResult {
  name: string;
  checks: CatchVerdict[];
  seconds: number;
  /** Why the run produced no usable verdict (patch does not apply, target did not start, check missing). */
  error?: string;
}

const { values } = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    concurrency: { type: 'string' },
    tsx: { type: 'boolean' },
  },
  strict: true,
});
const only = new Set((values.only ?? []).flatMap((v) => v.split(',')).filter(Boolean));
const concurrency = Math.max(1, Number(values.concurrency ?? 2));

const catalog = loadCatalog();
const suiteIds = suiteCheckIds();
const mutants = catalog.mutants.filter((m) => only.size === 0 || only.has(m.id));
const unknownOnly = [...only].filter((id) => !catalog.mutants.some((m) => m.id === id));
const unknownChecks = catalog.mutants.flatMap((m) =>
  m.expect.filter((id) => !suiteIds.includes(id)).map((id) => `${m.id}: ${id}`),
);
if (unknownOnly.length || unknownChecks.length) {
  process.stderr.write(
    [
      ...unknownOnly.map((id) => `no mutant named ${id}`),
      ...unknownChecks.map((s) => `expects a check the suite does not define (${s})`),
    ].join('\n') + '\n',
  );
  process.exit(2);
}

/** This invocation's folder under .mutants/; removed again when every mutant was caught. */
const RUN = `run-${process.pid}`;
mkdirSync(join(WORK_DIR, RUN), { recursive: true });
const started = Date.now();
const controls = controlJobs(mutants);
const jobs: Job[] = [
  ...controls,
  ...mutants.map((m) => ({
    name: m.id,
    prepare: () => materialize(m, RUN),
    upstream: m.upstream,
    env: m.env ?? {},
    target: m.target,
    revision: m.revision,
    checks: m.expect,
    warnings: m.expectWarning ?? [],
  })),
];
process.stdout.write(
  `${mutants.length} mutants and ${controls.length} control runs, ${concurrency} at a time (logs in .mutants/${RUN}/<id>/run.log)\n`,
);
const results = await pool(jobs, concurrency, async (job) => {
  const result = await runJob(job);
  process.stdout.write(`${progressLine(job, result)}\n`);
  return result;
});

const byName = new Map(results.map((r) => [r.name, r]));
const controlFailures = controls.flatMap((c) => {
  const r = byName.get(c.name);
  if (!r || r.error) return [`${c.name}: ${r?.error ?? 'did not run'}`];
  return r.checks
    .filter((v) => v.outcome !== 'pass')
    .map((v) => `${c.name}: ${v.id} is ${v.outcome} on the unmutated proxy`);
});
const rows = mutants.map((m) => {
  const r = byName.get(m.id);
  const caught = !!r && !r.error && r.checks.length > 0 && r.checks.every((v) => v.caught);
  return { mutant: m, result: r, caught };
});
const caughtCount = rows.filter((r) => r.caught).length;
const controlledOk = new Set(
  controls.flatMap(
    (c) =>
      byName
        .get(c.name)
        ?.checks.filter((v) => v.outcome === 'pass')
        .map((v) => `${c.name}:${v.id}`) ?? [],
  ),
);
const proven = new Set(
  rows.flatMap(({ mutant, result }) =>
    (result?.checks ?? [])
      .filter((v) => v.caught && controlledOk.has(`${controlName(mutant)}:${v.id}`))
      .map((v) => v.id),
  ),
);
const unproven = suiteIds.filter((id) => !proven.has(id));

process.stdout.write(`\n${table(rows)}\n`);
if (controlFailures.length) process.stdout.write(`\nControl run failures:\n  ${controlFailures.join('\n  ')}\n`);
process.stdout.write(`\nmutation score: ${caughtCount}/${mutants.length}\n`);
process.stdout.write(`proven checks: ${proven.size}/${suiteIds.length}\n`);
if (unproven.length) {
  process.stdout.write('unproven checks:\n');
  for (const id of unproven)
    process.stdout.write(`  ${id.padEnd(11)} ${catalog.unproven[id] ?? '(no reason recorded in catalog.json)'}\n`);
}
const staleReasons = Object.keys(catalog.unproven).filter(
  (id) => only.size === 0 && (proven.has(id) || !suiteIds.includes(id)),
);
if (staleReasons.length)
  process.stdout.write(`catalog.json "unproven" names proven or unknown checks: ${staleReasons.join(', ')}\n`);
process.stdout.write(`time: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
writeFileSync(
  join(WORK_DIR, 'summary.json'),
  `${JSON.stringify(
    {
      score: { caught: caughtCount, total: mutants.length },
      proven: [...proven].sort(),
      unproven,
      controlFailures,
      mutants: rows.map(({ mutant, result, caught }) => ({
        id: mutant.id,
        caught,
        checks: result?.checks ?? [],
        ...(result?.error ? { error: result.error } : {}),
      })),
    },
    null,
    2,
  )}\n`,
);
const clean = caughtCount === mutants.length && controlFailures.length === 0;
if (clean) rmSync(join(WORK_DIR, RUN), { recursive: true, force: true });
else process.stdout.write(`reports and logs: ${relative(REPO_ROOT, join(WORK_DIR, RUN))}/<id>/\n`);
process.exit(clean ? 0 : 1);

/** One control job per distinct proxy configuration (upstream, env, target description), over the union of checks. */
function controlJobs(list: Mutant[]): Job[] {
  const groups = new Map<string, Job>();
  for (const m of list) {
    const name = controlName(m);
    const group = groups.get(name);
    if (group) {
      group.checks = [...new Set([...group.checks, ...m.expect])];
      continue;
    }
    groups.set(name, {
      name,
      prepare: () => copyProxy(name, RUN),
      upstream: m.upstream,
      env: m.env ?? {},
      target: m.target,
      revision: m.revision,
      checks: [...m.expect],
      warnings: [],
    });
  }
  return [...groups.values()];
}

/** `control-<upstream>[-<n>]`: mutants with the same configuration share one control run. */
function controlName(m: Mutant): string {
  const config = JSON.stringify([m.upstream, m.env ?? {}, m.target ?? {}, m.revision ?? '']);
  const configs = [
    ...new Set(catalog.mutants.map((x) => JSON.stringify([x.upstream, x.env ?? {}, x.target ?? {}, x.revision ?? '']))),
  ];
  const sameUpstream = configs.filter((c) => (JSON.parse(c) as string[])[0] === m.upstream);
  const n = sameUpstream.indexOf(config);
  return `control-${m.upstream}${n > 0 ? `-${n}` : ''}`;
}

async function runJob(job: Job): Promise<JobResult> {
  const t0 = Date.now();
  const fail = (error: string): JobResult => ({ name: job.name, checks: [], seconds: (Date.now() - t0) / 1000, error });
  let dir: string;
  try {
    dir = job.prepare();
  } catch (error) {
    return fail((error as Error).message);
  }
  const logFile = join(dir, 'run.log');
  writeFileSync(logFile, '');
  let targetFile: string | undefined;
  if (job.target) {
    targetFile = join(dir, 'target.json');
    writeFileSync(targetFile, JSON.stringify(job.target, null, 2));
  }
  const env = { ...REFERENCE_PROXY_ENV, ...job.env };
  let bin = join(dir, 'proxy', 'bin', 'mcp-oauth-proxy.js');
  if (!values.tsx) {
    try {
      bin = bundleProxy(dir);
    } catch (error) {
      return fail(`could not bundle the proxy: ${(error as Error).message}`);
    }
  }
  const command = [
    REFERENCE_CIMD_ASSIGNMENTS,
    ...Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`),
    shellQuote(process.execPath),
    shellQuote(bin),
  ].join(' ');
  try {
    const run = await runConformance({
      target: `http://127.0.0.1:${await freePort()}`,
      upstream: `harness-${job.upstream}`,
      targetCommand: command,
      ...(targetFile ? { targetFile } : {}),
      ...(job.revision ? { revision: job.revision } : {}),
      grep: grepFor(job.checks),
      reportDir: join(dir, 'report'),
      waitSeconds: 60,
      // The control runs cover the union of their mutants' checks, most of the suite: allow time in proportion.
      runTimeoutMs: Math.max(180_000, job.checks.length * 5_000),
      log: (text) => appendFileSync(logFile, `${text}\n`),
    });
    const found = new Map<string, CheckResult>(run.report.checks.map((c) => [c.id, c]));
    const missing = job.checks.filter((id) => !found.has(id));
    if (run.report.runError && run.report.checks.length === 0) return fail(`the run broke: ${run.report.runError}`);
    if (missing.length) return fail(`no result for ${missing.join(', ')} (see ${relative(REPO_ROOT, logFile)})`);
    return {
      name: job.name,
      checks: job.checks.map((id) => judge(found.get(id) as CheckResult, job.warnings.includes(id))),
      seconds: (Date.now() - t0) / 1000,
    };
  } catch (error) {
    return fail(`the run threw: ${(error as Error).message}`);
  }
}

function progressLine(job: Job, r: JobResult): string {
  const isControl = job.name.startsWith('control-');
  const status = r.error
    ? 'ERROR'
    : isControl
      ? r.checks.every((v) => v.outcome === 'pass')
        ? 'control ok'
        : 'CONTROL FAILED'
      : r.checks.every((v) => v.caught)
        ? 'caught'
        : 'SURVIVED';
  const detail = r.error ?? r.checks.map((v) => `${v.id} ${v.outcome}`).join(', ');
  return `  ${status.padEnd(14)} ${job.name.padEnd(32)} ${detail} (${r.seconds.toFixed(1)} s)`;
}

function table(list: Array<{ mutant: Mutant; result?: JobResult; caught: boolean }>): string {
  const lines = [`${'mutant'.padEnd(32)} ${'result'.padEnd(9)} checks`];
  for (const { mutant, result, caught } of list) {
    const checks = result?.error
      ? result.error.split('\n')[0]
      : (result?.checks ?? []).map((v) => `${v.id}:${v.outcome}`).join(' ');
    lines.push(`${mutant.id.padEnd(32)} ${(caught ? 'caught' : 'SURVIVED').padEnd(9)} ${checks}`);
  }
  return lines.join('\n');
}
