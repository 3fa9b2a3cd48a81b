// Metadata discovery as a client does it: RFC 8414 path insertion for the authorization server, RFC 9728 for the
// protected resource, and the MCP 401 challenge. Results are memoised per worker; a failure makes dependants
// "not testable".
import { NotTestable } from '../model/outcome.ts';
import type { CheckSession } from '../session/check-session.ts';
import { targetBase } from '../target/settings.ts';
import { isJsonContentType, jsonObject, type HttpResponse } from '../transport/http.ts';
import { safeOrigin } from '../transport/url.ts';
import { parseBearerChallenge } from './bearer-challenge.ts';
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

/**
 * The issuer identifier the client starts from: `--issuer` when given, else what an MCP client reads, the protected
 * resource metadata's `authorization_servers` (MCP authorization "Authorization Server Location"). Only when there is
 * no resource metadata at all does the target URL stand in (without a trailing slash), and `source` says so.
 */
export interface ExpectedIssuer {
  issuer: string;
  source: 'flag' | 'resource-metadata' | 'target';
  /** How the issuer was chosen, for notes and messages. */
  describe: string;
}

export function expectedIssuer(session: CheckSession): Promise<ExpectedIssuer> {
  return session.memo('expected-issuer', async () => {
    const flag = session.settings.issuer;
    if (flag !== undefined) return { issuer: flag, source: 'flag', describe: `--issuer ${flag}` };
    const prm = await protectedResourceMetadata(session).catch(() => undefined);
    const servers = Array.isArray(prm?.body.authorization_servers)
      ? prm.body.authorization_servers.filter((s): s is string => typeof s === 'string')
      : [];
    // Several servers: MCP leaves the choice to the client; the one on the target's origin is the proxy's own.
    const chosen = servers.find((s) => safeOrigin(s) === session.targetOrigin) ?? servers[0];
    if (chosen !== undefined && prm) {
      return {
        issuer: chosen,
        source: 'resource-metadata',
        describe: `authorization_servers of the resource metadata at ${prm.url}`,
      };
    }
    const fallback = targetBase(session.settings.target);
    return {
      issuer: fallback,
      source: 'target',
      describe: `the target URL (no resource metadata names an authorization server; pass --issuer to be explicit)`,
    };
  });
}

/** The RFC 8414 document at the path-inserted location for the expected issuer. */
export function authorizationServerMetadata(session: CheckSession): Promise<Fetched<Metadata>> {
  return session.memo('as-metadata', async () =>
    fetchJsonObject(
      session,
      wellKnownUrl((await expectedIssuer(session)).issuer, 'oauth-authorization-server'),
      'authorization server metadata',
    ),
  );
}

/** Where a client found the protected resource metadata (MCP 2025-11-25 "Protected Resource Metadata Discovery"). */
export type PrmSource = 'challenge' | 'path-inserted' | 'root';

export interface DiscoveredPrm extends Fetched<Metadata> {
  source: PrmSource;
  /**
   * The `resource` value RFC 9728 §3.3 requires of a document found there: the URL the client requested for a
   * document named by the 401 challenge, else the identifier the well-known suffix was inserted into.
   */
  expectedResource: string;
  /** Every location tried, in a client's order, with what it answered (for notes). */
  tried: { source: PrmSource; url: string; answer: string }[];
}

/**
 * The protected resource metadata the way an MCP client finds it: the `resource_metadata` URL of the 401 challenge
 * when there is one, else the well-known URL with the MCP path inserted, else the root well-known URL. Every location
 * is tried so that checks can say which exist; the first that answers 200 with a JSON object is the document used.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization#protected-resource-metadata-discovery-requirements
 * @see https://www.rfc-editor.org/rfc/rfc9728#section-3.3
 */
export function protectedResourceMetadata(session: CheckSession): Promise<DiscoveredPrm> {
  return session.memo('prm', async () => {
    const mcp = session.settings.mcp;
    const challenge = await unauthenticatedChallenge(session).catch(() => undefined);
    const hinted = parseBearerChallenge(challenge?.headers.get('www-authenticate') ?? null)?.resource_metadata;
    const origin = new URL(mcp).origin;
    const candidates: { source: PrmSource; url: string; expectedResource: string }[] = [];
    if (hinted && URL.canParse(hinted)) candidates.push({ source: 'challenge', url: hinted, expectedResource: mcp });
    candidates.push({
      source: 'path-inserted',
      url: wellKnownUrl(mcp, 'oauth-protected-resource'),
      expectedResource: mcp,
    });
    candidates.push({
      source: 'root',
      url: `${origin}/.well-known/oauth-protected-resource`,
      expectedResource: origin,
    });
    const tried: DiscoveredPrm['tried'] = [];
    let used: DiscoveredPrm | undefined;
    for (const c of candidates) {
      const seen = tried.find((t) => t.url === c.url);
      if (seen) {
        tried.push({ ...c, answer: seen.answer });
        continue;
      }
      try {
        const response = await session.http.request({ url: c.url, headers: { accept: 'application/json' } });
        const body = jsonObject(response);
        const ok = response.status === 200 && body !== undefined;
        tried.push({ source: c.source, url: c.url, answer: ok ? '200 JSON' : `${response.status}` });
        if (ok && !used)
          used = { url: c.url, response, body, source: c.source, expectedResource: c.expectedResource, tried };
      } catch (err) {
        tried.push({ source: c.source, url: c.url, answer: err instanceof Error ? err.message : String(err) });
      }
    }
    if (!used) {
      throw new NotTestable(
        `protected resource metadata not found where a client looks: ${tried.map((t) => `${t.url} → ${t.answer}`).join(', ')}`,
        { key: 'prm-missing', summary: 'no protected resource metadata where an MCP client looks for it' },
      );
    }
    return used;
  });
}

/** `challenge document at …; path-inserted … → 404; root … → 200 JSON` for notes. */
export function describePrmDiscovery(prm: DiscoveredPrm): string {
  const where = prm.tried.map((t) => `${t.source} ${t.url} → ${t.answer}`).join('; ');
  return `resource metadata used: ${prm.source} (${prm.url}); tried ${where}`;
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

/**
 * The issuer every authorization response must carry as `iss`, when the metadata advertises RFC 9207 support
 * (`authorization_response_iss_parameter_supported: true`); undefined otherwise.
 */
export async function advertisedIssuer(session: CheckSession): Promise<string | undefined> {
  const { body } = await authorizationServerMetadata(session);
  return body.authorization_response_iss_parameter_supported === true && typeof body.issuer === 'string'
    ? body.issuer
    : undefined;
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
