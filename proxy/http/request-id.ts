// One id per request: taken from an incoming X-Request-Id when it is a safe token (a load balancer's id ties the
// proxy's lines to its own), else made here; stamped on every log line of the request and echoed in the response.

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

export function requestIdFor(request: Request): string {
  return requestIdFrom(request.headers.get('x-request-id'));
}

/** The id for a request whose X-Request-Id header is `incoming`. */
export function requestIdFrom(incoming: string | null | undefined): string {
  return incoming != null && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
}

/** The response with `X-Request-Id`; responses passed through from fetch() have immutable headers, so copy those. */
export function withRequestId(response: Response, requestId: string): Response {
  try {
    response.headers.set('x-request-id', requestId);
    return response;
  } catch {
    const headers = new Headers(response.headers);
    headers.set('x-request-id', requestId);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}
