// The HTTP answers of an MCP endpoint over Streamable HTTP: a JSON-RPC message as `application/json`, 202 for
// accepted notifications, and the transport-level refusals (405, 406, 413, 415) with a JSON-RPC error body that has
// no id. Header objects are shared constants: building a Response is most of a small answer's cost.
import { errorMessage, JSON_RPC_ERRORS, type JsonRpcErrorCode, type JsonRpcId } from './json-rpc.ts';

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/** One JSON-RPC message (or a 2025-03-26 batch of them) as the whole answer. */
export function jsonAnswer(body: string, status = 200): Response {
  return new Response(body, { status, headers: JSON_HEADERS });
}

/** A JSON-RPC error answer with an HTTP status (400 for the MCP 2026-07-28 validation errors, 404 for -32601 …). */
export function errorAnswer(
  status: number,
  id: JsonRpcId | null,
  code: JsonRpcErrorCode,
  message: string,
  data?: unknown,
): Response {
  return jsonAnswer(errorMessage(id, code, message, data), status);
}

/**
 * A notification or response the server accepts: "the server MUST return HTTP status code 202 Accepted with no
 * body".
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#sending-messages
 */
export function accepted(): Response {
  return new Response(null, { status: 202 });
}

/**
 * GET, DELETE and every other non-POST method. 2025 revisions: "The server MUST either return Content-Type:
 * text/event-stream in response to this HTTP GET, or else return HTTP 405 Method Not Allowed, indicating that the
 * server does not offer an SSE stream at this endpoint", and for DELETE "The server MAY respond to this request with
 * HTTP 405 Method Not Allowed"; 2026-07-28: "HTTP GET or DELETE to the MCP endpoint: respond with 405 Method Not
 * Allowed". This endpoint offers neither a GET stream nor sessions.
 * @see https://modelcontextprotocol.io/specification/2025-11-25/basic/transports#listening-for-messages-from-the-server
 * @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#earlier-streamable-http-revisions
 */
export function methodNotAllowed(): Response {
  return new Response(
    errorMessage(
      null,
      JSON_RPC_ERRORS.invalidRequest,
      'Method not allowed: this MCP endpoint takes POST only (it offers no GET stream and no sessions)',
    ),
    { status: 405, headers: { ...JSON_HEADERS, allow: 'POST' } },
  );
}

export function unsupportedMediaType(): Response {
  return errorAnswer(415, null, JSON_RPC_ERRORS.invalidRequest, 'Content-Type must be application/json');
}

export function notAcceptable(): Response {
  return errorAnswer(
    406,
    null,
    JSON_RPC_ERRORS.invalidRequest,
    'The Accept header must allow application/json (and text/event-stream for streamed answers)',
  );
}

export function bodyTooLarge(limit: number): Response {
  return errorAnswer(413, null, JSON_RPC_ERRORS.invalidRequest, `The request body exceeds ${limit} bytes`);
}
