// Conforming variants: the reference proxy changed the way a specification allows (a patch planted like a mutant's,
// or only a different configuration), each with the sentence that allows it. The suite must give the verdicts the
// catalogue expects for them: a false failure here is a defect of the suite, as a surviving mutant is. A minimal
// runner: `npx tsx conformance/variants/run.ts [--only id,id]`; exit 1 when a verdict differs.
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Outcome, Revision } from '../lib/model/vocabulary.ts';
import type { Report } from '../lib/report/report-json.ts';
import type { TargetDescription } from '../lib/target/description.ts';
import { freePort } from '../lib/target/free-port.ts';
import { REPO_ROOT, grepFor } from '../mutants/catalog.ts';
import { pool, shellQuote } from '../mutants/job-pool.ts';
import { bundleProxy, copyProxy } from '../mutants/materialize.ts';
import { PatchDoesNotFit, plant } from '../mutants/plant.ts';
import { REFERENCE_PROXY_ENV } from '../reference-target.ts';
import { runConformance } from '../run.ts';

const VARIANTS_DIR = dirname(fileURLToPath(import.meta.url));

export interface Variant {
  id: string;
  /** What the specification allows (or, for a configuration, what the fair verdict is), quoted, with its URL. */
  allowance: { sentence: string; url: string };
  /** Patch file relative to conformance/variants/; none for a configuration-only variant. */
  patch?: string;
  upstream: 'github' | 'oidc';
  env?: Record<string, string>;
  target?: TargetDescription;
  revision?: Revision;
  /** The verdict each named check must give. */
  expect: Record<string, Outcome>;
  /** Groups of checks that must be reported as one finding (one root cause). */
  sameFinding?: string[][];
}

export interface VariantResult {
  id: string;
  /** Check id → [expected, actual]. */
  outcomes: Record<string, [Outcome, Outcome | 'missing']>;
  problems: string[];
  seconds: number;
}

export function loadVariants(path = join(VARIANTS_DIR, 'catalog.json')): Variant[] {
  const { variants } = JSON.parse(readFileSync(path, 'utf8')) as { variants: Variant[] };
  const problems = variants.flatMap((v) => [
    ...(!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(v.id) ? [`${v.id}: not kebab-case`] : []),
    ...(!v.allowance?.sentence || !/^https:\/\//.test(v.allowance.url ?? '')
      ? [`${v.id}: no allowance with a URL`]
      : []),
    ...(Object.keys(v.expect ?? {}).length === 0 ? [`${v.id}: expects nothing`] : []),
  ]);
  if (problems.length) throw new Error(`variants/catalog.json:\n  ${problems.join('\n  ')}`);
  return variants;
}

/** Builds the variant's proxy, runs the checks it names, and compares their outcomes. */
export async function runVariant(variant: Variant, run: string): Promise<VariantResult> {
  const started = Date.now();
  const result = (problems: string[], outcomes: VariantResult['outcomes'] = {}): VariantResult => ({
    id: variant.id,
    outcomes,
    problems,
    seconds: (Date.now() - started) / 1000,
  });
  const dir = copyProxy(`variant-${variant.id}`, run);
  if (variant.patch) {
    try {
      plant(readFileSync(join(VARIANTS_DIR, variant.patch), 'utf8'), dir);
    } catch (error) {
      if (error instanceof PatchDoesNotFit) return result([`${variant.patch}: ${error.message}`]);
      throw error;
    }
  }
  const logFile = join(dir, 'run.log');
  writeFileSync(logFile, '');
  let targetFile: string | undefined;
  if (variant.target) {
    targetFile = join(dir, 'target.json');
    writeFileSync(targetFile, JSON.stringify(variant.target, null, 2));
  }
  const env = { ...REFERENCE_PROXY_ENV, ...(variant.env ?? {}) };
  const command = [
    ...Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`),
    shellQuote(process.execPath),
    shellQuote(bundleProxy(dir)),
  ].join(' ');
  const ids = Object.keys(variant.expect);
  const conformance = await runConformance({
    target: `http://127.0.0.1:${await freePort()}`,
    upstream: `harness-${variant.upstream}`,
    targetCommand: command,
    ...(targetFile ? { targetFile } : {}),
    ...(variant.revision ? { revision: variant.revision } : {}),
    grep: grepFor(ids),
    reportDir: join(dir, 'report'),
    waitSeconds: 60,
    runTimeoutMs: 240_000,
    log: (text) => appendFileSync(logFile, `${text}\n`),
  });
  const report: Report = conformance.report;
  const outcomes: VariantResult['outcomes'] = {};
  const problems: string[] = [];
  for (const id of ids) {
    const check = report.checks.find((c) => c.id === id);
    const expected = variant.expect[id] as Outcome;
    outcomes[id] = [expected, check?.outcome ?? 'missing'];
    if (check?.outcome !== expected) {
      problems.push(
        `${id}: expected ${expected}, got ${check?.outcome ?? 'no result'}${check?.message ? ` (${check.message.slice(0, 160)})` : ''}`,
      );
    }
  }
  for (const group of variant.sameFinding ?? []) {
    const keys = new Set(
      group.map((id) => (report.findings ?? []).find((f) => f.checks.some((c) => c.id === id))?.key),
    );
    if (keys.size !== 1 || keys.has(undefined))
      problems.push(`${group.join(', ')} are not one finding: ${[...keys].join(' | ')}`);
  }
  if (problems.length) problems.push(`log and report: ${relative(REPO_ROOT, dir)}`);
  else rmSync(dir, { recursive: true, force: true });
  return result(problems, outcomes);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { only: { type: 'string', multiple: true }, concurrency: { type: 'string' } },
    strict: true,
  });
  const only = new Set((values.only ?? []).flatMap((v) => v.split(',')).filter(Boolean));
  const variants = loadVariants().filter((v) => only.size === 0 || only.has(v.id));
  const run = `variants-${process.pid}`;
  process.stdout.write(`${variants.length} conforming variants (logs in .mutants/${run}/variant-<id>/run.log)\n`);
  const results = await pool(variants, Math.max(1, Number(values.concurrency ?? 2)), async (v) => {
    const r = await runVariant(v, run);
    const detail = Object.entries(r.outcomes)
      .map(([id, [, actual]]) => `${id} ${actual}`)
      .join(', ');
    process.stdout.write(
      `  ${(r.problems.length ? 'FALSE VERDICT' : 'fair').padEnd(14)} ${v.id.padEnd(40)} ${detail} (${r.seconds.toFixed(1)} s)\n`,
    );
    for (const p of r.problems) process.stdout.write(`      ${p}\n`);
    return r;
  });
  const fair = results.filter((r) => r.problems.length === 0).length;
  // The twin of the mutation score: variants the suite judged unfairly (any verdict other than the expected one).
  process.stdout.write(`\nfalse-failure score: ${results.length - fair}/${results.length}\n`);
  return fair === results.length ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(2);
    },
  );
}
