// The MCP route on Node's own request objects, for a handler that can serve them (the gateway): the same route as
// app.ts mounts (request id, bearer check, MCP CORS headers, one access line) without the web Request and Response
// of the node-server adapter and Hono's dispatch, which cost more than the proxy's own work on a forwarded request.
// It takes only what it can finish the same way the web route would: a POST, GET or DELETE to the MCP path whose
// token verifies without I/O (a grant the grant cache holds). Every other request, a failed bearer check among them,
// is left untouched for the web route, so refusals and challenges have one implementation.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { logAccess } from '../access-log.ts';
import { forRequest, type ProxyContext } from '../context.ts';
import { OAuthError } from '../errors.ts';
import { oauthErrorResponse } from '../http/json.ts';
import { requestIdFrom } from '../http/request-id.ts';
import type { AuthInfo, McpHandler } from './auth-info.ts';
import type { HeaderReader } from './mcp/request-metadata.ts';
import { verifyBearerNow } from './bearer.ts';
import { CORS_RESPONSE_HEADERS } from './mcp/cors.ts';

/** One request on the Node route, as a handler sees it. */
export interface NodeExchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly auth: AuthInfo;
  /** The request's headers: lower-case names, repeated ones joined with ", " (what a web Headers reads). */
  readonly headers: RequestHeaders;
  /** The request target as it arrived (`/mcp?…`). */
  readonly target: string;
  /** Writes the head with the route's own headers (request id, CORS) added, and the access line. */
  writeHead(status: number, statusMessage: string, headers: string[]): void;
  /** Sends a whole web Response (a refusal, a 502) through writeHead. */
  send(response: Response): void;
  /**
   * Ends the exchange after a fault of the proxy's own (never a client's mistake), as the web route's error handler
   * does: logged, and the RFC-shaped 500 when nothing was sent yet.
   */
  fail(error: unknown): void;
}

/** An MCP handler that can also serve Node's request objects. */
export interface NodeMcpHandler extends McpHandler {
  serveNode(exchange: NodeExchange): void;
}

export function isNodeMcpHandler(handler: McpHandler | undefined): handler is NodeMcpHandler {
  return typeof (handler as Partial<NodeMcpHandler> | undefined)?.serveNode === 'function';
}

const METHODS = new Set(['POST', 'GET', 'DELETE']);
/** Headers the route sets on every answer (request id, CORS). */
const ROUTE_HEADERS = new Set(['x-request-id', ...CORS_RESPONSE_HEADERS.map(([name]) => name)]);
/**
 * Targets the adapter takes as they are (the node-server adapter's own test): anything else, dot segments and
 * characters it would percent-encode, goes to the web route, which normalises it.
 */
