// The suite's import map, checked. Every non-test .ts file under conformance/ (not test/, whose files may reach
// anywhere, nor examples/, which are other projects; patches are not .ts) is scanned for its imports, type-only,
// re-exports and literal dynamic imports included, and the graph must keep these rules:
//
//   1. No cycles. A cycle of type imports counts too: two modules that need each other are one module in two files.
//   2. Nothing outside conformance/ is imported by path, since the suite is published on its own package. The mock IdP
//      that lib/target/harness.ts starts in instrumented mode comes as its own package, @mcp-oauth-kit/mock-idp.
//   3. Layers. Every file under lib/ sits in a role folder, and a folder imports only itself and the folders below it:
//
//        model ← transport ← target ← session ← oauth ← browser ← check
//
//      (vocabulary and verdicts ← HTTP and traces ← what the suite is pointed at ← the per-worker session ← the
//      client's OAuth steps ← the browser flow ← defineCheck). report/ (reporter, report.json, junit.xml, gate,
//      summary) is a side branch that imports only model/ and target/, and only the entry points import it.
//   4. Nothing imports upward. lib/ never imports checks/, mutants/ or the entry points at the conformance/ root
//      (run.ts, cli.ts, demo.ts…). Playwright alone loads checks/, and mutants/ is imported only by mutants/ and by
//      variants/ (conforming variants are planted the way mutants are).
//   5. A check file imports lib/ (not lib/report/) and no other check file.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const CONFORMANCE = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** lib/ layers from the bottom up: a layer may import the ones before it. */
const LAYERS = ['model', 'transport', 'target', 'session', 'oauth', 'browser', 'check'] as const;
/** Side branches of lib/: what each may import besides itself. */
const SIDE_LAYERS: Record<string, readonly string[]> = { report: ['model', 'target'] };
/** Imports from outside conformance/ that are allowed, as `importer → folder` (paths relative to the repository). */
const ALLOWED_ESCAPES: ReadonlyArray<{ from: string; to: string }> = [];

/** An import edge: both ends absolute paths. */
interface Edge {
  from: string;
  to: string;
}

/** Where a file sits: a lib/ folder, checks/, mutants/, the root entry points, or somewhere else. */
type Place =
  | { kind: 'lib'; folder: string }
  | { kind: 'lib-loose' }
  | { kind: 'checks' }
  | { kind: 'mutants' }
  | { kind: 'entry' }
  | { kind: 'other'; dir: string };

function placeOf(root: string, file: string): Place {
  const parts = relative(root, file).split(sep);
  if (parts[0] === 'lib') return parts.length > 2 ? { kind: 'lib', folder: parts[1] ?? '' } : { kind: 'lib-loose' };
  if (parts[0] === 'checks') return { kind: 'checks' };
  if (parts[0] === 'mutants') return { kind: 'mutants' };
  if (parts.length === 1) return { kind: 'entry' };
  return { kind: 'other', dir: parts[0] ?? '' };
}

function scanned(file: string): boolean {
  const parts = file.split(sep);
  return (
    file.endsWith('.ts') && !file.endsWith('.test.ts') && !['test', 'examples', 'node_modules'].includes(parts[0] ?? '')
  );
}

/** The non-test .ts files under `root`, absolute. */
function sourceFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter(scanned)
    .map((f) => join(root, f))
    .sort();
}

/** Relative imports of one file, resolved to absolute paths (bare packages and node: builtins are not edges). */
function importsOf(file: string, source = readFileSync(file, 'utf8')): Edge[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  return importedFiles
    .map((i) => i.fileName)
    .filter((spec) => spec.startsWith('./') || spec.startsWith('../'))
    .map((spec) => ({ from: file, to: resolve(dirname(file), spec) }));
}

