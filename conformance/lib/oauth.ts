// The test client's OAuth operations over HTTP: register (RFC 7591), token exchange and refresh (OAuth 2.1 §3.2,
// §4.1.3, §4.3), revocation (RFC 7009). Browser-driven authorization lives in flow.ts.
import { authorizationServerMetadata, endpoint, protectedResourceMetadata } from './discovery.ts';
import { jsonObject, type HttpResponse } from './http.ts';
import { NotTestable } from './outcome.ts';
import { randomToken } from './pkce.ts';
import type { CheckSession } from './check-session.ts';
import { currentTrace } from './trace.ts';

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
  token_endpoint_auth_method: string;
  client_name?: string;
  raw: Record<string, unknown>;
}

export interface TokenSet {
  access_token: string;
  refresh_token?: string;
  token_type?: string;
  expires_in?: number;
  scope?: string;
  raw: Record<string, unknown>;
}

/** Registration metadata a typical MCP public client sends (MCP 2026-07-28 requires application_type). */
export function publicClientMetadata(
  redirectUris: string[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    client_name: `Conformance Client ${randomToken(4)}`,
    redirect_uris: redirectUris,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    application_type: 'native',
    ...extra,
  };
}

/**
 * POST to the registration endpoint. A 429 (RFC 7591 §3.1: requests "MAY be rate-limited") is waited out as a
 * polite client would, honouring Retry-After up to 15 s, at most twice.
 */
export async function postRegistration(session: CheckSession, body: unknown): Promise<HttpResponse> {
  const url = await endpoint(session, 'registration_endpoint');
  for (let attempt = 0; ; attempt++) {
    const res = await session.http.request({
      method: 'POST',
      url,
      json: body,
      headers: { accept: 'application/json' },
    });
    if (res.status !== 429 || attempt >= 2) return res;
    const seconds = Math.min(Number(res.headers.get('retry-after')) || 5, 15);
    currentTrace()?.note(`registration rate-limited: retrying in ${seconds} s`);
    await new Promise((r) => setTimeout(r, seconds * 1000));
  }
}

/** Registers a client; a refused registration makes the calling check not testable. */
export async function registerClient(
  session: CheckSession,
  metadata: Record<string, unknown>,
): Promise<RegisteredClient> {
  const res = await postRegistration(session, metadata);
  const body = jsonObject(res);
  if (res.status !== 201 || typeof body?.client_id !== 'string') {
    throw new NotTestable(`registration refused: ${res.status} ${res.text.slice(0, 200)}`);
  }
  return {
    client_id: body.client_id,
    ...(typeof body.client_secret === 'string' ? { client_secret: body.client_secret } : {}),
    redirect_uris: Array.isArray(body.redirect_uris)
      ? (body.redirect_uris as string[])
      : (metadata.redirect_uris as string[]),
    token_endpoint_auth_method:
      typeof body.token_endpoint_auth_method === 'string' ? body.token_endpoint_auth_method : 'client_secret_basic',
    ...(typeof body.client_name === 'string' ? { client_name: body.client_name } : {}),
    raw: body,
  };
}

/** The scope the test client asks for: the target description's, else the resource's `scopes_supported`. */
export async function scopeToRequest(session: CheckSession): Promise<string | undefined> {
  if (session.settings.targetDescription.scope !== undefined)
    return session.settings.targetDescription.scope || undefined;
  try {
    const { body } = await protectedResourceMetadata(session);
    const scopes = body.scopes_supported;
    return Array.isArray(scopes) && scopes.length ? scopes.join(' ') : undefined;
  } catch {
    return undefined;
  }
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
    raw: body,
  };
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

export async function revokeToken(
  session: CheckSession,
  client: RegisteredClient,
  token: string,
  hint?: string,
): Promise<HttpResponse> {
  const url = await endpoint(session, 'revocation_endpoint');
  const auth = clientAuth(client);
  return session.http.request({
    method: 'POST',
    url,
    form: { token, token_type_hint: hint, ...auth.form },
    headers: auth.headers,
  });
}

/** The OAuth error code of a JSON error response. */
export function errorCode(res: HttpResponse): string | undefined {
  const e = jsonObject(res)?.error;
  return typeof e === 'string' ? e : undefined;
}

/** `400 invalid_grant` style summary for expected/actual. */
export function statusAndError(res: HttpResponse): string {
  const code = errorCode(res);
  return code ? `${res.status} ${code}` : `${res.status} ${res.text.slice(0, 120).replace(/\s+/g, ' ')}`;
}

export async function advertises(session: CheckSession, name: string): Promise<boolean> {
  const { body } = await authorizationServerMetadata(session);
  return body[name] !== undefined;
}

export function requireTokens(res: HttpResponse, what: string): TokenSet {
  const tokens = tokenSet(res);
  if (!tokens) throw new NotTestable(`${what} failed: ${statusAndError(res)}`);
  return tokens;
}
