// The suite's HTTP client: every request has a timeout, never follows redirects (the checks inspect them), records a
// redacted trace entry, and opens a circuit after repeated timeouts so a hanging target cannot stall the whole run.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { currentTrace } from './trace.ts';

export interface HttpRequest {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  /** Sent as application/x-www-form-urlencoded; an array of pairs allows duplicated parameters. */
  form?: Record<string, string | undefined> | [string, string][];
  json?: unknown;
  body?: string;
  timeoutMs?: number;
  /**
   * Send the request as a browser's top-level navigation (NAVIGATION_HEADERS), through node:http: fetch() always
   * says `sec-fetch-mode: cors`, and servers rightly answer a script's fetch() differently from a navigation (Better
   * Auth answers `200 {"redirect":true,"url":…}` instead of a 302).
   */
  navigation?: boolean;
}

/** What Chromium sends on a top-level navigation typed into the address bar (Fetch Metadata, RFC 9110 Accept). */
export const NAVIGATION_HEADERS: Readonly<Record<string, string>> = {
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'sec-fetch-mode': 'navigate',
  'sec-fetch-dest': 'document',
  'sec-fetch-site': 'none',
  'sec-fetch-user': '?1',
  'upgrade-insecure-requests': '1',
};

export interface HttpResponse {
  url: string;
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  json: unknown;
}

/** A network-level failure (refused, reset, timeout): checks report it as the actual value. */
export class HttpError extends Error {
  override name = 'HttpError';
}

const MAX_TIMEOUTS_PER_ORIGIN = 3;

export class HttpClient {
  private readonly timeouts = new Map<string, number>();

  constructor(private readonly defaultTimeoutMs: number) {}

  async request(req: HttpRequest): Promise<HttpResponse> {
    const method = req.method ?? (req.form || req.json !== undefined || req.body ? 'POST' : 'GET');
    const headers: Record<string, string> = { ...(req.headers ?? {}) };
    let body: string | undefined = req.body;
    if (req.form) {
      const pairs = Array.isArray(req.form)
        ? req.form
        : Object.entries(req.form).filter((p): p is [string, string] => p[1] !== undefined);
      body = new URLSearchParams(pairs).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] ??= 'application/json';
    }
    const origin = originOf(req.url);
    const started = Date.now();
    const trace = currentTrace();
    if ((this.timeouts.get(origin) ?? 0) >= MAX_TIMEOUTS_PER_ORIGIN) {
      const message = `${origin} did not answer ${MAX_TIMEOUTS_PER_ORIGIN} requests in time; not contacting it again`;
      trace?.http({ method, url: req.url, requestHeaders: headers, requestBody: body, error: message, ms: 0 });
      throw new HttpError(message);
    }
    const timeoutMs = req.timeoutMs ?? this.defaultTimeoutMs;
    if (req.navigation) for (const [k, v] of Object.entries(NAVIGATION_HEADERS)) headers[k] ??= v;
    try {
      const res = req.navigation
        ? await rawRequest(req.url, method, headers, body, timeoutMs)
        : await fetch(req.url, {
            method,
            headers,
            body,
            redirect: 'manual',
            signal: AbortSignal.timeout(timeoutMs),
          });
      const text = await res.text();
      this.timeouts.set(origin, 0);
      const response: HttpResponse = {
        url: req.url,
        status: res.status,
        headers: res.headers,
        text,
        json: parseJson(text),
      };
      trace?.http({
        method,
        url: req.url,
        requestHeaders: headers,
        requestBody: body,
        status: res.status,
        responseHeaders: [...res.headers.entries()],
        responseBody: text,
        ms: Date.now() - started,
      });
      if (res.status >= 500) {
        trace?.serverError({
          method,
          url: req.url,
          status: res.status,
          body: text,
          contentType: res.headers.get('content-type') ?? '',
        });
      }
      return response;
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      if (timedOut) this.timeouts.set(origin, (this.timeouts.get(origin) ?? 0) + 1);
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      const message = timedOut
        ? `no answer from ${req.url} within ${timeoutMs} ms`
        : `${method} ${req.url} failed${cause || `: ${String(err)}`}`;
      trace?.http({
        method,
        url: req.url,
        requestHeaders: headers,
        requestBody: body,
        error: message,
        ms: Date.now() - started,
      });
      throw new HttpError(message);
    }
  }
}

/**
 * One request over node:http(s) with exactly the given headers (fetch() overwrites the Fetch Metadata ones), never
 * following redirects, answered as a fetch Response. Errors carry the names fetch uses (TimeoutError).
 */
function rawRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  timeoutMs: number,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const request = send(url, { method, headers, timeout: timeoutMs }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (c: Buffer) => chunks.push(c));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const responseHeaders = new Headers();
        for (let i = 0; i + 1 < incoming.rawHeaders.length; i += 2) {
          responseHeaders.append(incoming.rawHeaders[i] ?? '', incoming.rawHeaders[i + 1] ?? '');
        }
        const status = incoming.statusCode ?? 0;
        const nullBody = status === 204 || status === 304 || (status >= 100 && status < 200);
        resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, headers: responseHeaders }));
      });
    });
    request.on('timeout', () => {
      const err = new Error(`no answer within ${timeoutMs} ms`);
      err.name = 'TimeoutError';
      request.destroy(err);
    });
    request.on('error', (err) =>
      reject(err.name === 'TimeoutError' ? err : new TypeError('fetch failed', { cause: err })),
    );
    request.end(body);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** A JSON object body, or undefined when the body is not a JSON object. */
export function jsonObject(res: HttpResponse): Record<string, unknown> | undefined {
  const j = res.json;
  return j && typeof j === 'object' && !Array.isArray(j) ? (j as Record<string, unknown>) : undefined;
}

/** `application/json; charset=utf-8` → true. */
export function isJsonContentType(res: HttpResponse): boolean {
  return /^application\/([\w.+-]*\+)?json\b/i.test(res.headers.get('content-type') ?? '');
}
