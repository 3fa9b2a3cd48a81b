// Scopes toward MCP clients: the proxy's own scope vocabulary (scopesSupported), independent of the scopes the proxy
// requests upstream. What a client asks for is filtered to that vocabulary; what it gets when it asks for nothing is
// the configured default set.
import { OAuthError } from '../errors.ts';

/** RFC 6749 §3.3 scope-token: printable ASCII except space, `"` and `\`. */
export const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** The scope vocabulary an authorization request is judged against. */
export interface ScopeVocabulary {
  /** Every scope the proxy offers (scopesSupported). Empty: the proxy defines no scopes and grants none. */
  supported: readonly string[];
  /** Granted when the client asks for none, or only for scopes the proxy does not offer. */
  defaults: readonly string[];
}

/**
 * The scopes an authorization request is granted. A malformed scope parameter is refused; scopes the proxy does not
 * offer are left out rather than refused ("The authorization server MAY fully or partially ignore the scope
 * requested by the client"), so they are never granted nor shown on the consent page; when nothing the proxy
 * offers remains, or the client asked for nothing, the default set applies ("process the request using a
 * pre-defined default value"). The token response then carries `scope`, as RFC 6749 §5.1 requires when it differs.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function grantedScopes(
  scope: string | undefined,
  vocabulary: ScopeVocabulary,
  options: { redirectable?: boolean } = {},
): string[] {
  const requested = scope === undefined ? [] : parseScope(scope, options);
  const known = requested.filter((s) => vocabulary.supported.includes(s));
  return known.length > 0 ? known : [...vocabulary.defaults];
}

/** A space-delimited scope parameter as distinct scope-tokens; a malformed token is `invalid_scope`. */
export function parseScope(scope: string, options: { redirectable?: boolean } = {}): string[] {
  const requested = [...new Set(scope.split(' ').filter((s) => s !== ''))];
  for (const s of requested) {
    if (!SCOPE_TOKEN.test(s)) throw new OAuthError('invalid_scope', 'The scope parameter is malformed', options);
  }
  return requested;
}

/**
 * A refresh request may narrow the scope but "MUST NOT include any scope not originally granted"; omitted means the
 * original scope.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export function assertScopeSubset(scope: string | undefined, granted: readonly string[]): string[] {
  if (scope === undefined) return [...granted];
  const requested = [...new Set(scope.split(' ').filter((s) => s !== ''))];
  const extra = requested.filter((s) => !granted.includes(s));
  if (extra.length > 0) throw new OAuthError('invalid_scope', 'The requested scope exceeds the granted scope');
  return requested;
}

/** The scopes a resource advertises: everything configured except `offline_access` (MCP 2026-07-28, PRM-09). */
export function resourceScopes(scopesSupported: readonly string[]): string[] {
  return scopesSupported.filter((s) => s !== 'offline_access');
}
