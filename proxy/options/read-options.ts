// Reads an option table from its text sources, in order of precedence: command-line flags, then environment
// variables (empty counts as unset), then a JSON config file. Every value is parsed and checked by its row's kind
// here, so a bad value is reported with the name it was given under (`--port`, `PORT`, `PORT in proxy.json`).
import { OptionValueProblem } from './kinds.ts';
import { OptionError, type OptionSpec, type OptionTable, type TableValues } from './option.ts';

export interface TextSources {
  /** Flag name without dashes → value. */
  flags?: Readonly<Record<string, string | undefined>>;
  env?: Readonly<Record<string, string | undefined>>;
  /** A config file's values keyed by environment variable name, and the file's path for messages. */
  file?: { path: string; values: Readonly<Record<string, string | undefined>> };
}

/** How an operator refers to an option: `PROXY_ACCESS_TOKEN_TTL (--access-token-ttl)`. */
export function optionName(spec: Pick<OptionSpec<unknown>, 'env' | 'flag'>): string {
  return `${spec.env} (--${spec.flag})`;
}

/** The set values of `table`, parsed; unset options are absent (the library applies defaults). */
export function readTable<Table extends OptionTable>(table: Table, sources: TextSources): TableValues<Table> {
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table) as [string, OptionSpec<unknown>][]) {
    const found = findText(spec, sources);
    if (found === undefined) continue;
    try {
      values[key] = spec.kind.fromText(found.text);
    } catch (error) {
      if (error instanceof OptionValueProblem) throw new OptionError(key, found.source, error.message);
      throw error;
    }
  }
  return values as TableValues<Table>;
}

function findText(
  spec: OptionSpec<unknown>,
  { flags, env, file }: TextSources,
): { text: string; source: string } | undefined {
  const flag = flags?.[spec.flag];
  if (flag !== undefined) return { text: flag, source: `--${spec.flag}` };
  const variable = env?.[spec.env];
  if (variable !== undefined && (variable !== '' || spec.kind.emptyIsValue))
    return { text: variable, source: spec.env };
  const fromFile = file?.values[spec.env];
  if (fromFile !== undefined) return { text: fromFile, source: `${spec.env} in ${file?.path}` };
  return undefined;
}

/**
 * A config file's JSON object with its keys normalised to environment variable names. Keys may be the variable
 * (`PROXY_CONSENT`) or the option key (`consent`); arrays become comma-separated text. An unknown key is an error
 * naming the close match, so that a typo never silently leaves a default in force.
 */
export function configFileValues(
  path: string,
  parsed: unknown,
  tables: readonly OptionTable[],
): Record<string, string | undefined> {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new OptionError('config', path, 'must hold a JSON object keyed by option names');
  }
  const byName = new Map<string, string>();
  for (const table of tables) {
    for (const [key, spec] of Object.entries(table)) {
      byName.set(spec.env, spec.env);
      byName.set(key, spec.env);
    }
  }
  const out: Record<string, string | undefined> = {};
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (key.startsWith('$')) continue; // $schema, $comment
    const env = byName.get(key);
    if (env === undefined) {
      unknown.push(key);
      continue;
    }
    out[env] = Array.isArray(value) ? value.join(',') : value === null ? undefined : String(value);
  }
  if (unknown.length > 0) {
    const hints = unknown.map((key) => {
      const close = closest(key, [...byName.keys()]);
      return close ? `${key} (did you mean ${close}?)` : key;
    });
    throw new OptionError('config', path, `has unknown keys: ${hints.join(', ')}`);
  }
  return out;
}

/** The known name nearest to a typo, by edit distance, if it is near enough to be a likely slip. */
function closest(word: string, names: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = editDistance(word.toLowerCase(), name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(word.length / 4)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
