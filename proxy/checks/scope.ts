// Scopes toward MCP clients: the proxy's own scope vocabulary (scopesSupported), independent of the scopes the proxy
// requests upstream.
import { OAuthError } from '../errors.ts';

/** RFC 6749 §3.3 scope-token: printable ASCII except space, `"` and `\`. */
export const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * Parses a space-delimited scope parameter; without one, the default is every configured scope (RFC 6749 §3.3 lets
 * the server "process the request using a pre-defined default value"). With scopesSupported configured, every
 * requested scope must be in it.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function assertRequestedScopes(
  scope: string | undefined,
  supported: readonly string[],
  options: { redirectable?: boolean } = {},
): string[] {
  if (scope === undefined) return [...supported];
  const requested = [...new Set(scope.split(' ').filter((s) => s !== ''))];
  for (const s of requested) {
    if (!SCOPE_TOKEN.test(s)) throw new OAuthError('invalid_scope', 'The scope parameter is malformed', options);
    if (supported.length > 0 && !supported.includes(s)) {
      throw new OAuthError('invalid_scope', `Scope ${JSON.stringify(s)} is not supported`, options);
    }
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
