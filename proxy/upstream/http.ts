// Every call from the proxy to an upstream IdP goes through `upstreamFetch`: one timeout, one size cap, one body
// parser, and one translation of transport failures into `UpstreamError` kinds the proxy maps for its clients.
import { readBounded } from '../http/bounded-body.ts';
import { UpstreamError } from './types.ts';

/** Default per-request timeout, in milliseconds. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** Default cap on an upstream response body, in bytes (1 MiB). Token and userinfo answers are a few KiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

export interface UpstreamHttpOptions {
  /** The fetch implementation; defaults to the global one, looked up per call so that test interceptors apply. */
  fetch?: typeof fetch;
  /** Per-request timeout in milliseconds, covering headers and body. Default 10000. */
  timeoutMs?: number;
  /** Response body cap in bytes. Default 1 MiB. */
  maxResponseBytes?: number;
}

export interface UpstreamResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON object or form fields; `{}` for an empty body (e.g. 204 from a revocation) or a JSON array. */
  body: Record<string, unknown>;
  /** The parsed JSON value when the answer was a JSON array (GitHub's `/user/emails`), else the same as `body`. */
  json: unknown;
}

/**
 * Sends one request upstream and parses the answer.
 * - network error, timeout, 5xx → `unavailable`
 * - body over the cap, or neither a JSON object nor form fields → `bad_response`
 * - 2xx, 3xx and 4xx are returned with their parsed body: callers read OAuth errors from it (RFC 6749 §5.2).
 * Redirects are not followed: a request carrying client credentials or a token must not be replayed elsewhere.
 */
export async function upstreamFetch(
  url: string | URL,
  init: RequestInit,
  options: UpstreamHttpOptions = {},
): Promise<UpstreamResponse> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const doFetch = options.fetch ?? globalThis.fetch;
  const signal = AbortSignal.timeout(timeoutMs);
  const target = describeTarget(url, init.method);
  try {
    const response = await abortable(doFetch(url, { ...init, redirect: 'manual', signal }), signal);
    if (response.status >= 500) {
      void response.body?.cancel().catch(() => undefined);
      throw new UpstreamError('unavailable', `${target} answered HTTP ${response.status}`);
    }
    const text = await abortable(readCapped(response, maxBytes, target), signal);
    const json = parseBody(text, response.headers.get('content-type'), target, response.status);
    const body = Array.isArray(json) ? {} : json;
    return { status: response.status, headers: response.headers, body, json };
  } catch (err) {
    if (err instanceof UpstreamError) throw err;
    if (signal.aborted) {
      throw new UpstreamError('unavailable', `${target} timed out after ${timeoutMs} ms`, { cause: err });
    }
    throw new UpstreamError('unavailable', `${target} could not be reached`, { cause: err });
  }
}

/** Method and URL without query string: queries may carry tokens (e.g. Google's `revoke?token=`). */
function describeTarget(url: string | URL, method = 'GET'): string {
  const u = new URL(url);
  return `upstream ${method.toUpperCase()} ${u.origin}${u.pathname}`;
}

/** Rejects as soon as the signal aborts, even if the underlying fetch implementation ignores it. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function readCapped(response: Response, maxBytes: number, target: string): Promise<string> {
  const tooLarge = () => new UpstreamError('bad_response', `${target} answered more than ${maxBytes} bytes`);
  const bytes = await readBounded(response.body, maxBytes, tooLarge, response.headers.get('content-length'));
  return new TextDecoder().decode(bytes);
}

/**
 * JSON by default; `application/x-www-form-urlencoded` as GitHub answers its token endpoint unless asked for JSON.
 * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#2-users-are-redirected-back-to-your-site-by-github
 */
function parseBody(
  text: string,
  contentType: string | null,
  target: string,
  status: number,
): Record<string, unknown> | unknown[] {
  if (text.trim() === '') return {};
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(text));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // No `cause`: JSON.parse quotes the start of the input in its message, and that may be a token.
    throw new UpstreamError(
      'bad_response',
      `${target} answered HTTP ${status} with a body that is neither JSON nor form-encoded (${type || 'no content type'})`,
    );
  }
  if (parsed === null || typeof parsed !== 'object') {
    throw new UpstreamError('bad_response', `${target} answered HTTP ${status} with JSON that is not an object`);
  }
  return parsed as Record<string, unknown> | unknown[];
}