/** Every cycle, as its strongly connected component (Tarjan), each listed from its alphabetically first file. */
function cycles(edges: Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v) ?? 0);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) {
      onStack.delete(w);
      component.push(w);
    }
    if (component.length > 1 || (next.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

/** Violations of rules 2–5 for one edge, in words; empty when the import is allowed. */
function ruleViolations(root: string, repo: string, { from, to }: Edge): string[] {
  const name = `${relative(repo, from)} → ${relative(repo, to)}`;
  if (relative(root, to).startsWith('..')) {
    const allowed = ALLOWED_ESCAPES.some((a) => relative(repo, from) === a.from && relative(repo, to).startsWith(a.to));
    return allowed ? [] : [`${name}: imports from outside conformance/`];
  }
  const a = placeOf(root, from);
  const b = placeOf(root, to);
  const problems: string[] = [];
  if (a.kind === 'lib-loose' || b.kind === 'lib-loose') problems.push(`${name}: lib/ files belong in a role folder`);
  if (b.kind === 'checks') problems.push(`${name}: check files are loaded by Playwright, never imported`);
  const plantsPatches = a.kind === 'mutants' || (a.kind === 'other' && a.dir === 'variants');
  if (b.kind === 'mutants' && !plantsPatches) problems.push(`${name}: only mutants/ and variants/ import mutants/`);
  if (a.kind === 'lib' && (b.kind === 'entry' || b.kind === 'other')) problems.push(`${name}: lib/ imports upward`);
  if (a.kind === 'checks' && (b.kind === 'entry' || b.kind === 'mutants' || b.kind === 'other')) {
    problems.push(`${name}: a check file imports only lib/`);
  }
  if (a.kind === 'checks' && b.kind === 'lib' && b.folder === 'report') {
    problems.push(`${name}: reporting is the runner's business, not a check's`);
  }
  if (a.kind === 'lib' && b.kind === 'lib' && a.folder !== b.folder) {
    const problem = layerProblem(a.folder, b.folder);
    if (problem) problems.push(`${name}: ${problem}`);
  }
  return problems;
}

function layerProblem(from: string, to: string): string | undefined {
  const rank = (f: string): number => (LAYERS as readonly string[]).indexOf(f);
  for (const f of [from, to]) {
    if (rank(f) < 0 && !(f in SIDE_LAYERS)) return `lib/${f}/ is not a known layer (add it to the import-map test)`;
  }
  if (from in SIDE_LAYERS) {
    return SIDE_LAYERS[from]?.includes(to)
      ? undefined
      : `lib/${from}/ may import only ${SIDE_LAYERS[from]?.join(', ')}`;
  }
  if (to in SIDE_LAYERS) return `lib/${to}/ is imported only by the entry points`;
  return rank(to) < rank(from) ? undefined : `lib/${from}/ sits below lib/${to}/ and must not import it`;
}

/** Everything wrong with the import graph of `root` (a conformance/ directory inside the repository `repo`). */
function importMapProblems(edges: Edge[], root: string, repo: string): string[] {
  const problems = edges.flatMap((e) => ruleViolations(root, repo, e));
  for (const cycle of cycles(edges)) problems.push(`cycle among ${cycle.map((f) => relative(repo, f)).join(', ')}`);
  return problems;
}

describe('import map of conformance/', () => {
  const repo = resolve(CONFORMANCE, '..');
  const files = sourceFiles(CONFORMANCE);
  const edges = files.flatMap((f) => importsOf(f));

  it('scans the suite (checks, every lib layer, the entry points, the mutant runner)', () => {
    const names = files.map((f) => relative(CONFORMANCE, f));
    expect(names).toContain('run.ts');
    expect(names).toContain('checks/consent.check.ts');
    expect(names).toContain('mutants/run.ts');
    for (const layer of [...LAYERS, ...Object.keys(SIDE_LAYERS)]) {
      expect(
        names.some((n) => n.startsWith(`lib/${layer}/`)),
        `lib/${layer}/`,
      ).toBe(true);
    }
    expect(names.some((n) => n.includes('.test.ts') || n.startsWith('examples'))).toBe(false);
    expect(edges.length).toBeGreaterThan(100);
  });

  it('has no cycle, no import from outside conformance/ and no import against the layers', () => {
    expect(importMapProblems(edges, CONFORMANCE, repo)).toEqual([]);
  });
});

describe('the import-map rules themselves', () => {
  // A made-up suite at /r/conformance, so that each rule is seen to fire.
  const repo = '/r';
  const root = '/r/conformance';
  const f = (p: string): string => `${root}/${p}`;
  const problems = (...edges: Array<[string, string]>): string[] =>
    importMapProblems(
      edges.map(([from, to]) => ({ from: f(from), to: f(to) })),
      root,
      repo,
    );

  it('finds a cycle, including one through type-only imports', () => {
    const source = "import type { Navigation } from './navigation.ts';\nexport const x = 1;\n";
    const edges = [
      ...importsOf(f('lib/browser/flow.ts'), source),
      ...importsOf(f('lib/browser/navigation.ts'), "export { x } from './flow.ts';"),
    ];
    expect(importMapProblems(edges, root, repo)).toEqual([
      'cycle among conformance/lib/browser/flow.ts, conformance/lib/browser/navigation.ts',
    ]);
    expect(cycles([{ from: 'a', to: 'a' }])).toEqual([['a']]);
    expect(cycles([{ from: 'a', to: 'b' }])).toEqual([]);
  });

  it('refuses imports from outside conformance/ by path, the mock IdP included (it is a package of its own)', () => {
    expect(problems(['demo.ts', '../scripts/lib/free-port.ts'])).toEqual([
      'conformance/demo.ts → scripts/lib/free-port.ts: imports from outside conformance/',
    ]);
    expect(problems(['lib/target/harness.ts', '../mock-idp/index.ts'])).toHaveLength(1);
  });

  it('refuses an import against the layers and accepts one along them', () => {
    expect(problems(['lib/oauth/authorize-probe.ts', 'lib/browser/flow.ts'])).toEqual([
      'conformance/lib/oauth/authorize-probe.ts → conformance/lib/browser/flow.ts: lib/oauth/ sits below lib/browser/ and must not import it',
    ]);
    expect(problems(['lib/browser/flow.ts', 'lib/oauth/token.ts'])).toEqual([]);
    expect(problems(['lib/report/reporter.ts', 'lib/target/settings.ts'])).toEqual([]);
    expect(problems(['lib/report/reporter.ts', 'lib/browser/flow.ts'])).toHaveLength(1);
    expect(problems(['lib/check/define-check.ts', 'lib/report/summary.ts'])).toHaveLength(1);
    expect(problems(['lib/extras/x.ts', 'lib/model/refs.ts'])).toEqual([
      'conformance/lib/extras/x.ts → conformance/lib/model/refs.ts: lib/extras/ is not a known layer (add it to the import-map test)',
    ]);
    expect(problems(['lib/loose.ts', 'lib/model/refs.ts'])).toHaveLength(1);
  });

  it('refuses upward imports and keeps check files to lib/', () => {
    expect(problems(['lib/model/refs.ts', 'run.ts'])).toHaveLength(1);
    expect(problems(['lib/oauth/token.ts', 'checks/pkce.check.ts'])).toHaveLength(1);
    expect(problems(['run.ts', 'mutants/catalog.ts'])).toHaveLength(1);
    expect(problems(['checks/pkce.check.ts', 'checks/refresh.check.ts'])).toHaveLength(1);
    expect(problems(['checks/pkce.check.ts', 'lib/report/gate.ts'])).toHaveLength(1);
    expect(problems(['checks/pkce.check.ts', 'lib/browser/flow.ts'])).toEqual([]);
    expect(problems(['mutants/run.ts', 'run.ts'], ['mutants/run.ts', 'mutants/catalog.ts'])).toEqual([]);
    expect(problems(['variants/run.ts', 'mutants/plant.ts'])).toEqual([]);
    expect(problems(['examples/x.ts', 'mutants/plant.ts'])).toHaveLength(1);
  });
});
