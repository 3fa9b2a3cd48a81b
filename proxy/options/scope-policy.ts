// The four scope options resolved together: what is offered, what a client gets by default, what each tool needs and
// which scope implies which. The dependent options default to the demo vocabulary only while the offered scopes
// include it (`mcp:tools` and `mcp:admin`, as by default), so an operator who names scopes of their own never
// inherits requirements on scopes they do not offer.
import { impliedScopes, parseScopeImplication } from '../checks/scope-hierarchy.ts';
import { resourceScopes } from '../checks/scope.ts';
import { parseToolScope, toolScopeTable } from '../checks/tool-scopes.ts';
import { OptionError } from './option.ts';
import type { ProxyTableOptions } from './proxy-option-table.ts';

export interface ScopePolicy {
  /** Every offered scope (AS metadata `scopes_supported`). */
  supported: readonly string[];
  /** Granted when the client asks for none; the 401 challenge's `scope`. */
  defaults: readonly string[];
  /** tool → scopes a `tools/call` of it needs (`*` for tools not listed). Empty: no per-tool requirement. */
  toolScopes: ReadonlyMap<string, readonly string[]>;
  /** scope → every narrower scope it implies (transitive closure). */
  implied: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The demo vocabulary: basic tool access, and an administrative scope that includes it. */
const DEMO = {
  vocabulary: ['mcp:tools', 'mcp:admin'],
  defaultScopes: ['mcp:tools'],
  toolScopes: ['*=mcp:tools', 'admin_audit=mcp:admin'],
  scopeImplies: ['mcp:admin>mcp:tools'],
};

type ScopeOptions = Pick<ProxyTableOptions, 'defaultScopes' | 'toolScopes' | 'scopeImplies'> & {
  scopesSupported: string[];
};

export function resolveScopePolicy(options: ScopeOptions): ScopePolicy {
  const supported = options.scopesSupported;
  const demo = DEMO.vocabulary.every((s) => supported.includes(s));
  const defaultScopes = options.defaultScopes ?? (demo ? DEMO.defaultScopes : resourceScopes(supported));
  const toolScopes = options.toolScopes ?? (demo ? DEMO.toolScopes : []);
  const scopeImplies = options.scopeImplies ?? (demo ? DEMO.scopeImplies : []);

  const offered = (key: string, scopes: readonly string[]): void => {
    const unknown = scopes.filter((s) => !supported.includes(s));
    if (unknown.length > 0) {
      throw new OptionError(
        key,
        key,
        `names ${unknown.map((s) => JSON.stringify(s)).join(', ')}, not offered in scopesSupported (${supported.join(' ') || 'none'})`,
      );
    }
  };
  offered('defaultScopes', defaultScopes);
  const toolEntries = toolScopes.map(parseToolScope);
  offered(
    'toolScopes',
    toolEntries.map((e) => e.scope),
  );
  const implications = scopeImplies.map(parseScopeImplication);
  offered(
    'scopeImplies',
    implications.flatMap((i) => [i.broader, i.narrower]),
  );
  let implied;
  try {
    implied = impliedScopes(implications);
  } catch (error) {
    throw new OptionError('scopeImplies', 'scopeImplies', (error as Error).message);
  }
  return { supported, defaults: defaultScopes, toolScopes: toolScopeTable(toolEntries), implied };
}
