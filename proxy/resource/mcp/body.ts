// Reading an MCP POST body once, bounded. A declared Content-Length is checked before anything is read and the body
// is then taken in one go (the Node adapter hands the bytes over without building a stream); a chunked body is
// counted as it arrives and cut off at the limit.
import { readBounded } from '../../http/bounded-body.ts';
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
    text = declaredLength(request, limit) ? await request.text() : decode(await streamed(request, limit));
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
export async function readBodyBytes(request: Request, limit: number): Promise<Uint8Array> {
  if (declaredLength(request, limit)) return new Uint8Array(await request.arrayBuffer());
  return streamed(request, limit);
}

/** True when a Content-Length within the limit is declared; throws BodyTooLarge when it is over. */
function declaredLength(request: Request, limit: number): boolean {
  const declared = request.headers.get('content-length');
  if (declared === null || !/^\d+$/.test(declared)) return false;
  if (Number(declared) > limit) throw new BodyTooLarge();
  return true;
}

function streamed(request: Request, limit: number): Promise<Uint8Array> {
  return readBounded(request.body, limit, () => new BodyTooLarge());
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
