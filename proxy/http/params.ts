// Request parameters as RFC 6749 defines them: form-encoded bodies or query strings, each parameter at most once,
// empty values treated as absent. Every endpoint reads its input through here, so malformed input is a 400.
import { OAuthError } from '../errors.ts';
import { readRequestBody } from './bounded-body.ts';

/** Parameters by name; a name appears at most once (duplicates are refused while parsing). */
export type Params = ReadonlyMap<string, string>;

/** The largest form or JSON body any endpoint accepts. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Parses `application/x-www-form-urlencoded` text or a query string into unique parameters.
 * "Parameters sent without a value MUST be treated as if they were omitted from the request" and "Request and
 * response parameters MUST NOT be included more than once."
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.1
 */
export function parseUniqueParams(encoded: string, options: { redirectable?: boolean } = {}): Params {
  const params = new Map<string, string>();
  const seen = new Set<string>();
  for (const [name, value] of new URLSearchParams(encoded)) {
    if (seen.has(name)) {
      throw new OAuthError('invalid_request', `The ${name} parameter is included more than once`, options);
    }
    seen.add(name);
    if (value !== '') params.set(name, value);
  }
  return params;
}

/**
 * Reads a form-encoded POST body. Other content types are refused: the token, revocation and consent endpoints
 * take form parameters only.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 */
export async function readFormBody(request: Request): Promise<Params> {
  const type = mediaType(request.headers.get('content-type'));
  if (type !== 'application/x-www-form-urlencoded') {
    throw new OAuthError('invalid_request', 'The request body must be application/x-www-form-urlencoded');
  }
  return parseUniqueParams(await readBodyText(request));
}

/** Reads a body as UTF-8 text, refusing bodies over the limit (413) before buffering all of them. */
export async function readBodyText(request: Request, limit = MAX_BODY_BYTES): Promise<string> {
  const tooLarge = () =>
    new OAuthError('invalid_request', `The request body exceeds ${limit} bytes`, {
      status: 413,
      explanation: 'The form sent to this server is too large.',
    });
  const bytes = await readRequestBody(request, limit, tooLarge);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new OAuthError('invalid_request', 'The request body is not valid UTF-8');
  }
}

/** `Content-Type` without parameters, lower-case. */
export function mediaType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** A required parameter, or invalid_request naming it. */
export function requireParam(params: Params, name: string, options: { redirectable?: boolean } = {}): string {
  const value = params.get(name);
  if (value === undefined) throw new OAuthError('invalid_request', `The ${name} parameter is required`, options);
  return value;
}
