// The gateway for the standalone server: the web handler of gateway.ts, which any framework can mount, and the same
// forwarding on Node's own request objects for the Node route (node-route.ts). Both apply gateway.ts's rules (which
// headers go, the identity headers, the POST checks, the body limit, the backend timeout) and answer alike; the Node
// side pipes the backend's answer into the client's response, byte for byte, instead of through web streams.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { bodyTooLarge, errorAnswer } from './mcp/answers.ts';
import { JSON_RPC_ERRORS } from './mcp/json-rpc.ts';
import {
  backendBaseUrl,
  backendRequestHeaderList,
  backendTarget,
  checkPost,
  createGatewayHandler,
  DROPPED_RESPONSE_HEADERS,
  type GatewayOptions,
} from './gateway.ts';
import {
  createNodeHttpFetch,
  isSmallCompleteAnswer,
  keepAliveAgents,
  MAX_FORWARDED_BODY_BYTES,
} from './node-http-fetch.ts';
import type { NodeExchange, NodeMcpHandler } from './node-route.ts';

export type NodeGatewayOptions = Omit<GatewayOptions, 'fetch'>;

export function createNodeGateway(options: NodeGatewayOptions): NodeMcpHandler {
  const agents = keepAliveAgents();
  const handler = createGatewayHandler({ ...options, fetch: createNodeHttpFetch({ agents }) });
  // The backend's address, parsed once: each request adds only its path and query. The headers go as a list, which
  // node:http takes without adding Host: it is added here, as node:http would write it.
  const backend = new URL(backendBaseUrl(options.backendUrl));
  const https = backend.protocol === 'https:';
  const send = https ? httpsRequest : httpRequest;
  const { protocol, host, pathname } = backend;
  const hostname = backend.hostname.replace(/^\[|\]$/g, '');
  const port = backend.port;
  const agent = https ? agents['https:'] : agents['http:'];
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_FORWARDED_BODY_BYTES;

  function forward(exchange: NodeExchange, body: Buffer | undefined): void {
    const { req, res } = exchange;
    const headers = backendRequestHeaderList(exchange.headers, exchange.auth);
    headers.push('host', host);
    if (body !== undefined) headers.push('content-length', String(body.byteLength));
    const path = backendTarget(pathname, exchange.target);
    const backendRequest = send({ protocol, hostname, port, agent, path, method: req.method, headers });
    // The backend's time to answer is bounded; a streamed answer is not (a long SSE stream is legitimate).
    const timer =
      timeoutMs > 0 ? setTimeout(() => backendRequest.destroy(new Error('backend timeout')), timeoutMs) : undefined;
    // A client that goes away cancels the backend request, and with it a stream in progress.
    res.on('close', () => {
      if (!res.writableFinished) backendRequest.destroy();
    });
    const unavailable = (): void => {
      clearTimeout(timer);
      if (!res.headersSent) {
        exchange.send(errorAnswer(502, null, JSON_RPC_ERRORS.internalError, 'The backend MCP server is unavailable'));
      } else {
        res.destroy();
      }
    };
    backendRequest.on('response', (answer: IncomingMessage) => {
      clearTimeout(timer);
      try {
        answerWith(exchange, answer, unavailable);
      } catch (error) {
        answer.destroy();
        exchange.fail(error);
      }
    });
    backendRequest.on('error', unavailable);
    backendRequest.end(body);
  }

  /** A request's body has been read (or not): refused, or forwarded. */
  function received(exchange: NodeExchange, body: Buffer | typeof TOO_LARGE | Error): void {
    if (body instanceof Error) {
      exchange.send(errorAnswer(400, null, JSON_RPC_ERRORS.parseError, 'The request body could not be read'));
    } else if (body === TOO_LARGE) {
      // The rest of the body is not read: the connection closes after the answer ("the server MAY close the
      // connection", RFC 9110 §15.5.14).
      exchange.res.shouldKeepAlive = false;
      exchange.send(bodyTooLarge(maxBodyBytes));
    } else {
      const refusal = exchange.req.method === 'POST' ? checkPost(exchange.headers, body, exchange.auth) : undefined;
      if (refusal) exchange.send(refusal);
      else forward(exchange, body);
    }
  }

  const serveNode = (exchange: NodeExchange): void => {
    if (exchange.req.method === 'GET') {
      forward(exchange, undefined);
      return;
    }
    readBody(exchange.req, maxBodyBytes, (body) => {
      try {
        received(exchange, body);
      } catch (error) {
        exchange.fail(error);
      }
    });
  };
  return Object.assign(handler, { serveNode });
}

const TOO_LARGE = Symbol('too large');

/**
 * Hands the backend's answer on: an event stream or any answer without a small declared length is piped through as it
 * comes; a small one of declared length is read whole and sent in one write, as the web side does, and a 502 when the
 * backend breaks it off.
 */
function answerWith(exchange: NodeExchange, answer: IncomingMessage, unavailable: () => void): void {
  const { res } = exchange;
  const status = answer.statusCode ?? 502;
  const { head, contentLength, contentType } = answerHead(answer.rawHeaders);
  if (!isSmallCompleteAnswer(contentLength, contentType)) {
    exchange.writeHead(status, answer.statusMessage ?? '', head);
    answer.pipe(res);
    // A backend that breaks off a stream: the client's answer is broken off too, not ended as if whole.
    answer.on('close', () => {
      if (!answer.complete) res.destroy();
    });
    return;
  }
  // As the web side does: read whole, then one write; broken off before its declared end, a 502.
  const chunks: Buffer[] = [];
  answer.on('data', (chunk: Buffer) => chunks.push(chunk));
  answer.on('end', () => {
    try {
      exchange.writeHead(status, answer.statusMessage ?? '', head);
      res.end(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
    } catch (error) {
      exchange.fail(error);
    }
  });
  answer.on('error', unavailable);
}

/** The request body, TOO_LARGE as soon as more than `limit` bytes are declared or have arrived, or the read's error. */
function readBody(req: IncomingMessage, limit: number, done: (body: Buffer | typeof TOO_LARGE | Error) => void): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    done(TOO_LARGE);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (body: Buffer | typeof TOO_LARGE | Error): void => {
    if (finished) return;
    finished = true;
    req.off('data', onData);
    done(body);
  };
  const onData = (chunk: Buffer): void => {
    size += chunk.byteLength;
    if (size <= limit) {
      chunks.push(chunk);
      return;
    }
    req.pause();
    finish(TOO_LARGE);
  };
  req.on('data', onData);
  req.on('end', () => finish(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
  req.on('error', finish);
}

/**
 * The backend's answer headers as they are, minus the backend leg's own (DROPPED_RESPONSE_HEADERS), read from its raw
 * list in one pass (the parsed `headers` object would be built for two fields). Content-Length and Content-Type are
 * the first of their name, as node:http's own reading takes them.
 */
function answerHead(raw: string[]): { head: string[]; contentLength?: string; contentType?: string } {
  const head: string[] = [];
  let contentLength: string | undefined;
  let contentType: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    if (name === 'content-length') contentLength ??= value;
    else if (name === 'content-type') contentType ??= value;
    if (!DROPPED_RESPONSE_HEADERS.has(name)) head.push(raw[i]!, value);
  }
  return { head, contentLength, contentType };
}
