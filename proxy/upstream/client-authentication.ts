// How the proxy proves it is the registered confidential client when it calls the upstream token or revocation
// endpoint: HTTP Basic or credentials in the form body.
import type { TokenEndpointAuthMethod } from './types.ts';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * The `Authorization: Basic` value for client_secret_basic. Id and secret are each encoded with the
 * application/x-www-form-urlencoded algorithm before base64, as RFC 6749 requires (and as secrets with `:`, `+`,
 * `%` or non-ASCII characters need).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function basicAuthorization({ clientId, clientSecret }: ClientCredentials): string {
  const pair = `${formEncode(clientId)}:${formEncode(clientSecret)}`;
  return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
}

/** application/x-www-form-urlencoded encoding of one value (RFC 6749 Appendix B). */
export function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/**
 * Adds the proxy's own client credentials to an outgoing request to the IdP by the configured method.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function addClientCredentials(
  method: TokenEndpointAuthMethod,
  credentials: ClientCredentials,
  form: URLSearchParams,
  headers: Record<string, string>,
): void {
  if (method === 'client_secret_basic') {
    headers.authorization = basicAuthorization(credentials);
    return;
  }
  form.set('client_id', credentials.clientId);
  form.set('client_secret', credentials.clientSecret);
}
