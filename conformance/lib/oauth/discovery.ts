// Metadata discovery as a client does it: RFC 8414 path insertion for the authorization server, RFC 9728 for the
// protected resource, and the MCP 401 challenge. Results are memoised per worker; a failure makes dependants
// "not testable".
import { NotTestable } from '../model/outcome.ts';
import type { CheckSession } from '../session/check-session.ts';
import { isJsonContentType, jsonObject, type HttpResponse } from '../transport/http.ts';
import { probeMcp } from './mcp-probe.ts';

export { parseBearerChallenge } from './bearer-challenge.ts';

/** RFC 8414 §3 / RFC 9728 §3: insert the well-known segment between host and path; a terminating "/" is removed. */
export function wellKnownUrl(identifier: string, suffix: string): string {
  const url = new URL(identifier);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}/.well-known/${suffix}${path}${url.search}`;
}

export interface Fetched<T> {
  url: string;
  response: HttpResponse;
  body: T;
}

export type Metadata = Record<string, unknown>;

async function fetchJsonObject(session: CheckSession, url: string, what: string): Promise<Fetched<Metadata>> {
  const response = await session.http
    .request({ url, headers: { accept: 'application/json' } })
    .catch((err: unknown) => {
      throw new NotTestable(`${what} unavailable: ${err instanceof Error ? err.message : String(err)}`);
    });
  const body = jsonObject(response);
  if (response.status !== 200 || !body) {
    throw new NotTestable(
      `${what} at ${url} answered ${response.status} ${isJsonContentType(response) ? 'JSON' : 'non-JSON'}`,
    );
  }
  return { url, response, body };
}

/** The RFC 8414 document at the path-inserted location for the configured issuer. */
export function authorizationServerMetadata(session: CheckSession): Promise<Fetched<Metadata>> {
  return session.memo('as-metadata', () =>
    fetchJsonObject(
      session,
      wellKnownUrl(session.settings.issuer, 'oauth-authorization-server'),
      'authorization server metadata',
    ),
  );
}

/** The RFC 9728 document at the path-inserted location for the MCP endpoint. */
export function protectedResourceMetadata(session: CheckSession): Promise<Fetched<Metadata>> {
  return session.memo('prm', () =>
    fetchJsonObject(
      session,
      wellKnownUrl(session.settings.mcp, 'oauth-protected-resource'),
      'protected resource metadata',
    ),
  );
}

/** An unauthenticated MCP request in the revision's form: the 401 challenge a client starts from. */
export function unauthenticatedChallenge(session: CheckSession): Promise<HttpResponse> {
  return session.memo('challenge', async () => (await probeMcp(session, undefined)).response);
}

/** Whether the authorization server metadata has the given member (an optional feature is offered). */
export async function advertises(session: CheckSession, name: string): Promise<boolean> {
  const { body } = await authorizationServerMetadata(session);
  return body[name] !== undefined;
}

/** A string endpoint from the metadata, or not testable when absent. */
export async function endpoint(session: CheckSession, name: string): Promise<string> {
  const { body } = await authorizationServerMetadata(session);
  const value = body[name];
  if (typeof value !== 'string') throw new NotTestable(`metadata has no ${name}`);
  return value;
}

/** Loopback hosts are exempt from the https requirement (RFC 8252 §7.3, local development). */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}
