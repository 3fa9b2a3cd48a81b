// Reading an MCP POST body once, bounded (see readRequestBody: a declared length is taken in one go, a chunked body
// counted as it arrives and cut off at the limit).
import { readRequestBody } from '../../http/bounded-body.ts';
import { mediaType } from '../../http/params.ts';

/** The largest MCP message the demo server accepts (the MCP SDKs' own limit). */
export const MAX_MCP_BODY_BYTES = 4 * 1024 * 1024;

export type McpBody =
  { kind: 'json'; value: unknown } | { kind: 'not-json' } | { kind: 'unparseable' } | { kind: 'too-large' };

/** Thrown by the readers when the body is over the limit. */
export class BodyTooLarge extends Error {
  override name = 'BodyTooLarge';
}

/** Whether the request declares the only media type Streamable HTTP posts. */
export function isJsonRequest(request: Request): boolean {
  return mediaType(request.headers.get('content-type')) === 'application/json';
}

/**
 * The body of an MCP POST as the JSON value it holds: `not-json` unless the media type is `application/json`,
 * `too-large` beyond `limit` bytes, `unparseable` when it is not JSON text.
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#sending-messages
 */
export async function readMcpBody(request: Request, limit = MAX_MCP_BODY_BYTES): Promise<McpBody> {
  if (!isJsonRequest(request)) return { kind: 'not-json' };
  let text: string;
  try {
    text = new TextDecoder().decode(await readBodyBytes(request, limit));
  } catch (error) {
    return error instanceof BodyTooLarge ? { kind: 'too-large' } : { kind: 'unparseable' };
  }
  try {
    return { kind: 'json', value: JSON.parse(text) };
  } catch {
    return { kind: 'unparseable' };
  }
}

/** The raw bytes of a body (a gateway forwards them unchanged); throws BodyTooLarge beyond `limit`. */
export function readBodyBytes(request: Request, limit: number): Promise<Uint8Array> {
  return readRequestBody(request, limit, () => new BodyTooLarge());
}
