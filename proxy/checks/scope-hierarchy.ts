// Scope hierarchies: a broader scope implies narrower ones (`mcp:admin>mcp:tools`). MCP leaves the hierarchy to the
// server but makes accounting for it a MUST when a token's sufficiency is judged: "Servers MUST account for scope
// hierarchies, where a broader scope implies narrower ones, when deciding whether a token is sufficient for an
// operation."
// @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization#step-up-authorization-flow

/** `broader>narrower`, both RFC 6749 scope-tokens without `>`. */
const IMPLICATION = /^([\x21\x23-\x3d\x3f-\x5b\x5d-\x7e]+)>([\x21\x23-\x3d\x3f-\x5b\x5d-\x7e]+)$/;

export interface ScopeImplication {
  broader: string;
  narrower: string;
}

/** Parses `broader>narrower`; throws an Error saying what is wrong. */
export function parseScopeImplication(text: string): ScopeImplication {
  const match = IMPLICATION.exec(text);
  if (!match?.[1] || !match[2])
    throw new Error(`expected "broader>narrower" (two scopes), got ${JSON.stringify(text)}`);
  if (match[1] === match[2]) throw new Error(`a scope cannot imply itself: ${JSON.stringify(text)}`);
  return { broader: match[1], narrower: match[2] };
}

/**
 * Every scope each scope implies, transitively (`a>b` and `b>c` give a → {b, c}). A cycle (`a>b`, `b>a`) is refused:
 * two names for one permission are a configuration mistake, not a hierarchy.
 */
export function impliedScopes(implications: readonly ScopeImplication[]): ReadonlyMap<string, ReadonlySet<string>> {
  const direct = new Map<string, string[]>();
  for (const { broader, narrower } of implications) direct.set(broader, [...(direct.get(broader) ?? []), narrower]);
  const closure = new Map<string, Set<string>>();
  for (const scope of direct.keys()) {
    const reached = new Set<string>();
    const pending = [...(direct.get(scope) ?? [])];
    while (pending.length > 0) {
      const next = pending.pop() as string;
      if (next === scope) throw new Error(`the scope hierarchy has a cycle through ${JSON.stringify(scope)}`);
      if (reached.has(next)) continue;
      reached.add(next);
      pending.push(...(direct.get(next) ?? []));
    }
    closure.set(scope, reached);
  }
  return closure;
}

/** The granted scopes with everything they imply. */
export function effectiveScopes(
  granted: readonly string[],
  implied: ReadonlyMap<string, ReadonlySet<string>>,
): Set<string> {
  const effective = new Set(granted);
  for (const scope of granted) for (const narrower of implied.get(scope) ?? []) effective.add(narrower);
  return effective;
}

/** The required scopes that the granted ones, with the hierarchy, do not cover (empty: the token suffices). */
export function missingScopes(
  granted: readonly string[],
  required: readonly string[],
  implied: ReadonlyMap<string, ReadonlySet<string>>,
): string[] {
  if (required.length === 0) return [];
  const effective = effectiveScopes(granted, implied);
  return required.filter((scope) => !effective.has(scope));
}
