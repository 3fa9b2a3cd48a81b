// The one way the proxy fetches a URL a client chose (a client_id metadata document, or the jwks_uri inside one):
// resolve the name once, vet every address it resolves to, connect to the vetted address itself (TLS SNI and Host stay
// the hostname, so the certificate is still checked against the name, and a DNS answer that changes between the check
// and the connection cannot switch the target: there is no second lookup), GET with no redirects, a deadline for the
// whole exchange, a byte cap, 200 + application/json only. Every failure is a DocumentFetchError whose reason may be
// shown to the client; the addresses involved go to the server log only (they would map the internal network).
// @see https://www.ietf.org/archive/id/draft-ietf-oauth-client-id-metadata-document-00.html#section-6.5
// @see https://modelcontextprotocol.io/specification/2026-07-28/basic/authorization/security-considerations#authorization-server-abuse-protection
import { lookup } from 'node:dns/promises';
import { request, type RequestOptions } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { mediaType } from '../http/params.ts';
import type { HostResolver } from '../options/proxy-options.ts';
import { isIpLiteral, specialUseAddress } from './special-use-address.ts';

export const systemResolver: HostResolver = async (hostname) => lookup(hostname, { all: true, verbatim: true });

/** A host the operator lets through the address vetting, and where it really is (loopback only). */
export interface AllowedHost {
  address: string;
  port: number;
}

export interface FetchPolicy {
  /** Deadline for the whole exchange (lookup, connect, TLS, headers, body), in milliseconds. */
  timeoutMs: number;
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  resolver: HostResolver;
  /** Lower-case host name → its loopback address (the dangerous test-only map); empty in production. */
  allowedHosts: ReadonlyMap<string, AllowedHost>;
  /** Extra CA certificates (PEM) trusted for the allowed hosts only. */
  allowedHostsCa?: string;
}

export interface FetchedDocument {
  body: unknown;
  headers: IncomingHttpHeaders;
}

/** A fetch that failed; `reason` is safe for an error_description, `detail` (addresses, errors) is for the log. */
export class DocumentFetchError extends Error {
  override readonly name = 'DocumentFetchError';
  constructor(
    readonly reason: string,
    readonly detail?: string,
  ) {
    super(reason);
  }
}

/** Fetches and parses a JSON document under the policy; throws DocumentFetchError for every failure. */
export async function fetchJsonDocument(url: string, policy: FetchPolicy): Promise<FetchedDocument> {
  const target = parseHttpsUrl(url);
  const deadline = AbortSignal.timeout(policy.timeoutMs);
  const destination = await vettedDestination(target, policy, deadline);
  return getJson(target, destination, policy, deadline);
}

function parseHttpsUrl(url: string): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new DocumentFetchError('is not a URL');
  }
  if (target.protocol !== 'https:') throw new DocumentFetchError('must use https');
  if (target.username !== '' || target.password !== '') throw new DocumentFetchError('must not contain userinfo');
  return target;
}

export interface Destination {
  address: string;
  port: number;
  /** Set for the operator's allowed hosts: the extra CA is trusted for them only. */
  allowed: boolean;
}

/**
 * Where to connect: the operator's mapping for an allowed host; otherwise the literal address or every address the
 * name resolves to, each vetted (one bad address refuses the name: a resolver may rotate through them).
 */
export async function vettedDestination(target: URL, policy: FetchPolicy, deadline: AbortSignal): Promise<Destination> {
  const hostname = target.hostname.toLowerCase();
  const allowed = policy.allowedHosts.get(hostname);
  if (allowed) return { ...allowed, allowed: true };
  const port = target.port === '' ? 443 : Number(target.port);
  const addresses = isIpLiteral(hostname)
    ? [hostname.replace(/^\[|\]$/g, '')]
    : await resolve(hostname, policy, deadline);
  for (const address of addresses) {
    const refused = specialUseAddress(address);
    if (refused !== undefined) {
      throw new DocumentFetchError(
        'resolves to an address this server does not fetch from (loopback, private, link-local or another special-use range)',
        `${hostname} → ${refused}`,
      );
    }
  }
  const first = addresses[0];
  if (first === undefined) throw new DocumentFetchError('does not resolve', hostname);
  return { address: first, port, allowed: false };
}

