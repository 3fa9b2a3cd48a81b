// Resource indicators (RFC 8707): the proxy guards exactly one resource, the MCP endpoint, so a `resource` parameter
// either names it or is refused with invalid_target.
import { OAuthError } from '../errors.ts';

/**
 * `resource`, when present, must be an absolute URI without fragment naming this MCP server. Scheme and host compare
 * case-insensitively and an explicit default port equals none (MCP "Canonical Server URI": implementations SHOULD
 * accept uppercase scheme and host); the path compares exactly, tolerating one trailing slash.
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2
 */
export function assertResource(
  resource: string | undefined,
  expected: string,
  options: { redirectable?: boolean } = {},
): string | undefined {
  if (resource === undefined) return undefined;
  if (resource.includes('#')) {
    throw new OAuthError('invalid_target', 'The resource must not contain a fragment', options);
  }
  if (!sameResource(resource, expected)) {
    throw new OAuthError(
      'invalid_target',
      'The requested resource is not served by this authorization server',
      options,
    );
  }
  return resource;
}

function sameResource(candidate: string, expected: string): boolean {
  let a: URL;
  let b: URL;
  try {
    a = new URL(candidate);
    b = new URL(expected);
  } catch {
    return false;
  }
  if (a.username !== '' || a.password !== '' || a.search !== '') return false;
  const pathA = a.pathname.replace(/\/$/, '');
  const pathB = b.pathname.replace(/\/$/, '');
  // URL() already lower-cases scheme and host and drops default ports.
  return a.origin === b.origin && pathA === pathB;
}
