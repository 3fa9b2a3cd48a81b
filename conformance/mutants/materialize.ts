// Builds one mutant: a copy of proxy/ under .mutants/<id>/proxy/ (inside the repository, so node_modules resolves)
// with the mutant's patch applied. proxy/ itself is never touched.
import { buildSync } from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MUTANTS_DIR, REPO_ROOT, type Mutant } from './catalog.ts';
import { PatchDoesNotFit, plant } from './plant.ts';

export const WORK_DIR = join(REPO_ROOT, '.mutants');

/**
 * `.mutants/<run>/<name>/`, emptied and holding a fresh copy of proxy/ (its tests left out: the proxy never imports
 * them). `run` keeps two runner invocations in one checkout (say `npm test` and `npm run test:mutants`) apart.
 */
export function copyProxy(name: string, run = ''): string {
  const dir = join(WORK_DIR, run, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const source = join(REPO_ROOT, 'proxy');
  cpSync(source, join(dir, 'proxy'), {
    recursive: true,
    filter: (path) => relative(source, path).split(/[\\/]/)[0] !== 'test',
  });
  return dir;
}

/**
 * Copies proxy/ and plants the patch (by content, see plant.ts); throws naming the file and hunk when the lines the
 * patch changes are gone.
 * Returns the mutant's directory (the one holding `proxy/`).
 */
export function materialize(mutant: Mutant, run = ''): string {
  const patch = join(MUTANTS_DIR, mutant.patch);
  if (!existsSync(patch)) throw new Error(`${mutant.id}: patch file ${mutant.patch} is missing`);
  const dir = copyProxy(mutant.id, run);
  try {
    plant(readFileSync(patch, 'utf8'), dir);
  } catch (error) {
    if (!(error instanceof PatchDoesNotFit)) throw error;
    throw new Error(`${mutant.id}: ${error.message}; re-create ${mutant.patch} (conformance/mutants/README.md)`);
  }
  return dir;
}

/**
 * Bundles `<dir>/proxy/server/cli.ts` into `<dir>/proxy.bundle.mjs` (packages stay external and resolve from the
 * repository's node_modules). Same transpiler as tsx, but the bundle starts in about a second instead of four or
 * five on a busy machine, which is most of a mutant run. Returns the command that starts it.
 */
export function bundleProxy(dir: string): string {
  const outfile = join(dir, 'proxy.bundle.mjs');
  buildSync({
    entryPoints: [join(dir, 'proxy', 'server', 'cli.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'error',
  });
  return outfile;
}