async function resolve(hostname: string, policy: FetchPolicy, deadline: AbortSignal): Promise<string[]> {
  let answers: Array<{ address: string }>;
  try {
    answers = await Promise.race([policy.resolver(hostname), aborted(deadline)]);
  } catch (error) {
    if (error instanceof DocumentFetchError) throw error;
    throw new DocumentFetchError('does not resolve', `${hostname}: ${(error as Error).message}`);
  }
  return answers.map((a) => a.address);
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const fail = (): void => reject(new DocumentFetchError('did not answer in time'));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

/** TLS contexts that trust the system's roots and one more CA, by that CA's PEM (one per configured CA file). */
const secureContexts = new Map<string, SecureContext>();

/**
 * The TLS context for an allowed host: built once per CA, since a `ca` option on each request makes Node parse every
 * root certificate again (144 of them: 33.6 ms of CPU a fetch, measured).
 */
function trustingAlso(ca: string): SecureContext {
  let context = secureContexts.get(ca);
  if (context === undefined) {
    context = createSecureContext({ ca: [...rootCertificates, ca] });
    secureContexts.set(ca, context);
  }
  return context;
}

/**
 * GET with no redirects (node:https never follows them; a 3xx is refused like any status but 200), the body counted
 * while it streams and cut at maxBytes.
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-client-id-metadata-document-01 ("A successful response
 *   MUST use the 200 OK HTTP status code … MUST NOT automatically follow HTTP redirects")
 * @see https://www.ietf.org/archive/id/draft-ietf-oauth-client-id-metadata-document-00.html#section-6.6 (size)
 */
function getJson(
  target: URL,
  destination: Destination,
  policy: FetchPolicy,
  deadline: AbortSignal,
): Promise<FetchedDocument> {
  const hostname = target.hostname.replace(/^\[|\]$/g, '');
  const options: RequestOptions = {
    method: 'GET',
    host: destination.address,
    port: destination.port,
    path: `${target.pathname}${target.search}`,
    // SNI carries names only (RFC 6066 §3); the certificate is checked against this name (or the literal address).
    servername: isIpLiteral(target.hostname) ? '' : hostname,
    headers: { host: target.host, accept: 'application/json', 'user-agent': 'mcp-oauth-proxy' },
    agent: false,
    signal: deadline,
    ...(destination.allowed && policy.allowedHostsCa !== undefined
      ? { secureContext: trustingAlso(policy.allowedHostsCa) }
      : {}),
  };
  return new Promise<FetchedDocument>((resolvePromise, reject) => {
    const fail = (error: DocumentFetchError): void => {
      req.destroy();
      reject(error);
    };
    const req = request(options, (res) => {
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        res.resume();
        const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
        fail(new DocumentFetchError(`answered HTTP ${status}; only 200 is accepted${redirect}`));
        return;
      }
      if (mediaType(res.headers['content-type'] ?? null) !== 'application/json') {
        res.resume();
        fail(new DocumentFetchError('is not served as application/json'));
        return;
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > policy.maxBytes) {
        fail(new DocumentFetchError(`is larger than ${policy.maxBytes} bytes`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > policy.maxBytes) {
          fail(new DocumentFetchError(`is larger than ${policy.maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        if (size > policy.maxBytes) return;
        try {
          resolvePromise({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), headers: res.headers });
        } catch {
          reject(new DocumentFetchError('is not valid JSON'));
        }
      });
      res.on('error', (error) => fail(transportError(error, deadline)));
    });
    req.on('error', (error) => fail(transportError(error, deadline)));
    req.end();
  });
}

function transportError(error: Error, deadline: AbortSignal): DocumentFetchError {
  if (deadline.aborted) return new DocumentFetchError('did not answer in time');
  return new DocumentFetchError('could not be fetched', `${error.name}: ${error.message}`);
}

/**
 * How long a fetched document may be reused, from its HTTP caching headers (RFC 9111 §4.2.1, §5.2.2.5): `no-store`
 * → not at all (undefined); otherwise `max-age`, else `Expires` − `Date`, else 0; the caller bounds the result.
 * @see https://www.ietf.org/archive/id/draft-ietf-oauth-client-id-metadata-document-00.html#section-4.4
 */
export function freshnessSeconds(headers: IncomingHttpHeaders, nowMs: number): number | undefined {
  const directives = (headers['cache-control'] ?? '')
    .toLowerCase()
    .split(',')
    .map((d) => d.trim());
  if (directives.includes('no-store')) return undefined;
  if (directives.includes('no-cache')) return 0;
  const maxAge = directives.find((d) => d.startsWith('max-age='))?.slice('max-age='.length);
  if (maxAge !== undefined) return /^\d+$/.test(maxAge) ? Number(maxAge) : 0;
  const expires = headers.expires;
  if (expires === undefined) return 0;
  const expiresMs = Date.parse(expires);
  if (Number.isNaN(expiresMs)) return 0; // RFC 9111 §5.3: an invalid Expires means "already expired"
  const dateMs = headers.date === undefined ? Number.NaN : Date.parse(headers.date);
  const base = Number.isNaN(dateMs) ? nowMs : dateMs;
  return Math.max(0, Math.floor((expiresMs - base) / 1000));
}
