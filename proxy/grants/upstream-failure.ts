// How a failure of the upstream IdP reaches the MCP client: as an ordinary OAuth error, with a safe description.
// The upstream's own message goes to the server log only (it may name the proxy's upstream client).
import { errorSummary, OAuthError } from '../errors.ts';
import { UpstreamError } from '../upstream/types.ts';

/**
 * - `access_denied` → access_denied (the user refused upstream)
 * - `unavailable` → temporarily_unavailable (503 at the token endpoint)
 * - `invalid_grant`, `bad_response`, `misconfigured` and anything else → server_error
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1
 */
export function oauthErrorForUpstreamFailure(error: unknown, options: { redirectable: boolean }): OAuthError {
  const detail = errorSummary(error);
  if (error instanceof UpstreamError) {
    switch (error.kind) {
      case 'access_denied':
        return new OAuthError('access_denied', 'The user or the identity provider denied the request', {
          ...options,
          detail,
        });
      case 'unavailable':
        return new OAuthError('temporarily_unavailable', 'The identity provider is unavailable; try again later', {
          ...options,
          status: 503,
          detail,
        });
      case 'invalid_grant':
      case 'bad_response':
      case 'misconfigured':
        break;
    }
  }
  return new OAuthError('server_error', 'The identity provider could not complete the sign-in', {
    ...options,
    status: 500,
    detail,
  });
}

/** An `error` parameter the upstream sent to the callback, as the error for the MCP client. */
export function oauthErrorForUpstreamErrorParam(upstreamError: string): OAuthError {
  if (upstreamError === 'access_denied') {
    return new OAuthError('access_denied', 'The user denied the request at the identity provider', {
      redirectable: true,
    });
  }
  if (upstreamError === 'temporarily_unavailable') {
    return new OAuthError('temporarily_unavailable', 'The identity provider is temporarily unavailable', {
      redirectable: true,
      detail: `upstream error=${upstreamError}`,
    });
  }
  return new OAuthError('server_error', 'The identity provider could not complete the sign-in', {
    redirectable: true,
    detail: `upstream error=${upstreamError}`,
  });
}
