// A minimal fetch for gateway mode on Node: node:http with a keep-alive agent. undici's fetch costs about as much CPU
// per call as a small MCP backend's whole answer; this keeps the gateway hop cheap. Only what the gateway uses is
// supported (method, headers, a body, an abort signal). A small answer of declared length is read whole (see
// isSmallCompleteAnswer); any other answer, every event stream among them, streams through unbuffered.
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { readBounded } from '../http/bounded-body.ts';

/** Answers made by a createNodeHttpFetch client: mutable headers, and a small answer already read whole. */
const ownAnswers = new WeakSet<Response>();

/**
 * Whether `response` came from a createNodeHttpFetch client. Such an answer can be handed on as it is: its headers
 * can be changed in place (a fetch() answer's cannot), and a body of declared length within BUFFERED_ANSWER_BYTES has
 * arrived whole already (a broken-off one was a rejection, not a Response).
 */
export function isNodeHttpAnswer(response: Response): boolean {
  return ownAnswers.has(response);
}

/** Keep-alive agents by URL protocol: one pool of sockets per client. */
export interface NodeHttpAgents {
  'http:': Agent;
  'https:': HttpsAgent;
}

/**
 * How long a kept-alive socket may idle, as Node's own global agent has it. A server may close an idle connection at
 * any time (RFC 9112 §9.5); Node's agent honours a backend's `Keep-Alive: timeout=N` hint (closing its side a second
 * before the backend does) only when a timeout is set: without one, a socket the backend is closing can be handed to
 * the next request, which then fails (a 502).
 */
const IDLE_SOCKET_MS = 5_000;

export function keepAliveAgents(maxSockets = 256): NodeHttpAgents {
  return {
    'http:': new Agent({ keepAlive: true, maxSockets, timeout: IDLE_SOCKET_MS }),
    'https:': new HttpsAgent({ keepAlive: true, maxSockets, timeout: IDLE_SOCKET_MS }),
  };
}

export function createNodeHttpFetch(options: { maxSockets?: number; agents?: NodeHttpAgents } = {}): typeof fetch {
  const agents = options.agents ?? keepAliveAgents(options.maxSockets);
  return (async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`unsupported ${url.protocol}`);
    const body =
      init.body === undefined || init.body === null
        ? undefined
        : init.body instanceof Uint8Array && init.body.byteLength <= MAX_FORWARDED_BODY_BYTES
          ? init.body
          : await readCapped(init.body);
    const headers = headerRecord(init.headers);
    if (body !== undefined) headers['content-length'] = String(body.byteLength);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Response>((resolveAnswer, reject) => {
      const resolve = (response: Response): void => {
        ownAnswers.add(response);
        resolveAnswer(response);
      };
      const req = send(
        url,
        { method: init.method ?? 'GET', headers, agent: agents[url.protocol as 'http:'] },
        (res) => {
          const status = res.statusCode ?? 502;
          const answer = { status, statusText: res.statusMessage ?? '', headers: toHeaders(res.headers) };
          if (status === 204 || status === 304 || init.method === 'HEAD') {
            res.resume();
            resolve(new Response(null, answer));
          } else if (isSmallCompleteAnswer(res.headers['content-length'], res.headers['content-type'])) {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => resolve(new Response(Buffer.concat(chunks), answer)));
            res.on('error', reject);
          } else {
            resolve(new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, answer));
          }
        },
      );
      req.on('error', reject);
      init.signal?.addEventListener('abort', () => req.destroy(new Error('aborted')), { once: true });
      req.end(body);
    });
  }) as typeof fetch;
}

/** Answers up to this size, with a declared length, are read whole before they are handed on. */
export const BUFFERED_ANSWER_BYTES = 64 * 1024;

/**
 * Whether an answer is worth reading whole: a declared Content-Length within BUFFERED_ANSWER_BYTES and not an event
 * stream. Such a body is useless to the client until its last byte anyway (one JSON-RPC message), and whole it goes
 * out in one write with its length instead of headers, chunks and a terminator through a web stream.
 */
export function isSmallCompleteAnswer(length: string | null | undefined, type: string | null | undefined): boolean {
  if (length == null || !/^\d+$/.test(length) || Number(length) > BUFFERED_ANSWER_BYTES) return false;
  return !(type ?? '').toLowerCase().startsWith('text/event-stream');
}

/** Largest request body forwarded (JSON-RPC messages are small; the SDK's own server limit is 4 MiB). */
export const MAX_FORWARDED_BODY_BYTES = 16 * 1024 * 1024;

function readCapped(body: BodyInit): Promise<Uint8Array> {
  const tooLarge = () => new RangeError('request body too large to forward');
  return readBounded(new Response(body).body, MAX_FORWARDED_BODY_BYTES, tooLarge);
}

/** Request headers as node:http takes them, names in lower case; a plain record (the gateway's) skips `Headers`. */
function headerRecord(init: HeadersInit | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (init !== undefined && !(init instanceof Headers) && !Array.isArray(init)) {
    for (const [key, value] of Object.entries(init)) headers[key.toLowerCase()] = value;
  } else {
    new Headers(init).forEach((value, key) => (headers[key] = value));
  }
  return headers;
}

function toHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(incoming)) {
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else if (value !== undefined) headers.set(key, value);
  }
  return headers;
}
