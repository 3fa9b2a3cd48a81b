// The import map of a source tree, for architecture tests: which module imports which (relative imports only, type
// imports included, since a type-only cycle still tangles the design), and the cycles in it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export type ImportGraph = Map<string, string[]>;

/** Every `.ts` file under `root` (relative to `base`), minus those `exclude` matches, with its relative imports. */
export function importGraph(base: string, root: string, exclude: (path: string) => boolean): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of walk(join(base, root))) {
    const path = relative(base, file);
    if (!path.endsWith('.ts') || path.endsWith('.d.ts') || exclude(path)) continue;
    graph.set(
      path,
      relativeImports(file).map((specifier) => relative(base, resolve(dirname(file), specifier))),
    );
  }
  return graph;
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

/** Each cycle once, as the list of modules around it. */
export function cycles(graph: ImportGraph): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'visiting') found.push(stack.slice(stack.indexOf(next)));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

/** The relative specifiers a file imports: static, type-only, re-exports, side-effect and literal dynamic imports. */
export function relativeImports(file: string, source = readFileSync(file, 'utf8')): string[] {
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map((i) => i.fileName)
    .filter((spec) => spec.startsWith('./') || spec.startsWith('../'));
}