const PLAIN_TARGET = /^\/[!#$&-;=?-[\]_a-z~]*$/i;
const DOT_SEGMENT = /\/\.\.?(?:[/?#]|$)/;

/**
 * The route: `handle(req, res)` answers and returns true, or returns false having read and written nothing.
 * @param base the proxy's context; `mcpPath` the MCP endpoint's path.
 */
export function nodeMcpRoute(
  base: ProxyContext,
  mcpPath: string,
  handler: NodeMcpHandler,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const target = req.url ?? '';
    if (!METHODS.has(req.method ?? '') || !target.startsWith(mcpPath)) return false;
    if (target.length !== mcpPath.length && target[mcpPath.length] !== '?') return false;
    if (!PLAIN_TARGET.test(target) || DOT_SEGMENT.test(target)) return false;
    // A trace line describes the request as the web route sees it (app.ts): leave tracing to it.
    if (base.log.isLevelEnabled('trace')) return false;
    const started = performance.now();
    const headers = requestHeaders(req);
    const ctx = forRequest(base, requestIdFrom(headers.get('x-request-id')));
    let auth: AuthInfo | undefined;
    try {
      auth = verifyBearerNow(ctx, {
        target,
        authorization: headers.get('authorization'),
        contentType: headers.get('content-type'),
      });
    } catch {
      return false; // the web route answers with the challenge
    }
    if (auth === undefined) return false;
    ctx.outcome.clientId = auth.clientId;
    const exchange = new Exchange(ctx, req, res, auth, headers, target, started);
    try {
      handler.serveNode(exchange);
    } catch (error) {
      exchange.fail(error);
    }
    return true;
  };
}

class Exchange implements NodeExchange {
  constructor(
    private readonly ctx: ProxyContext,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly auth: AuthInfo,
    readonly headers: RequestHeaders,
    readonly target: string,
    private readonly started: number,
  ) {}

  writeHead(status: number, statusMessage: string, headers: string[]): void {
    // The route's own headers replace any of the same name, as the web route's Headers.set does.
    const head: string[] = [];
    for (let i = 0; i < headers.length; i += 2) {
      if (!ROUTE_HEADERS.has(headers[i]!.toLowerCase())) head.push(headers[i]!, headers[i + 1]!);
    }
    head.push('x-request-id', this.ctx.outcome.requestId);
    for (const [name, value] of CORS_RESPONSE_HEADERS) head.push(name, value);
    this.res.writeHead(status, statusMessage, head);
    logAccess(this.ctx, this.req.method ?? '', this.target, status, this.started);
  }

  send(response: Response): void {
    response
      .arrayBuffer()
      .then((body) => {
        this.writeHead(response.status, response.statusText, headerList(response.headers));
        this.res.end(Buffer.from(body));
      })
      .catch((error: unknown) => this.fail(error));
  }

  fail(error: unknown): void {
    this.ctx.log.error({ event: 'unexpected-error', err: error }, 'unexpected error');
    if (this.res.headersSent) {
      this.res.destroy();
      return;
    }
    const answer = new OAuthError('server_error', 'An unexpected error occurred', { status: 500 });
    this.ctx.outcome.error = answer.error;
    this.writeHead(500, '', headerList(oauthErrorResponse(answer).headers));
    this.res.end(JSON.stringify(answer.toJSON()));
  }
}

function headerList(headers: Headers): string[] {
  const list: string[] = [];
  headers.forEach((value, key) => list.push(key, value));
  return list;
}

/** A request's headers as a web Headers reads them: lower-case names, a repeated field's values joined (headerMap). */
export interface RequestHeaders extends HeaderReader {
  get(name: string): string | undefined;
  forEach(visit: (value: string, name: string) => void): void;
}

/**
 * The request's headers. node:http has parsed them into `req.headers` already (it reads Expect on every request):
 * lower-case names, which is what a web Headers reads as long as no field came twice. A repeated field is where the
 * two part (node:http keeps the first Authorization or Content-Type, joins Cookie with "; "), so then they are read
 * again from the raw list, as the web route would.
 */
export function requestHeaders(req: IncomingMessage): RequestHeaders {
  const parsed = req.headers;
  let fields = 0;
  for (const name in parsed) {
    if (typeof parsed[name] !== 'string') return headerMap(req.rawHeaders);
    fields += 1;
  }
  return fields * 2 === req.rawHeaders.length
    ? new ParsedHeaders(parsed as Record<string, string>)
    : headerMap(req.rawHeaders);
}

class ParsedHeaders implements RequestHeaders {
  constructor(private readonly fields: Record<string, string>) {}

  get(name: string): string | undefined {
    return Object.hasOwn(this.fields, name) ? this.fields[name] : undefined;
  }

  forEach(visit: (value: string, name: string) => void): void {
    for (const name in this.fields) visit(this.fields[name]!, name);
  }
}

/**
 * Header names in lower case, repeated fields joined with ", " (Cookie with "; "): how the web route's Headers reads
 * them.
 */
export function headerMap(raw: string[]): Map<string, string> {
  const headers = new Map<string, string>();
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    const seen = headers.get(name);
    headers.set(name, seen === undefined ? value : `${seen}${name === 'cookie' ? '; ' : ', '}${value}`);
  }
  return headers;
}
