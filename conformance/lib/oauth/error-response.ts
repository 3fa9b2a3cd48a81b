// OAuth error responses (RFC 6749 §5.2): the error code, and a short `status error` form for expected/actual.
import { jsonObject, type HttpResponse } from '../transport/http.ts';

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
