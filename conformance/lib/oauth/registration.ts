// Dynamic client registration (RFC 7591) as the test client does it: the metadata a typical MCP public client sends,
// a registration POST that waits out rate limiting politely, and the worker's shared clients.
import { NotTestable } from '../model/outcome.ts';
import type { CheckSession } from '../session/check-session.ts';
import { jsonObject, type HttpResponse } from '../transport/http.ts';
import { currentTrace } from '../transport/trace.ts';
import { endpoint } from './discovery.ts';
import { randomToken } from './pkce.ts';

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  redirect_uris: string[];
  token_endpoint_auth_method: string;
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
    raw: body,
  };
}

/** A fresh public client whose redirect_uri is the worker's callback listener. */
export async function newClient(session: CheckSession, extra: Record<string, unknown> = {}): Promise<RegisteredClient> {
  const callback = await session.callback();
  return registerClient(session, publicClientMetadata([callback.uri()], extra));
}

/** One public client per worker for flows that do not need a client of their own (registration may be rate-limited). */
export function sharedClient(session: CheckSession): Promise<RegisteredClient> {
  return session.memo('shared-client', () => newClient(session));
}

/** A second public client per worker, for "client B must not use client A's code/token" checks. */
export function otherClient(session: CheckSession): Promise<RegisteredClient> {
  return session.memo('other-client', () => newClient(session));
}
