// `--grep`: which checks run. The pattern is matched against "<ID> <title>", as the CLI documents, so the anchored
// form `--grep '^PKCE-'` selects the PKCE checks. (Playwright's own --grep matches the title path, which begins with
// the file name, so an anchored pattern never matched there.)
import type { CheckDefinition } from './vocabulary.ts';

/** The environment variable through which run.ts hands the pattern to the workers. */
export const GREP_ENV = 'CONFORMANCE_GREP';

/** The text a selection pattern is matched against. */
export function selectionText(def: Pick<CheckDefinition, 'id' | 'title'>): string {
  return `${def.id} ${def.title}`;
}

/** Throws a readable error for a pattern that is not a regular expression. */
export function parseGrep(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (err) {
    throw new Error(`--grep ${pattern} is not a regular expression: ${(err as Error).message}`);
  }
}

/** Whether a check is selected: always without a pattern. */
export function isSelected(def: Pick<CheckDefinition, 'id' | 'title'>, pattern: string | undefined): boolean {
  return pattern === undefined || pattern === '' || parseGrep(pattern).test(selectionText(def));
}
