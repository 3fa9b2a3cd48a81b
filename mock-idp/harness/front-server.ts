// The node:http layer in front of either flavor: harness routes, then the request log, then injected faults,
// then the flavor's own handler (oidc-provider's Koa callback or the GitHub-style Hono app).
import { IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultSpec } from '../types.ts';
import { HARNESS_PREFIX, handleHarness, type HarnessState } from './harness-routes.ts';

const MAX_BODY_BYTES = 1024 * 1024;

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface FrontOptions extends HarnessState {
  handler: NodeHandler;
  /** Path of the flavor's authorization endpoint: a `deny` fault there redirects like a refusing user. */
  authorizationPath: string;
  /** Builds the `error=access_denied` redirect for an authorization request, or undefined if it has no valid target. */
  denyLocation: (query: URLSearchParams) => string | undefined;
  /** Requests the IdP makes to itself carry this value in `x-mock-idp-internal`; they are neither logged nor faulted. */
  internalToken: string;
}

export const INTERNAL_HEADER = 'x-mock-idp-internal';

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * A fresh IncomingMessage carrying the already-read body, so the inner framework parses it as if it were
 * reading from the socket (the front layer had to read it to record form fields).
 */
function replayRequest(req: IncomingMessage, body: Buffer): IncomingMessage {
  const replay = new IncomingMessage(req.socket);
  replay.method = req.method;
  replay.url = req.url;
  replay.headers = req.headers;
  replay.rawHeaders = req.rawHeaders;
  replay.httpVersion = req.httpVersion;
  replay.httpVersionMajor = req.httpVersionMajor;
  replay.httpVersionMinor = req.httpVersionMinor;
  if (body.length > 0) replay.push(body);
  replay.push(null);
  replay.complete = true;
  return replay;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** Answers for a fault, or returns false when the real handler should still run (`delay`). */
async function applyFault(fault: FaultSpec, opts: FrontOptions, url: URL, res: ServerResponse): Promise<boolean> {
  switch (fault.kind) {
    case 'delay':
      await sleep(fault.delayMs ?? 1000);
      return false;
    case 'drop':
      res.socket?.destroy();
      return true;
    case 'garbage':
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(fault.body ?? '<html><body>502 Bad Gateway (injected garbage)</body></html>');
      return true;
    case 'status': {
      const status = fault.status ?? 500;
      const body = fault.body ?? JSON.stringify({ error: 'server_error', error_description: 'injected fault' });
      let isJson = true;
      try {
        JSON.parse(body);
      } catch {
        isJson = false;
      }
      res.writeHead(status, { 'content-type': isJson ? 'application/json; charset=utf-8' : 'text/plain' });
      res.end(body);
      return true;
    }
    case 'deny': {
      if (url.pathname === opts.authorizationPath) {
        const location = opts.denyLocation(url.searchParams);
        if (location) {
          res.writeHead(302, { location, 'cache-control': 'no-store' }).end();
          return true;
        }
        res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid redirect_uri');
        return true;
      }
      sendJson(res, 403, { error: 'access_denied', error_description: 'injected fault: denied' });
      return true;
    }
  }
}

/** Parses a request target as a path, so that `//host/x` stays a path and never becomes another origin. */
export function requestUrl(req: IncomingMessage): URL {
  const target = req.url ?? '/';
  return new URL(`http://mock-idp.invalid${target.startsWith('/') ? target : `/${target}`}`);
}

/** The request listener for the mock IdP's HTTP server. */
export function createFrontListener(opts: FrontOptions): NodeHandler {
  return (req, res) => {
    void (async () => {
      const url = requestUrl(req);
      const body = req.method === 'GET' || req.method === 'HEAD' ? Buffer.alloc(0) : await readBody(req);
      if (url.pathname.startsWith(HARNESS_PREFIX)) {
        handleHarness(opts, req.method ?? 'GET', url.pathname, body, res);
        return;
      }
      if (req.headers[INTERNAL_HEADER] !== opts.internalToken) {
        const entry = opts.log.record(req, url, body);
        const fault = opts.faults.take(url.pathname, { ...entry.query, ...entry.form });
        if (fault && (await applyFault(fault, opts, url, res))) return;
      }
      opts.handler(replayRequest(req, body), res);
    })().catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendJson(res, 400, { error: 'invalid_request', error_description: (err as Error).message });
    });
  };
}
