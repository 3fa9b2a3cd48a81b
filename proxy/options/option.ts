// One row of an option table: everything there is to know about one setting, in one place. The library validates
// with it, the CLI parses flags, environment variables and config files with it, and --help and the README's option
// tables are generated from it (proxy/options/help.ts).
import { OptionValueProblem, type Kind } from './kinds.ts';

export interface OptionSpec<T> {
  kind: Kind<T>;
  /** Environment variable (also the key in a JSON config file). */
  env: string;
  /** Command-line flag without the leading dashes. */
  flag: string;
  /** One sentence for --help and the README: what it does, its unit and special values. */
  doc: string;
  /** Applied when unset. Absent: the option is optional (or required, see `required`). */
  default?: T;
  /** How the default reads when it is computed rather than a value ("derived from the signing key"). */
  defaultDoc?: string;
  /** Must be set (only the issuer). */
  required?: boolean;
  /** Marks an insecure setting in --help; `warning` explains what it breaks. */
  dangerous?: boolean;
  /** A warning logged at start for a value that works but hurts (dangerous values, surprising lifetimes). */
  warning?: (value: T) => string | undefined;
  /** A valid text form, used by the table-driven round-trip test and as the example in docs. */
  example: string;
  /** Listed in the top-level README's short table (the full table is in proxy/README.md). */
  essential?: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows of any value type; each row is typed where it is defined
export type OptionTable = Record<string, OptionSpec<any>>;

/** The value type of one row. */
export type ValueOf<S> = S extends OptionSpec<infer T> ? T : never;

/** The values of a table, every one optional (the form library callers and config sources produce). */
export type TableValues<Table> = { [K in keyof Table]?: ValueOf<Table[K]> };

/** A row whose type remembers whether it has a default, so resolved settings are not `| undefined` needlessly. */
export type Row<T, D extends T | undefined> = OptionSpec<T> & { default: D };

/** Identity with inference: `option({ kind: seconds(1, 60), default: 5, … })` gives a Row<number, number>. */
export function option<T, D extends T | undefined = undefined>(spec: OptionSpec<T> & { default?: D }): Row<T, D> {
  return spec as Row<T, D>;
}

/** The value of a row once defaults are applied: `T`, or `T | undefined` for a row without a default. */
export type ResolvedOf<S> = S extends Row<infer T, infer D> ? (undefined extends D ? T | undefined : T) : ValueOf<S>;

/** A table's values once defaults are applied. */
export type ResolvedTable<Table> = { [K in keyof Table]: ResolvedOf<Table[K]> };

/** A value that breaks its option's rule; `option` is the table key, `source` how the caller named it. */
export class OptionError extends Error {
  override name = 'OptionError';
  constructor(
    readonly option: string,
    readonly source: string,
    readonly problem: string,
  ) {
    super(`${source} ${problem}`);
  }
}

/**
 * Checks every set value of a library caller against its row and fills defaults. Messages name the option key
 * (`accessTokenTtlSeconds must be …`); the CLI never gets here with a bad value because it checks while parsing.
 */
export function resolveTable<Table extends OptionTable>(
  table: Table,
  values: TableValues<Table>,
): ResolvedTable<Table> {
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(table) as [string, OptionSpec<unknown>][]) {
    const value = (values as Record<string, unknown>)[key];
    if (value === undefined) {
      if (spec.required) throw new OptionError(key, key, 'is required');
      out[key] = spec.default;
      continue;
    }
    try {
      spec.kind.check(value);
    } catch (error) {
      if (error instanceof OptionValueProblem) throw new OptionError(key, key, error.message);
      throw error;
    }
    out[key] = value;
  }
  return out as ResolvedTable<Table>;
}

/** Start-up warnings for the values in force (dangerous settings, lifetimes that surprise clients). */
export function tableWarnings<Table extends OptionTable>(table: Table, values: Record<string, unknown>): string[] {
  const warnings: string[] = [];
  for (const [key, spec] of Object.entries(table) as [string, OptionSpec<unknown>][]) {
    const value = values[key];
    if (value === undefined || !spec.warning) continue;
    const message = spec.warning(value);
    if (message) warnings.push(`${spec.env}: ${message}`);
  }
  return warnings;
}
