// Keeps the mutant patches current after proxy/ moved on. Each patch is planted (by content, plant.ts) into a copy
// of today's proxy and written back as a fresh diff, so its line numbers and context match the code again. A patch
// whose changed lines are gone can be carried over from a commit where it still applied (`--from`) by a three-way
// merge that follows renames (`--rename old=new` for moves git does not detect); what still fails is listed for a
// hand edit. `npx tsx conformance/mutants/rebase.ts [--from <commit>] [--rename old=new] [--only id,id]`
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parsePatch, PatchDoesNotFit, plant } from './plant.ts';

const here = new URL('.', import.meta.url).pathname;
const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** The patch as a fresh `diff -u` against today's files, or PatchDoesNotFit. */
function replanted(patchText: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'mutant-'));
  const files = parsePatch(patchText).map((f) => f.path);
  for (const file of files) {
    if (!existsSync(join(root, file))) throw new PatchDoesNotFit(`${file} does not exist any more`);
    cpSync(join(root, file), join(copy, file));
  }
  plant(patchText, copy);
  return files.map((file) => unifiedDiff(file, join(root, file), join(copy, file))).join('');
}

function unifiedDiff(path: string, before: string, after: string): string {
  const diff = spawnSync('diff', ['-u', '--label', `a/${path}`, '--label', `b/${path}`, before, after], {
    encoding: 'utf8',
  });
  if (diff.status !== 1) throw new PatchDoesNotFit(`${path}: the planted change vanished`);
  return diff.stdout;
}

/** Old path → new path for files renamed between `from` and the working tree. */
function renames(from: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of git(['diff', '--name-status', '-M', from, '--', 'proxy/']).split('\n')) {
    const [status, oldPath, newPath] = line.split('\t');
    if (status?.startsWith('R') && oldPath && newPath) map.set(oldPath, newPath);
  }
  return map;
}

/** Carries the patch's change from `from` to today by a three-way merge per file; returns the merged patch text. */
function carriedOver(patchText: string, from: string, moved: Map<string, string>): string {
  const work = mkdtempSync(join(tmpdir(), 'mutant-merge-'));
  let merged = '';
  for (const file of parsePatch(patchText)) {
    const newPath = moved.get(file.path) ?? file.path;
    if (!existsSync(join(root, newPath))) {
      throw new PatchDoesNotFit(`${file.path} is gone: pass --rename ${file.path}=<new path>`);
    }
    const [base, mutated, current] = ['base', 'mutated', 'current'].map((n) => join(work, n)) as [
      string,
      string,
      string,
    ];
    writeFileSync(base, git(['show', `${from}:${file.path}`]));
    writeFileSync(mutated, readFileSync(base));
    const section = patchText.split(/^(?=--- a\/)/m).find((part) => part.startsWith(`--- a/${file.path}`)) ?? '';
    plant(section.replace(`--- a/${file.path}`, '--- a/mutated'), work);
    writeFileSync(current, readFileSync(join(root, newPath)));
    const merge = spawnSync('git', ['merge-file', '-p', current, base, mutated], { encoding: 'utf8' });
    if (merge.status !== 0) throw new PatchDoesNotFit(`conflicts in ${newPath}: edit the patch by hand`);
    writeFileSync(join(work, 'merged'), merge.stdout);
    merged += unifiedDiff(newPath, join(root, newPath), join(work, 'merged'));
  }
  return merged;
}

const { values } = parseArgs({
  options: { from: { type: 'string' }, only: { type: 'string' }, rename: { type: 'string', multiple: true } },
});
const only = values.only ? new Set(values.only.split(',')) : undefined;
const moved = values.from ? renames(values.from) : new Map<string, string>();
for (const pair of values.rename ?? []) {
  const [oldPath, newPath] = pair.split('=');
  if (oldPath && newPath) moved.set(oldPath, newPath);
}
let failed = 0;
for (const name of readdirSync(here)
  .filter((f) => f.endsWith('.patch'))
  .sort()) {
  if (only && !only.has(name.replace(/\.patch$/, ''))) continue;
  const path = join(here, name);
  const text = readFileSync(path, 'utf8');
  try {
    let fresh: string;
    try {
      fresh = replanted(text);
    } catch (error) {
      if (!(error instanceof PatchDoesNotFit) || !values.from) throw error;
      fresh = replanted(carriedOver(text, values.from, moved));
    }
    if (fresh !== text) {
      writeFileSync(path, fresh);
      process.stdout.write(`${name}: rewritten\n`);
    }
  } catch (error) {
    if (!(error instanceof PatchDoesNotFit)) throw error;
    failed += 1;
    process.stdout.write(`${name}: ${error.message}\n`);
  }
}
process.exit(failed === 0 ? 0 : 1);
