// Builds one mutant: a copy of proxy/ under .mutants/<id>/proxy/ (inside the repository, so node_modules resolves)
// with the mutant's patch applied. proxy/ itself is never touched.
import { buildSync } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MUTANTS_DIR, REPO_ROOT, type Mutant } from './catalog.ts';

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
 * Copies proxy/ and applies the patch; throws "patch no longer applies to proxy/<file>" when the proxy moved on.
 * Returns the mutant's directory (the one holding `proxy/`).
 */
export function materialize(mutant: Mutant, run = ''): string {
  const patch = join(MUTANTS_DIR, mutant.patch);
  if (!existsSync(patch)) throw new Error(`${mutant.id}: patch file ${mutant.patch} is missing`);
  const dir = copyProxy(mutant.id, run);
  const directory = relative(REPO_ROOT, dir);
  try {
    execFileSync('git', ['apply', '--unidiff-zero', `--directory=${directory}`, patch], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? error);
    const files = [...stderr.matchAll(/(?:patch failed|No such file|does not exist in index)[^\n]*?(proxy\/[^\s:]+)/g)]
      .map((m) => m[1])
      .filter(Boolean);
    const where = files.length ? [...new Set(files)].join(', ') : 'proxy/';
    throw new Error(`${mutant.id}: patch no longer applies to ${where}; re-create ${mutant.patch}\n${stderr.trim()}`);
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
