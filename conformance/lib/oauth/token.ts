// The token endpoint from the client's side (OAuth 2.1 §3.2, §4.1.3, §4.3): client authentication, token requests,
// refresh, and reading a successful token response.
import { NotTestable } from '../model/outcome.ts';
import type { CheckSession } from '../session/check-session.ts';
import { jsonObject, type HttpResponse } from '../transport/http.ts';
import { authorizationServerMetadata, endpoint } from './discovery.ts';
import { statusAndError } from './error-response.ts';
import type { RegisteredClient } from './registration.ts';

export interface TokenSet {
  access_token: string;
  refresh_token?: string;
  token_type?: string;
  expires_in?: number;
  scope?: string;
}

/** Client authentication in the form body (client_secret_post) or header (client_secret_basic), per registration. */
export function clientAuth(
  client: RegisteredClient,
  mode: 'auto' | 'post' | 'basic' | 'none' = 'auto',
): { form: Record<string, string>; headers: Record<string, string> } {
  const method =
    mode === 'auto'
      ? client.client_secret
        ? client.token_endpoint_auth_method === 'client_secret_post'
          ? 'post'
          : 'basic'
        : 'none'
      : mode;
  if (method === 'basic' && client.client_secret) {
    const basic = Buffer.from(
      `${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`,
    ).toString('base64');
    return { form: {}, headers: { authorization: `Basic ${basic}` } };
  }
  if (method === 'post' && client.client_secret) {
    return { form: { client_id: client.client_id, client_secret: client.client_secret }, headers: {} };
  }
  return { form: { client_id: client.client_id }, headers: {} };
}

export async function postToken(
  session: CheckSession,
  form: Record<string, string | undefined> | [string, string][],
  headers: Record<string, string> = {},
): Promise<HttpResponse> {
  const url = await endpoint(session, 'token_endpoint');
  return session.http.request({ method: 'POST', url, form, headers: { accept: 'application/json', ...headers } });
}

/** A successful token response, or undefined. */
export function tokenSet(res: HttpResponse): TokenSet | undefined {
  const body = jsonObject(res);
  if (res.status !== 200 || typeof body?.access_token !== 'string') return undefined;
  return {
    access_token: body.access_token,
    ...(typeof body.refresh_token === 'string' ? { refresh_token: body.refresh_token } : {}),
    ...(typeof body.token_type === 'string' ? { token_type: body.token_type } : {}),
    ...(typeof body.expires_in === 'number' ? { expires_in: body.expires_in } : {}),
    ...(typeof body.scope === 'string' ? { scope: body.scope } : {}),
  };
}

export function requireTokens(res: HttpResponse, what: string): TokenSet {
  const tokens = tokenSet(res);
  if (!tokens) throw new NotTestable(`${what} failed: ${statusAndError(res)}`);
  return tokens;
}

export async function refreshGrant(
  session: CheckSession,
  client: RegisteredClient,
  refreshToken: string,
  extra: Record<string, string> = {},
): Promise<HttpResponse> {
  const auth = clientAuth(client);
  return postToken(
    session,
    {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      resource: session.settings.mcp,
      ...auth.form,
      ...extra,
    },
    auth.headers,
  );
}

/**
 * Sends `n` requests at once, so that they reach the server together: first `n` concurrent reads of the
 * authorization server metadata open `n` keep-alive connections, then the requests go out on them in one tick
 * (requests on fresh connections would arrive spread over the connection setups, and a fast server would handle
 * them one after the other). A race in the server (a read-then-delete where one atomic take belongs) shows only when
 * the requests overlap.
 */
export async function race(
  session: CheckSession,
  n: number,
  send: () => Promise<HttpResponse>,
): Promise<HttpResponse[]> {
  const { url } = await authorizationServerMetadata(session);
  await Promise.all(
    Array.from({ length: n }, () => session.http.request({ url, headers: { accept: 'application/json' } })),
  );
  return Promise.all(Array.from({ length: n }, send));
}
