// Plants a mutant's defect: applies a unified diff by content rather than by line number. Each hunk is located by its
// lines compared without regard to indentation or spacing, must match exactly one place in today's file, and is
// re-indented to fit there; its context lines only serve to make the place unique. So a patch survives the proxy
// moving on around it (lines added above, a function re-indented) and breaks only when the lines it changes change,
// which is when a person should look at it again.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FilePatch {
  /** Path after `a/`, e.g. `proxy/endpoints/consent.ts`. */
  path: string;
  hunks: Hunk[];
}

/** One hunk as lines with their marker: ' ' context, '-' removed, '+' added. */
type Hunk = { marker: ' ' | '-' | '+'; text: string }[];

export class PatchDoesNotFit extends Error {
  override name = 'PatchDoesNotFit';
}

export function parsePatch(text: string): FilePatch[] {
  const files: FilePatch[] = [];
  let hunk: Hunk | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('--- a/')) {
      files.push({ path: line.slice('--- a/'.length).split('\t')[0]!.trim(), hunks: [] });
      hunk = undefined;
    } else if (line.startsWith('+++ ')) {
      continue;
    } else if (line.startsWith('@@')) {
      hunk = [];
      files.at(-1)?.hunks.push(hunk);
    } else if (hunk && (line.startsWith(' ') || line.startsWith('-') || line.startsWith('+'))) {
      hunk.push({ marker: line[0] as ' ' | '-' | '+', text: line.slice(1) });
    } else if (hunk && line === '') {
      // An empty context line whose leading space an editor stripped.
      hunk.push({ marker: ' ', text: '' });
    }
  }
  for (const file of files) {
    for (const h of file.hunks) while (h.at(-1)?.marker === ' ' && h.at(-1)?.text === '') h.pop();
  }
  return files;
}

const normalise = (line: string) => line.trim().replace(/\s+/g, ' ');
const indentOf = (line: string) => /^\s*/.exec(line)?.[0].length ?? 0;

/** Where `needle` (normalised lines) occurs in `haystack`. */
function occurrences(haystack: string[], needle: string[]): number[] {
  const found: number[] = [];
  if (needle.length === 0) return found;
  for (let i = 0; i + needle.length <= haystack.length; i += 1) {
    if (needle.every((line, j) => haystack[i + j] === line)) found.push(i);
  }
  return found;
}

/**
 * Applies one hunk to `lines` in place. Tries the hunk with all its context first, then with less context (a context
 * line may have changed since the patch was written), never with less than the changed lines themselves (plus one
 * context line for a pure insertion). More context never matches more places, so an ambiguous match stops the search.
 */
function applyHunk(lines: string[], hunk: Hunk, where: string): void {
  const normalised = lines.map(normalise);
  const changed = hunk.flatMap((l, i) => (l.marker === ' ' ? [] : [i]));
  const first = changed[0];
  const last = changed.at(-1);
  if (first === undefined || last === undefined) return;
  const before = first;
  const after = hunk.length - 1 - last;
  const insertion = !hunk.some((l) => l.marker === '-');
  let ambiguous = 0;
  for (let keep = Math.max(before, after); keep >= 0; keep -= 1) {
    let keepBefore = Math.min(keep, before);
    const keepAfter = Math.min(keep, after);
    if (insertion && keepBefore + keepAfter === 0) keepBefore = Math.min(1, before);
    const slice = hunk.slice(first - keepBefore, last + keepAfter + 1);
    const old = slice.filter((l) => l.marker !== '+');
    if (old.length === 0) break;
    const matches = occurrences(
      normalised,
      old.map((l) => normalise(l.text)),
    );
    if (matches.length === 1) {
      lines.splice(matches[0]!, old.length, ...replaced(lines, matches[0]!, slice, old[0]!.text));
      return;
    }
    if (matches.length > 1) {
      ambiguous = matches.length;
      break;
    }
  }
  const why = ambiguous > 0 ? `occur ${ambiguous} times` : 'are not in the file any more';
  throw new PatchDoesNotFit(`${where}: the lines this hunk changes ${why}`);
}

/** The new lines for a matched region: context as the file has it, added lines shifted to the file's indentation. */
function replaced(lines: string[], at: number, slice: Hunk, firstOld: string): string[] {
  const delta = indentOf(lines[at] ?? '') - indentOf(firstOld);
  const out: string[] = [];
  let cursor = at;
  for (const line of slice) {
    if (line.marker === ' ') out.push(lines[cursor++] ?? '');
    else if (line.marker === '-') cursor += 1;
    else if (line.text.trim() === '') out.push('');
    else out.push(delta >= 0 ? ' '.repeat(delta) + line.text : line.text.slice(Math.min(-delta, indentOf(line.text))));
  }
  return out;
}

/** Applies every hunk of `patchText` to the files under `root`; throws PatchDoesNotFit naming the file and hunk. */
export function plant(patchText: string, root: string): string[] {
  const touched: string[] = [];
  for (const file of parsePatch(patchText)) {
    const path = join(root, file.path);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new PatchDoesNotFit(`${file.path} does not exist any more`);
    }
    const lines = text.split('\n');
    file.hunks.forEach((hunk, i) => applyHunk(lines, hunk, `${file.path} hunk ${i + 1}`));
    writeFileSync(path, lines.join('\n'));
    touched.push(file.path);
  }
  return touched;
}
