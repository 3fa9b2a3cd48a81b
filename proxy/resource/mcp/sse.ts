// An SSE response stream scoped to one request: notifications that relate to it (progress), then its response, then
// the end of the stream ("The final JSON-RPC response SHOULD terminate the stream"). No event ids: 2026-07-28
// removed resumability, and a stateless server could not replay anyway. A client that closes the stream cancels the
// request: "Closing the SSE response stream MUST be treated by the server as cancellation of that request."
// @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#receiving-messages
// @see https://modelcontextprotocol.io/specification/2026-07-28/basic/transports/streamable-http#cancellation

/**
 * "servers SHOULD include the X-Accel-Buffering: no header" so that reverse proxies pass each event on at once.
 */
const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache, no-transform',
  'x-accel-buffering': 'no',
} as const;

export interface SseStream {
  response: Response;
  /** Sends one JSON-RPC message as an SSE `message` event; ignored once the stream is closed or cancelled. */
  send(message: string): void;
  /** Ends the stream (after the final response). */
  close(): void;
  /** Aborted when the client closed the stream: stop working on the request. */
  cancelled: AbortSignal;
}

const encoder = new TextEncoder();

export function sseStream(): SseStream {
  const cancellation = new AbortController();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let open = true;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      open = false;
      cancellation.abort(new Error('the client closed the stream'));
    },
  });
  return {
    response: new Response(body, { status: 200, headers: SSE_HEADERS }),
    send(message) {
      if (open) controller.enqueue(encoder.encode(`event: message\ndata: ${message}\n\n`));
    },
    close() {
      if (!open) return;
      open = false;
      controller.close();
    },
    cancelled: cancellation.signal,
  };
}
