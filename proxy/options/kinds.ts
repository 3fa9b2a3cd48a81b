// The kinds of value an option can hold. Each kind reads the text form (flags, environment variables, config files)
// and checks a typed value (library callers) with the same rule, so one option has one message wherever it comes
// from: the caller only prefixes the name it was set under (`PROXY_ACCESS_TOKEN_TTL`, `--access-token-ttl`,
// `accessTokenTtlSeconds`).
import { MIN_SECRET_LENGTH } from '../crypto/hmac.ts';

/** A rule broken by a value, phrased to follow the option's name: "must be a whole number from 1 to 86400". */
export class OptionValueProblem extends Error {
  override name = 'OptionValueProblem';
}

export interface Kind<T> {
  /** Shown in --help after the flag, e.g. `SECONDS`, `URL`. */
  readonly placeholder: string;
  /** Text (flag, env var, config file) → value; throws OptionValueProblem. */
  fromText(text: string): T;
  /** Throws OptionValueProblem when a value (from text or from a library caller) breaks the rule. */
  check(value: unknown): void;
  /** The value as an operator would write it (defaults in --help and the README). */
  toText(value: T): string;
  /**
   * Whether an empty environment variable is a value (a list turned off) rather than "unset". For other kinds an
   * empty variable is unset, as shells and .env files commonly leave them.
   */
  readonly emptyIsValue?: boolean;
}

function problem(message: string): never {
  throw new OptionValueProblem(message);
}

/** A whole number in [min, max]; `unit` is only for the messages and the help. */
export function integer(min: number, max: number, unit?: string): Kind<number> {
  const rule = `must be a whole number${unit ? ` of ${unit}` : ''} from ${min} to ${max}`;
  return {
    placeholder: unit === 'seconds' ? 'SECONDS' : 'N',
    fromText(text) {
      const trimmed = text.trim();
      if (!/^-?\d+$/.test(trimmed)) problem(`${rule}, got ${JSON.stringify(text)}`);
      const value = Number(trimmed);
      this.check(value);
      return value;
    },
    check(value) {
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
        problem(`${rule}, got ${JSON.stringify(value)}`);
      }
    },
    toText: String,
  };
}

export const seconds = (min: number, max: number): Kind<number> => integer(min, max, 'seconds');

export function oneOf<const V extends string>(values: readonly V[]): Kind<V> {
  const rule = `must be ${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
  return {
    placeholder: values.join('|'),
    fromText(text) {
      const value = text.trim();
      this.check(value);
      return value as V;
    },
    check(value) {
      if (!(values as readonly unknown[]).includes(value)) problem(`${rule}, got ${JSON.stringify(value)}`);
    },
    toText: String,
  };
}

export const boolean: Kind<boolean> = {
  placeholder: 'true|false',
  fromText(text) {
    const value = text.trim().toLowerCase();
    if (value !== 'true' && value !== 'false') problem(`must be true or false, got ${JSON.stringify(text)}`);
    return value === 'true';
  },
  check(value) {
    if (typeof value !== 'boolean') problem(`must be true or false, got ${JSON.stringify(value)}`);
  },
  toText: String,
};

/** High-entropy text, at least 32 characters; never echoed in messages. */
export const secret: Kind<string> = {
  placeholder: 'SECRET',
  fromText(text) {
    this.check(text);
    return text;
  },
  check(value) {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) {
      problem(`must be at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -base64 32)`);
    }
  },
  toText: () => '(secret)',
};

/** Any non-empty text, optionally checked further by `rule` (which throws OptionValueProblem). */
export function text(placeholder: string, rule?: (value: string) => void): Kind<string> {
  return {
    placeholder,
    fromText(value) {
      this.check(value);
      return value;
    },
    check(value) {
      if (typeof value !== 'string' || value.trim() === '') problem('must not be empty');
      rule?.(value);
    },
    toText: String,
  };
}

/** An absolute http(s) URL. */
export const httpUrl: Kind<string> = text('URL', (value) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problem(`must be an absolute URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    problem(`must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
});

/**
 * A list, written as comma- or space-separated text; each item passes `item`. An empty text is an empty list (so an
 * operator can turn a non-empty default off).
 */
export function list(placeholder: string, item?: (value: string) => void): Kind<string[]> {
  return {
    placeholder,
    emptyIsValue: true,
    fromText(value) {
      const items = [...new Set(value.split(/[\s,]+/).filter((s) => s !== ''))];
      this.check(items);
      return items;
    },
    check(value) {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) problem('must be a list of strings');
      for (const v of value) item?.(v);
    },
    toText: (value) => (value.length === 0 ? '(none)' : value.join(',')),
  };
}

export { problem as refuse };
